import Foundation
import ParaCore

/// Word documents: `word/document.xml` through libxml2, with the list numbers Word generates
/// (`w:numPr` + `word/numbering.xml`, on the paragraph or on its style), headings from
/// paragraph styles, tables row by row, deleted text skipped and inserted text kept.
///
/// The archive is read in memory by ``ZipArchive``, entry by entry, and never extracted to disk,
/// so entry paths cannot escape anywhere. Limits guard against zip bombs: entry count, each
/// entry's real (not declared) uncompressed size, and the compression ratio.
struct DOCXExtractor {
    static let maxEntries = 10_000
    static let maxEntryBytes = 256 << 20
    static let maxRatio = 200

    typealias Result = MarkupExtraction

    func extract(_ data: Data, file: String) throws -> Result {
        let archive = try ZipArchive(data, file: file, maxEntries: Self.maxEntries,
                                     maxEntryBytes: Self.maxEntryBytes, maxRatio: Self.maxRatio)
        guard let documentXML = try archive.read("word/document.xml") else {
            throw ParaError(.unreadableInput, file: file, "not a Word document (no word/document.xml)")
        }
        let document = try Markup.parseXML(documentXML, file: file + ":word/document.xml")
        let numbering = try archive.read("word/numbering.xml").map {
            Numbering(try Markup.parseXML($0, file: file + ":word/numbering.xml"))
        }
        let styles = try archive.read("word/styles.xml").map {
            try Markup.parseXML($0, file: file + ":word/styles.xml")
        }
        var title = ""
        var language: Language? = nil
        if let core = try archive.read("docProps/core.xml") {
            let props = try Markup.parseXML(core, file: file + ":docProps/core.xml")
            title = props.descendants(named: "title").first.map { collapseSpaces(trimmed(Substring($0.textContent))) } ?? ""
            language = props.descendants(named: "language").first.flatMap { Language(rawValue: String($0.textContent.lowercased().prefix(2))) }
        }
        var units: [ReportSegmenter.Unit] = []
        // Footnotes and endnotes live in parts of their own; the text cites them by id. A note
        // without text (a picture) is kept to be counted: Word numbers it too.
        var noteTexts: [String: [String: String]] = [:]
        for kind in ["footnote", "endnote"] {
            guard let xml = try archive.read("word/\(kind)s.xml") else { continue }
            let root = try Markup.parseXML(xml, file: file + ":word/\(kind)s.xml")
            for note in root.children where note.name == kind {
                // (Separators carry a type; real notes none, or "normal".)
                guard let id = note.attribute("id"), (note.attribute("type") ?? "normal") == "normal" else { continue }
                noteTexts[kind, default: [:]][id] = collapseSpaces(trimmed(Substring(note.descendants(named: "p").map { runText($0) }.joined(separator: " "))))
            }
        }
        var noteCounts: [String: Int] = [:]
        var marks: [String: String] = [:]
        // The notes a block cites, marked as Word prints them: footnotes 1, 2, 3 …, endnotes
        // i, ii, iii …, in the order of first citation; a custom mark (`*`) is the text that
        // follows the reference in its run, and takes no number. Deleted text cites nothing.
        func cite(_ block: MarkupNode) -> [Note] {
            var out: [Note] = []
            var stack: [(node: MarkupNode, parent: MarkupNode?, index: Int)] = [(block, nil, 0)]
            while let (n, parent, index) = stack.popLast() {
                guard n.kind == .element, n.name != "del", n.name != "Fallback" else { continue }
                let kind = n.name == "footnoteReference" ? "footnote" : n.name == "endnoteReference" ? "endnote" : nil
                guard let kind else {
                    for (i, c) in n.children.enumerated().reversed() { stack.append((c, n, i)) }
                    continue
                }
                guard let id = n.attribute("id"), let text = noteTexts[kind]?[id] else { continue }
                let key = kind + "/" + id
                var noteText = text
                if isOn(n.attribute("customMarkFollows")) {
                    let mark = collapseSpaces(trimmed(Substring((parent?.children.dropFirst(index + 1) ?? []).filter { $0.name == "t" }
                        .map(\.textContent).joined())))
                    marks[key] = marks[key] ?? (mark.isEmpty ? "*" : mark)
                    if let m = marks[key], noteText.hasPrefix(m) { noteText = collapseSpaces(trimmed(noteText.dropFirst(m.count))) }
                } else if marks[key] == nil {
                    noteCounts[kind, default: 0] += 1
                    let count = noteCounts[kind] ?? 1
                    marks[key] = kind == "footnote" ? String(count) : Numbering.roman(count).lowercased()
                }
                if !noteText.isEmpty, let mark = marks[key] { out.append(Note(mark: mark, text: noteText)) }
            }
            return out
        }
        // A block that gives no unit (only a reference) passes its notes to the next.
        var carried: [Note] = []
        func add(_ unit: ReportSegmenter.Unit?, citing block: MarkupNode) {
            carried += cite(block)
            guard var unit else { return }
            unit.notes = carried
            carried = []
            units.append(unit)
        }
        let headingStyles = Self.headingStyles(styles)
        let styleNumbers = StyleNumbers(styles)
        var numbers = NumberingState()
        guard let body = document.descendants(named: "body").first else {
            throw ParaError(.unreadableInput, file: file, "Word document has no body")
        }
        for block in body.children where block.kind == .element {
            switch block.name {
            case "p":
                add(paragraphUnit(block, numbering, &numbers, headingStyles, styleNumbers), citing: block)
            case "tbl":
                for row in block.descendants(named: "tr") {
                    let cells = row.children.filter { $0.name == "tc" }.map { cell in
                        cell.descendants(named: "p").map { runText($0) }.filter { !$0.isEmpty }.joined(separator: " ")
                    }.filter { !$0.isEmpty }
                    add(cells.isEmpty ? nil : ReportSegmenter.Unit(cells.joined(separator: " | "), standalone: true), citing: row)
                }
            case "sdt":
                for p in block.descendants(named: "p") {
                    add(paragraphUnit(p, numbering, &numbers, headingStyles, styleNumbers), citing: p)
                }
            default:
                break
            }
        }
        if !carried.isEmpty, !units.isEmpty { units[units.count - 1].notes += carried }
        return Result(units: units, title: title, language: language, symbol: symbolOnFirstPage(units.map(\.text)))
    }

