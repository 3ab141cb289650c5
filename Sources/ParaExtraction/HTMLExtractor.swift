import Foundation
import ParaCore

/// HTML pages through libxml2's HTML parser: block elements become blocks, `<h1>`…`<h6>`
/// headings, `<ol>` items keep their numbers, scripts and styles are dropped.
/// What a markup extractor (HTML, XML, DOCX) finds: blocks for the segmenter, and metadata.
struct MarkupExtraction {
    var units: [ReportSegmenter.Unit]
    var title: String
    var language: Language?
    var symbol: String?
    /// What went wrong without losing the file (bad bytes, markup the parser repaired).
    var warnings: [String] = []
}

struct HTMLExtractor {
    typealias Result = MarkupExtraction

    static let skipped: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object",
                                       "button", "select", "nav", "head", "math", "canvas"]
    static let blocks: Set<String> = ["p", "div", "li", "dt", "dd", "blockquote", "pre", "tr", "table", "section",
                                      "article", "header", "footer", "main", "aside", "figure", "figcaption",
                                      "caption", "address", "hr", "ul", "ol", "dl", "form", "fieldset", "legend",
                                      "center", "tbody", "thead", "tfoot", "body", "html", "br", "h1", "h2", "h3",
                                      "h4", "h5", "h6"]

    func extract(_ data: Data, file: String) throws -> Result {
        // A page in a legacy charset is converted here, so that a few bad bytes become U+FFFD
        // (libxml2 would stop at the first one and lose the rest of the page).
        var warnings: [String] = []
        var input = data
        var encoding: String? = nil
        if let declared = Charset.declared(in: data) {
            if Charset.isUTF8(declared) {
                if firstInvalidUTF8(ArraySlice(data)) != nil {
                    input = Data(String(decoding: data, as: UTF8.self).utf8)
                    encoding = "UTF-8"
                    warnings.append("bytes that are not valid UTF-8 were read as U+FFFD")
                }
            } else if let (utf8, bad) = Charset.toUTF8(data, from: declared) {
                input = utf8
                encoding = "UTF-8"
                if bad > 0 { warnings.append("\(bad) byte\(bad == 1 ? "" : "s") not valid in the declared charset \(declared) read as U+FFFD") }
            } else {
                warnings.append("the declared charset \(declared) is unknown; read as the parser guessed")
            }
        }
        let messages = Markup.Messages()
        let root = try Markup.parseHTML(input, encoding: encoding, file: file, messages: messages)
        // HTML5 elements (`Tag nav invalid`) are every modern page's: not worth a warning.
        warnings += messages.list.filter { !($0.hasPrefix("Tag ") && $0.hasSuffix(" invalid")) }.prefix(3).map { "HTML parser: \($0)" }
        var title = root.descendants(named: "title").first.map { collapseSpaces(trimmed(Substring($0.textContent))) } ?? ""
        var symbol: String? = nil
        var description = ""
        for meta in root.descendants(named: "meta") {
            let name = (meta.attribute("name") ?? meta.attribute("property") ?? "").lowercased()
            let content = meta.attribute("content") ?? ""
            if ["symbol", "dc.identifier", "un.symbol", "document-symbol"].contains(name), let s = findDocumentSymbol(in: content) { symbol = s }
            if name == "description" || name == "dc.title" && title.isEmpty { description = content }
        }
        if title.isEmpty { title = description }
        let lang = (root.attribute("lang") ?? root.attribute("xml:lang")).flatMap { Language(rawValue: String($0.lowercased().prefix(2))) }

        let notes = Self.footnotes(root)
        var units: [ReportSegmenter.Unit] = []
        var line = ""
        var lineNotes: [Note] = []
        func flush(_ headingLevel: Int? = nil, standalone: Bool = false) {
            let t = collapseSpaces(trimmed(Substring(line)))
            if !t.isEmpty {
                units.append(ReportSegmenter.Unit(t, headingLevel: headingLevel, standalone: standalone, notes: lineNotes))
                lineNotes = []
            }
            line = ""
        }
        // Iterative walk: (node, next child index, list counter for <ol>).
        struct Frame { var node: MarkupNode; var next: Int; var counter: Int; var listDepth: Int }
        var stack = [Frame(node: root, next: 0, counter: 0, listDepth: 0)]
        var skippedFirstH1 = false
        while !stack.isEmpty {
            let top = stack.count - 1
            let frame = stack[top]
            let node = frame.node
            if frame.next >= node.children.count {
                stack.removeLast()
                if let level = headingLevel(node.name) { flush(level) }
                else if node.name == "tr" { flush(standalone: true) }
                else if Self.blocks.contains(node.name) { flush() }
                continue
            }
            let child = node.children[frame.next]
            stack[top].next += 1
            if child.kind == .text {
                // Line breaks in HTML source are spaces, except inside <pre>.
                let inPre = stack.contains { $0.node.name == "pre" }
                let text = withoutConditionals(child.text)
                line += inPre ? text : text.replacingOccurrences(of: "\r", with: " ")
                    .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
                continue
            }
            let name = child.name
            if Self.skipped.contains(name) { continue }
            // A footnote's text goes with the block that cites it, in place of its mark.
            if notes.definitions.contains(ObjectIdentifier(child)) { continue }
            if let note = notes.references[ObjectIdentifier(child)] { lineNotes.append(note); continue }
            if name == "br" { line += " "; continue }
            if name == "td" || name == "th" { if !line.isEmpty { line += " | " } }
            if let level = headingLevel(name) {
                flush()
                // The page's <h1> repeating its <title> is the title, not a section.
                if level == 1 && !skippedFirstH1 && collapseSpaces(trimmed(Substring(child.textContent))) == title && !title.isEmpty {
                    skippedFirstH1 = true
                    continue
                }
            } else if Self.blocks.contains(name) {
                flush()
            }
            var counter = 0
            var depth = frame.listDepth
            if name == "ol" {
                counter = Int(child.attribute("start") ?? "") ?? 1
                depth += 1
            } else if name == "ul" {
                depth += 1
            }
            if name == "li" && node.name == "ol" && frame.listDepth == 1 {
                // A top-level ordered list numbers paragraphs: keep the number as printed.
                let n = Int(child.attribute("value") ?? "") ?? stack[top].counter
                stack[top].counter = n + 1
                line = "\(n). "
            }
            stack.append(Frame(node: child, next: 0, counter: counter, listDepth: depth))
        }
        flush()
        if !lineNotes.isEmpty, !units.isEmpty { units[units.count - 1].notes += lineNotes }
        if symbol == nil { symbol = symbolOnFirstPage(units.map(\.text)) }
        return Result(units: units, title: title, language: lang, symbol: symbol, warnings: warnings)
    }

    /// Footnotes as pages exported from Word or written by document converters set them: a
    /// link whose text is a mark (`[1]`, `1`, `*`, an endnote's `i`; `1:2` for a second
    /// citation) to an anchor further down (`<a href="#_ftn1">[1]</a>`, `<a href="#fn1">`),
    /// where the note links back to the reference (by the link's id or name, or the id of the
    /// element around it: `<sup id="cite_ref-1">`). The note is the nearest block around the
    /// anchor that is a list item, an aside or has an id (else the anchor's own block), unless
    /// it holds the reference, another note or a heading; its text is read without the links
    /// back. Every citation of that anchor then gives the note. A link that does not come back
    /// (a table of contents) is an ordinary link.
    static func footnotes(_ root: MarkupNode) -> (references: [ObjectIdentifier: Note], definitions: Set<ObjectIdentifier>) {
        // Each element's innermost block (itself, for a block) and each block's parent block;
        // every element by its id (and an anchor by its name), with its place in the page.
        var parentBlock: [ObjectIdentifier: MarkupNode] = [:]
        var anchors: [String: (order: Int, block: MarkupNode)] = [:]
        var links: [(node: MarkupNode, target: String, key: String?, order: Int, block: MarkupNode?)] = []
        // (`inline`: the id of the inline element around, by which a note may link back to a
        // reference that has none of its own.)
        var stack: [(node: MarkupNode, block: MarkupNode?, inline: String?)] = [(root, nil, nil)]
        var order = 0
        while let (n, outer, inline) = stack.popLast() {
            guard n.kind == .element, !skipped.contains(n.name) else { continue }
            order += 1
            let isBlock = blocks.contains(n.name)
            if isBlock, let outer { parentBlock[ObjectIdentifier(n)] = outer }
            let block = isBlock ? n : outer
            let key = n.attribute("id") ?? (n.name == "a" ? n.attribute("name") : nil)
            if let key, anchors[key] == nil, let block { anchors[key] = (order, block) }
            if n.name == "a", let href = n.attribute("href"), href.hasPrefix("#"), href.count > 1 {
                links.append((n, String(href.dropFirst()), key ?? inline, order, block))
            }
            let inner = isBlock ? nil : key ?? inline
            for c in n.children.reversed() { stack.append((c, block, inner)) }
        }
        func chain(_ b: MarkupNode) -> [MarkupNode] {
            var out = [b], current = b
            while let p = parentBlock[ObjectIdentifier(current)], out.count < 10_000 { out.append(p); current = p }
            return out
        }
        func mark(_ s: String) -> String? {
            var t = collapseSpaces(trimmed(Substring(withoutConditionals(s))))
            if (t.hasPrefix("[") && t.hasSuffix("]")) || (t.hasPrefix("(") && t.hasSuffix(")")) { t = String(t.dropFirst().dropLast()) }
            if let colon = t.firstIndex(of: ":") { t = String(t[..<colon]) }   // (`1:2`, a second citation)
            guard !t.isEmpty, t.count <= 4 else { return nil }
            let u = t.unicodeScalars
            if u.allSatisfy({ asciiDigit($0) != nil }) || u.allSatisfy({ "*†‡".unicodeScalars.contains($0) })
                || u.allSatisfy({ "ivxl".unicodeScalars.contains($0) }) { return t }
            return nil
        }
        let marked = links.filter { mark($0.node.textContent) != nil }
        let targets = Set(marked.map(\.target))
        // How many of those anchors each block holds.
        var held: [ObjectIdentifier: Int] = [:]
        for t in targets { for b in anchors[t].map({ chain($0.block) }) ?? [] { held[ObjectIdentifier(b), default: 0] += 1 } }
        func contains(_ block: MarkupNode, where test: (MarkupNode) -> Bool) -> Bool {
            var s = [block]
            while let n = s.popLast() {
                if n.kind == .element && test(n) { return true }
                s += n.children.filter { $0.kind == .element }
            }
            return false
        }
        // The note for each target: its block, and the keys of the references it links back to.
        var notes: [String: (block: MarkupNode, keys: Set<String>)] = [:]
        for link in marked {
            guard let key = link.key, let anchor = anchors[link.target], anchor.order > link.order else { continue }
            if var known = notes[link.target] {
                known.keys.insert(key)
                notes[link.target] = known
                continue
            }
            let citing = Set(link.block.map { chain($0).map(ObjectIdentifier.init) } ?? [])
            var block: MarkupNode? = nil
            for b in chain(anchor.block) {
                if citing.contains(ObjectIdentifier(b)) || b.name == "body" || b.name == "html" || held[ObjectIdentifier(b), default: 0] > 1 { break }
                if b.name == "li" || b.name == "aside" || b.attribute("id") != nil { block = b; break }
            }
            if block == nil, !citing.contains(ObjectIdentifier(anchor.block)), held[ObjectIdentifier(anchor.block), default: 0] <= 1 {
                block = anchor.block
            }
            guard let block, !contains(block, where: { headingNames.contains($0.name) }),
                  contains(block, where: { $0.name == "a" && $0.attribute("href") == "#" + key }) else { continue }
            notes[link.target] = (block, [key])
        }
        // A note's text: its block's words without the links back, and the marks they carry.
        func text(_ block: MarkupNode, without keys: Set<String>) -> String {
            var out = ""
            var s = [block]
            while let n = s.popLast() {
                if n.kind == .text { out += n.text; continue }
                if skipped.contains(n.name) { continue }
                if n.name == "a", let href = n.attribute("href"), href.hasPrefix("#"), keys.contains(String(href.dropFirst())) { continue }
                if blocks.contains(n.name) || n.name == "br" { out += " " }
                s += n.children.reversed()
            }
            return collapseSpaces(trimmed(Substring(withoutConditionals(out).replacingOccurrences(of: "↩︎", with: "").replacingOccurrences(of: "↩", with: ""))))
        }
        var references: [ObjectIdentifier: Note] = [:]
        var definitions: Set<ObjectIdentifier> = []
        var texts: [String: String] = [:]
        for link in marked {
            guard let note = notes[link.target], let m = mark(link.node.textContent) else { continue }
            let t = texts[link.target] ?? text(note.block, without: note.keys)
            texts[link.target] = t
            guard !t.isEmpty else { continue }
            references[ObjectIdentifier(link.node)] = Note(mark: m, text: t)
            definitions.insert(ObjectIdentifier(note.block))
        }
        return (references, definitions)
    }

    static let headingNames: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    private func headingLevel(_ name: String) -> Int? {
        guard name.count == 2, name.hasPrefix("h"), let d = Int(name.dropFirst()), (1...6).contains(d) else { return nil }
        return d
    }
}

