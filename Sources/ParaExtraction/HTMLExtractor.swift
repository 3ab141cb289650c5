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
                line += inPre ? child.text : child.text.replacingOccurrences(of: "\r", with: " ")
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
    /// link to an anchor (`<a href="#_ftn1">[1]</a>`, `<a href="#fn1"><sup>1</sup></a>`) whose
    /// text is a mark (one to three figures or `*`, in brackets or not), where the block
    /// holding the anchor links back to the reference (`<a href="#_ftnref1">`). Such a block
    /// is the note (the largest `div`, `li`, `aside` or `section` around it that holds no other
    /// note), its text without the link back; a link that does not come back is an ordinary
    /// link (a table of contents) and stays text.
    static func footnotes(_ root: MarkupNode) -> (references: [ObjectIdentifier: Note], definitions: Set<ObjectIdentifier>) {
        // Every element by its id (and an anchor by its name), with its block ancestors.
        // Every element by its id (and an anchor by its name): its place in the page and its
        // block ancestors.
        var anchors: [String: (order: Int, path: [MarkupNode])] = [:]
        var links: [(node: MarkupNode, target: String, key: String?, order: Int, path: [MarkupNode])] = []
        var stack: [(MarkupNode, [MarkupNode])] = [(root, [])]
        var order = 0
        while let (n, path) = stack.popLast() {
            guard n.kind == .element, !skipped.contains(n.name) else { continue }
            order += 1
            let path = blocks.contains(n.name) || ["aside", "section"].contains(n.name) ? path + [n] : path
            let key = n.attribute("id") ?? (n.name == "a" ? n.attribute("name") : nil)
            if let key, anchors[key] == nil { anchors[key] = (order, path.last === n ? path : path + [n]) }
            if n.name == "a", let href = n.attribute("href"), href.hasPrefix("#"), href.count > 1 {
                links.append((n, String(href.dropFirst()), key, order, path))
            }
            for c in n.children.reversed() { stack.append((c, path)) }
        }
        func isMark(_ s: String) -> String? {
            var t = collapseSpaces(trimmed(Substring(s)))
            if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
            if t.hasPrefix("("), t.hasSuffix(")") { t = String(t.dropFirst().dropLast()) }
            let digits = !t.isEmpty && t.count <= 3 && t.unicodeScalars.allSatisfy { asciiDigit($0) != nil }
            let stars = !t.isEmpty && t.count <= 3 && t.unicodeScalars.allSatisfy { "*†‡".unicodeScalars.contains($0) }
            return digits || stars ? t : nil
        }
        func linksBack(_ block: MarkupNode, to key: String) -> Bool {
            var s = [block]
            while let n = s.popLast() {
                if n.name == "a", n.attribute("href") == "#" + key { return true }
                s += n.children.filter { $0.kind == .element }
            }
            return false
        }
        /// A note's text: the block's words without its link(s) back.
        func text(_ block: MarkupNode, without key: String) -> String {
            var out = ""
            var s = [block]
            while let n = s.popLast() {
                if n.kind == .text { out += n.text; continue }
                if skipped.contains(n.name) || n.name == "a" && n.attribute("href") == "#" + key { continue }
                if blocks.contains(n.name) || n.name == "br" { out += " " }
                s += n.children.reversed()
            }
            return collapseSpaces(trimmed(Substring(out.replacingOccurrences(of: "↩︎", with: "").replacingOccurrences(of: "↩", with: ""))))
        }
        var references: [ObjectIdentifier: Note] = [:]
        var definitions: Set<ObjectIdentifier> = []
        var noteOf: [String: Note] = [:]
        // The targets of links that look like footnote references (to tell a note's block
        // from a block of several notes).
        let targets = Set(links.filter { isMark($0.node.textContent) != nil }.map(\.target))
        // How many of those anchors each block holds.
        var held: [ObjectIdentifier: Int] = [:]
        for t in targets { for b in anchors[t]?.path ?? [] { held[ObjectIdentifier(b), default: 0] += 1 } }
        for link in links {
            // (A note follows its reference: a link to an earlier anchor is the way back.)
            guard let mark = isMark(link.node.textContent), let anchor = anchors[link.target], anchor.order > link.order,
                  let key = link.key, !link.path.contains(where: { definitions.contains(ObjectIdentifier($0)) }) else { continue }
            let path = anchor.path
            if let known = noteOf[link.target] { references[ObjectIdentifier(link.node)] = Note(mark: mark, text: known.text); continue }
            // The largest block around the anchor that holds neither the reference nor another
            // note's anchor.
            var block: MarkupNode? = nil
            for b in path.reversed() {
                if link.path.contains(where: { $0 === b }) || b.name == "body" || b.name == "html" { break }
                if held[ObjectIdentifier(b), default: 0] > 1 { break }
                block = b
            }
            guard let block, linksBack(block, to: key) else { continue }
            let t = text(block, without: key)
            guard !t.isEmpty else { continue }
            let note = Note(mark: mark, text: t)
            noteOf[link.target] = note
            references[ObjectIdentifier(link.node)] = note
            definitions.insert(ObjectIdentifier(block))
        }
        return (references, definitions)
    }

    private func headingLevel(_ name: String) -> Int? {
        guard name.count == 2, name.hasPrefix("h"), let d = Int(name.dropFirst()), (1...6).contains(d) else { return nil }
        return d
    }
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