    /// Style ids whose name or outline level marks a heading → level (1-based).
    static func headingStyles(_ styles: MarkupNode?) -> [String: Int] {
        var out: [String: Int] = [:]
        guard let styles else { return out }
        for style in styles.descendants(named: "style") where style.attribute("type") == "paragraph" {
            guard let id = style.attribute("styleId") else { continue }
            let name = style.firstChild(named: "name")?.attribute("val")?.lowercased() ?? ""
            // (Outline level 9 is body text.)
            if let lvl = style.descendants(named: "outlineLvl").first?.attribute("val").flatMap(Int.init), (0...8).contains(lvl) {
                out[id] = lvl + 1
            } else if name.hasPrefix("heading "), let n = Int(name.dropFirst(8)) {
                out[id] = n
            } else if name == "title" {
                out[id] = 1
            }
        }
        return out
    }

    /// Paragraph styles' own list numbering (`w:pPr/w:numPr` in `word/styles.xml`), each with
    /// the style it is based on, and the default paragraph style (a paragraph that names none
    /// has it): a paragraph of a numbered style is numbered without a `w:numPr` of its own.
    struct StyleNumbers {
        var styles: [String: (numID: String?, level: Int?, basedOn: String?)] = [:]
        var defaultStyle = ""

        init(_ root: MarkupNode?) {
            guard let root else { return }
            for style in root.descendants(named: "style") where style.attribute("type") == "paragraph" {
                guard let id = style.attribute("styleId") else { continue }
                if isOn(style.attribute("default")) { defaultStyle = id }
                let numPr = style.firstChild(named: "pPr")?.firstChild(named: "numPr")
                styles[id] = (numPr?.firstChild(named: "numId")?.attribute("val"),
                              numPr?.firstChild(named: "ilvl")?.attribute("val").flatMap(Int.init),
                              style.firstChild(named: "basedOn")?.attribute("val"))
            }
        }