/// Text without the conditional markers Word writes into the HTML it saves
/// (`<![if !supportFootnotes]>`, `<![endif]>`), which the HTML parser keeps as text.
func withoutConditionals(_ s: String) -> String {
    guard s.contains("<![") else { return s }
    var out = "", rest = Substring(s)
    while let open = rest.range(of: "<![") {
        out += rest[..<open.lowerBound]
        guard let close = rest[open.upperBound...].range(of: "]>") else { rest = rest[open.lowerBound...]; break }
        rest = rest[close.upperBound...]
    }
    return out + rest
}

/// The document's own symbol as UN documents print it at the top of the first page: a line that
/// is only a symbol, or a symbol beside "Distr." (`A/80/123 Distr.: General`).
func symbolOnFirstPage(_ lines: [String]) -> String? {
    for line in lines.prefix(30) {
        guard let s = findDocumentSymbol(in: line) else { continue }
        let rest = line.replacingOccurrences(of: s, with: "").trimmingCharacters(in: .whitespaces)
        if rest.isEmpty || rest.hasPrefix("Distr") || line.hasPrefix(s + " ") && rest.count < 40 && !rest.contains("。") {
            return s
        }
    }
    return nil
}

/// `E_CN.15_2018_1.pdf` → `E/CN.15/2018/1` when the file name spells a symbol with underscores.
func symbolInFileName(_ path: String) -> String? {
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let candidate = stem.replacingOccurrences(of: "_", with: "/")
    guard let s = findDocumentSymbol(in: candidate), s == candidate else { return nil }
    return s
}