        /// The list and level a paragraph of style `id` takes from its style or the styles it
        /// is based on (the nearest that says; a chain is followed at most 16 deep, so a loop
        /// ends).
        func numbering(_ id: String) -> (numID: String?, level: Int?) {
            var numID: String? = nil, level: Int? = nil
            var current: String? = id
            for _ in 0..<16 {
                guard let c = current, let s = styles[c] else { break }
                numID = numID ?? s.numID
                level = level ?? s.level
                current = s.basedOn
            }
            return (numID, level)
        }
    }

    private func paragraphUnit(_ p: MarkupNode, _ numbering: Numbering?, _ numbers: inout NumberingState,
                               _ headingStyles: [String: Int],
                               _ styleNumbers: StyleNumbers) -> ReportSegmenter.Unit? {
        let properties = p.firstChild(named: "pPr")
        let styleID = properties?.firstChild(named: "pStyle")?.attribute("val") ?? styleNumbers.defaultStyle
        var level = headingStyles[styleID]
        if level == nil, styleID.lowercased().hasPrefix("heading"), let n = Int(styleID.dropFirst(7)) { level = n }
        var text = runText(p)
        // Word's automatic numbering: the number is not in the text, so it is rebuilt. The
        // paragraph's own list comes first, then its style's; its level: its own, else the one
        // the list links to the style, else the style's, else the first. (List `0` takes
        // numbering off.)
        let numPr = properties?.firstChild(named: "numPr")
        let inherited = styleNumbers.numbering(styleID)
        if let numID = numPr?.firstChild(named: "numId")?.attribute("val") ?? inherited.numID, numID != "0", let numbering {
            let ilvl = numPr?.firstChild(named: "ilvl")?.attribute("val").flatMap(Int.init)
                ?? numbering.level(numID: numID, style: styleID) ?? inherited.level ?? 0
            if let label = numbering.label(numID: numID, level: ilvl, state: &numbers) {
                text = label + " " + text
            }
        }
        text = collapseSpaces(trimmed(Substring(text)))
        if text.isEmpty { return nil }
        return ReportSegmenter.Unit(text, headingLevel: level)
    }

    /// The visible text of a paragraph: runs, tabs and breaks; deleted runs skipped.
    func runText(_ p: MarkupNode) -> String {
        var out = ""
        var stack: [MarkupNode] = p.children.reversed()
        while let n = stack.popLast() {
            if n.kind == .text { continue }
            switch n.name {
            // (A drawing's text is given twice, for Word and for older readers: the second,
            // `mc:Fallback`, is skipped.)
            case "del", "delText", "instrText", "pPr", "rPr", "footnoteReference", "commentReference", "Fallback": continue
            case "t": out += n.textContent
            case "tab": out += " "
            case "br", "cr": out += " "
            case "r":
                // A note's own mark (`*` after a reference that says a custom mark follows) is
                // the note's, not the text's.
                var children = n.children
                if let i = children.firstIndex(where: { ($0.name == "footnoteReference" || $0.name == "endnoteReference")
                    && isOn($0.attribute("customMarkFollows")) }) {
                    children = Array(children[...i]) + children[(i + 1)...].filter { $0.name != "t" }
                }
                stack.append(contentsOf: children.reversed())
            default: stack.append(contentsOf: n.children.reversed())
            }
        }
        return out
    }
}

/// A Word on/off attribute that is on (`1`, `true`, `on`).
func isOn(_ value: String?) -> Bool {
    value.map { ["1", "true", "on"].contains($0) } ?? false
}

/// `word/numbering.xml`: which abstract list a `numId` uses, and each level's start and format.
struct Numbering {
    struct Level {
        var start = 1
        var format = "decimal"
        var text = "%1."
    }
    var abstractOf: [String: String] = [:]
    var levels: [String: [Int: Level]] = [:]
    /// Levels linked to a paragraph style (`w:lvl/w:pStyle`), per abstract list.
    var styleLevels: [String: [String: Int]] = [:]
    /// `w:lvlOverride/w:startOverride` per numId and level.
    var startOverrides: [String: [Int: Int]] = [:]

    init(_ root: MarkupNode) {
        for abstract in root.children where abstract.name == "abstractNum" {
            guard let id = abstract.attribute("abstractNumId") else { continue }
            var lv: [Int: Level] = [:]
            for l in abstract.children where l.name == "lvl" {
                guard let i = Int(l.attribute("ilvl") ?? "") else { continue }
                var level = Level()
                if let s = l.firstChild(named: "start")?.attribute("val").flatMap(Int.init) { level.start = s }
                if let f = l.firstChild(named: "numFmt")?.attribute("val") { level.format = f }
                if let t = l.firstChild(named: "lvlText")?.attribute("val") { level.text = t }
                if let style = l.firstChild(named: "pStyle")?.attribute("val") { styleLevels[id, default: [:]][style] = i }
                lv[i] = level
            }
            levels[id] = lv
        }
        // A list defined by a numbering style (`w:numStyleLink`) has the levels of the list
        // that style names (`w:styleLink`), and shares its counters.
        var linked: [String: String] = [:], links: [String: String] = [:]
        for abstract in root.children where abstract.name == "abstractNum" {
            guard let id = abstract.attribute("abstractNumId") else { continue }
            if let style = abstract.firstChild(named: "styleLink")?.attribute("val") { links[style] = id }
            if let style = abstract.firstChild(named: "numStyleLink")?.attribute("val") { linked[id] = style }
        }
        for num in root.children where num.name == "num" {
            guard let id = num.attribute("numId"), var abstract = num.firstChild(named: "abstractNumId")?.attribute("val") else { continue }
            if let style = linked[abstract], let target = links[style] { abstract = target }
            abstractOf[id] = abstract
            for o in num.children where o.name == "lvlOverride" {
                if let i = Int(o.attribute("ilvl") ?? ""), let s = o.firstChild(named: "startOverride")?.attribute("val").flatMap(Int.init) {
                    startOverrides[id, default: [:]][i] = s
                }
            }
        }
    }

    /// The level of list `numID` linked to paragraph style `style`, if any.
    func level(numID: String, style: String) -> Int? {
        abstractOf[numID].flatMap { styleLevels[$0]?[style] }
    }

    /// The printed label of the next item at `level` of list `numID` (`54.`, `(a)`, `II.`).
    func label(numID: String, level: Int, state: inout NumberingState) -> String? {
        guard let abstract = abstractOf[numID], let defs = levels[abstract], let def = defs[level] else { return nil }
        if def.format == "bullet" || def.format == "none" { return nil }
        // Counters belong to the abstract list (numIds sharing one continue each other).
        var counters = state.counters[abstract] ?? [:]
        let start = startOverrides[numID]?[level] ?? def.start
        if state.started.insert("\(numID)/\(level)").inserted, startOverrides[numID]?[level] != nil {
            counters[level] = nil
        }
        let value = (counters[level] ?? (start - 1)) + 1
        counters[level] = value
        for deeper in counters.keys where deeper > level { counters[deeper] = nil }
        state.counters[abstract] = counters
        var text = def.text
        for (l, d) in defs {
            let v = l == level ? value : (counters[l] ?? d.start)
            text = text.replacingOccurrences(of: "%\(l + 1)", with: Numbering.format(v, d.format))
        }
        return text
    }

    static func format(_ n: Int, _ format: String) -> String {
        switch format {
        case "lowerLetter": return letters(n).lowercased()
        case "upperLetter": return letters(n)
        case "lowerRoman": return roman(n).lowercased()
        case "upperRoman": return roman(n)
        case "chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting":
            return chinese(n)
        default: return String(n)
        }
    }

    static func letters(_ n: Int) -> String {
        guard n > 0 else { return String(n) }
        let letter = Character(Unicode.Scalar(UInt8(65 + (n - 1) % 26)))
        return String(repeating: letter, count: (n - 1) / 26 + 1)
    }

    static func roman(_ n: Int) -> String {
        guard n > 0 && n < 4000 else { return String(n) }
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var n = n, out = ""
        for (v, s) in table { while n >= v { out += s; n -= v } }
        return out
    }

    static func chinese(_ n: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        guard n > 0 && n < 100 else { return String(n) }
        if n < 10 { return String(digits[n]) }
        let tens = n / 10, ones = n % 10
        return (tens > 1 ? String(digits[tens]) : "") + "十" + (ones > 0 ? String(digits[ones]) : "")
    }
}

struct NumberingState {
    var counters: [String: [Int: Int]] = [:]
    var started: Set<String> = []
}

