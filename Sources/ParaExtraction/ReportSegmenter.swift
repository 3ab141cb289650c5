import Foundation
import ParaCore

/// Finds the numbered paragraphs, headings and unnumbered text of a UN report.
///
/// Input is a list of text units: lines of text extracted from PDF (`.lines`), or
/// blank-line-separated blocks of Markdown (`.blocks`). The rules follow how UN documents are
/// printed:
/// - paragraph numbers run 1, 2, 3 … through the whole document, so a line `N.` is a paragraph
///   when N is the next number; a numbered sub-heading restarts per section and is a heading;
/// - section headings (`一.`, `I.`, `A.`, numbered sub-headings) form the heading path;
/// - page furniture (URLs, footnote rules and footnotes, page numbers, running symbols and
///   running heads) is dropped, and a paragraph broken by a page break is rejoined.
package struct ReportSegmenter: Sendable {
    package enum Layout: Sendable {
        /// Hard-wrapped lines (text extracted from PDF): blank lines carry no meaning.
        case lines
        /// Blocks separated by blank lines (Markdown): each block is a paragraph or part of one.
        case blocks
    }

    package var layout: Layout
    /// Text of a running head to drop wherever it repeats (e.g. the document title).
    package var runningHeads: Set<String>

    package init(layout: Layout, runningHeads: Set<String> = []) {
        self.layout = layout
        self.runningHeads = runningHeads
    }

    /// Markdown as people write it, as units: ATX headings (`## 第一章 总则`) are headings of
    /// their level, HTML comments are dropped, blank lines end blocks, and a block that runs on
    /// past `maxBlockCharacters` without a blank line is cut at a line end.
    func markdownUnits(of text: String) -> [Unit] {
        var units: [Unit] = []
        var current: [String] = []
        var length = 0
        func flush() {
            if !current.isEmpty { units.append(Unit(joinLines(current))) }
            current.removeAll()
            length = 0
        }
        for line in Self.removingComments(text).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let t = trimmed(line)
            if t.isEmpty { flush(); continue }
            let hashes = t.prefix { $0 == "#" }.count
            if hashes >= 1, hashes <= 6, t.dropFirst(hashes).first.map({ $0 == " " || $0 == "\u{3000}" }) ?? false {
                flush()
                var heading = trimmed(t.dropFirst(hashes))
                while heading.hasSuffix("#") { heading = trimmed(Substring(heading.dropLast())) }
                if !heading.isEmpty { units.append(Unit(collapseSpaces(heading), headingLevel: hashes)) }
                continue
            }
            if length > Self.maxBlockCharacters { flush() }
            current.append(t)
            length += t.count
        }
        flush()
        return units
    }

    /// `text` without its HTML comments (`<!-- INFO END -->`), in one pass; a comment's line
    /// breaks stay, so blocks stay apart. A comment that is never closed is left as text.
    static func removingComments(_ text: String) -> String {
        guard text.contains("<!--") else { return text }
        var out = ""
        var from = text.startIndex
        while let open = text.range(of: "<!--", range: from..<text.endIndex),
              let close = text.range(of: "-->", range: open.upperBound..<text.endIndex) {
            out += text[from..<open.lowerBound]
            out += String(repeating: "\n", count: text[open.lowerBound..<close.upperBound].filter { $0 == "\n" }.count)
            from = close.upperBound
        }
        out += text[from...]
        return out
    }

    /// A block of Markdown longer than this without a blank line is cut at a line end.
    static let maxBlockCharacters = 4000

    /// Splits `text` into units for `layout`.
    package func units(of text: String) -> [String] {
        var units: [String] = []
        switch layout {
        case .lines:
            for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\u{0C}" }) {
                let t = trimmed(line)
                if !t.isEmpty { units.append(t) }
            }
        case .blocks:
            units = markdownUnits(of: text).map(\.text)
        }
        return units
    }

    /// Segments `text` into paragraphs with ordinals, numbers and heading paths.
    package func paragraphs(of text: String) -> [Paragraph] {
        if layout == .blocks { return paragraphs(of: markdownUnits(of: text)) }
        return segment(dropFurniture(units(of: text).map { Unit($0) }))
    }

    /// A block of text from a structured format, and whether the markup says it is a heading.
    package struct Unit: Sendable, Equatable {
        package var text: String
        /// The heading level the markup gives it (`<h2>`, a Word heading style), if any.
        package var headingLevel: Int?
        /// A block that is a paragraph of its own and never continues the one before (a table row).
        package var standalone: Bool
        /// Notes the block cites (a Word document's footnotes): they go with the paragraph that
        /// takes the block's text, or, from a heading or a dropped line, with the next one.
        package var notes: [Note]

        package init(_ text: String, headingLevel: Int? = nil, standalone: Bool = false, notes: [Note] = []) {
            self.text = text
            self.headingLevel = headingLevel
            self.standalone = standalone
            self.notes = notes
        }
    }

    /// Segments blocks that came from markup (HTML, XML, DOCX): furniture is dropped from the
    /// text blocks, headings the markup marks are taken as headings.
    package func paragraphs(of units: [Unit]) -> [Paragraph] {
        // (Empty blocks go in `dropFurniture`, which passes their notes on.)
        segment(dropFurniture(units.map {
            Unit(trimmed(Substring($0.text)), headingLevel: $0.headingLevel, standalone: $0.standalone, notes: $0.notes)
        }))
    }

    static func unique(_ notes: [Note]) -> [Note] {
        var seen: Set<Note> = []
        return notes.filter { seen.insert($0).inserted }
    }

    // MARK: - Page furniture

    func dropFurniture(_ input: [Unit]) -> [Unit] {
        // Short lines that repeat three times or more are running heads or footers.
        var counts: [String: Int] = [:]
        for u in input where u.text.utf8.count <= 120 { counts[u.text, default: 0] += 1 }
        var out: [Unit] = []
        out.reserveCapacity(input.count)
        var inFootnotes = false
        // The notes of a dropped block go with the next block kept.
        var carried: [Note] = []
        for unit in input {
            carried += unit.notes
            var u = stripFootnoteReferences(unit.text)
            if u.isEmpty { continue }
            if isFootnoteRule(u) { inFootnotes = true; continue }
            if inFootnotes {
                if isFootnoteLine(u) || isURL(u) { continue }
                inFootnotes = false
            }
            if isFootnoteLine(u) && u.hasPrefix("[^") { continue }
            if isURL(u) || isPageNumber(u) || isDocumentSymbolLine(u) || isJobNumber(u) { continue }
            if runningHeads.contains(u) { continue }
            if unit.headingLevel == nil, let c = counts[u], c >= 3, lineKind(u) == .text, !isClosingLine(u) { continue }
            u = collapseSpaces(u)
            out.append(Unit(u, headingLevel: unit.headingLevel, standalone: unit.standalone, notes: carried))
            carried = []
        }
        if !carried.isEmpty, !out.isEmpty { out[out.count - 1].notes += carried }
        return out
    }

    // MARK: - Segmentation

    enum LineKind: Equatable {
        case text
        case numbered(Int, String)         // "54. text"
        case heading(level: Int)           // 一. / I. (1), A. (2)
    }

    func lineKind(_ u: String) -> LineKind {
        let s = u.unicodeScalars
        var i = s.startIndex
        // Leading marker.
        var digits = 0, value = 0
        while i < s.endIndex, let d = asciiDigit(s[i]), digits < 4 {
            value = value * 10 + d; digits += 1; i = s.index(after: i)
        }
        if digits >= 1 && digits <= 3, i < s.endIndex, s[i] == "." || s[i] == "．" {
            let afterDot = s.index(after: i)
            if afterDot == s.endIndex { return .text }
            if s[afterDot] == " " || s[afterDot] == "\t" || isCJKScalar(s[afterDot]) {
                let rest = String(s[afterDot...]).trimmingLeadingSpaces()
                if !rest.isEmpty { return .numbered(value, rest) }
            }
            return .text
        }
        if digits > 0 { return .text }
        // Chinese section numbers 一 二 三 … followed by . or 、
        var han = 0
        i = s.startIndex
        while i < s.endIndex, "一二三四五六七八九十".unicodeScalars.contains(s[i]) { han += 1; i = s.index(after: i) }
        if han > 0 && han <= 3, i < s.endIndex, s[i] == "." || s[i] == "、" || s[i] == "．" {
            return .heading(level: 1)
        }
        // Roman numerals I. II. … (level 1) and capital letters A. B. (level 2).
        i = s.startIndex
        var roman = 0
        while i < s.endIndex, "IVXL".unicodeScalars.contains(s[i]) { roman += 1; i = s.index(after: i) }
        if roman > 0, i < s.endIndex, s[i] == ".", s.index(after: i) < s.endIndex, s[s.index(after: i)] == " " {
            // A lone "I." or "V." could be a letter heading; treat Roman as level 1 either way.
            return .heading(level: 1)
        }
        i = s.startIndex
        if i < s.endIndex, s[i].value >= 0x41 && s[i].value <= 0x5A {
            let j = s.index(after: i)
            if j < s.endIndex, s[j] == ".", s.index(after: j) < s.endIndex, s[s.index(after: j)] == " " {
                return .heading(level: 2)
            }
        }
        return .text
    }

    /// `1000. text` … `9999. text`: the number and the text.
    static func fourFigureNumber(_ u: String) -> (Int, String)? {
        let s = Array(u.unicodeScalars.prefix(6))
        guard s.count == 6, s[0] != "0", s[0..<4].allSatisfy({ asciiDigit($0) != nil }), s[4] == "." || s[4] == "．",
              s[5] == " " || s[5] == "\t" || isCJKScalar(s[5]) else { return nil }
        let n = s[0..<4].reduce(0) { $0 * 10 + asciiDigit($1)! }
        let rest = String(u.unicodeScalars.dropFirst(5)).trimmingLeadingSpaces()
        return rest.isEmpty ? nil : (n, rest)
    }

    /// A heading is short and does not end like a sentence.
    func isHeadingLike(_ u: String) -> Bool {
        guard displayWidth(u, limit: 200) <= 160 else { return false }
        guard let last = u.unicodeScalars.last else { return false }
        return !"。；，：.;,:".unicodeScalars.contains(last)
    }

    func isClosingLine(_ u: String) -> Bool {
        // "3rd plenary meeting" closes a resolution.
        guard u.utf8.count < 60, u.unicodeScalars.first.map({ asciiDigit($0) != nil }) == true else { return false }
        return u.lowercased().contains("plenary meeting")
    }

    func segment(_ units: [Unit]) -> [Paragraph] {
        var state = SegmentationState(segmenter: self, typicalWidth: typicalWidth(units.map(\.text)))
        // Chinese numbering styles are read in Chinese text only (`3.5 per cent` is no clause).
        let chinese = detectLanguage(units.prefix(400).map(\.text).joined(separator: "\n")) == .zh
        // Blocks numbered `16.1`, `16.2`, `16.a` … (budget sections, goals and targets): in
        // English such a block is a numbered paragraph only where the document keeps to that
        // style — three such blocks at least, their labels rising from one to the next four
        // times in five — so `2.5 million people …` stays text.
        let decimalNumbering = !chinese && layout == .blocks && Self.keepsToDecimalNumbering(units)
        var queue = units[...]
        while let unit = queue.popFirst() {
            state.receiver = nil
            defer { state.place(unit.notes) }
            var u = unit.text
            if let level = unit.headingLevel, displayWidth(u, limit: 700) <= 600 {
                state.pushHeading(level: level, text: u)
                continue
            }
            if chinese || decimalNumbering, !unit.standalone, let label = ChineseLabel.parse(u),
               chinese || Self.isClause(label), labelledUnit(label, u, &state, next: queue.first) {
                continue
            }
            // "2." alone on its line (text extracted from PDF): the paragraph's text is on the next.
            if layout == .lines, let n = loneNumber(u, fourFigures: state.expected >= 1000), n >= state.expected, n <= state.expected + 2,
               let next = queue.first, case .text = lineKind(next.text), headingLevel(next.text) == nil {
                queue.removeFirst()
                state.startParagraph(number: String(n), text: next.text)
                state.place(next.notes)
                state.expected = n + 1
                continue
            }
            if unit.standalone {
                state.startParagraph(number: nil, text: u)
                state.flush()
                continue
            }
            // Text extraction sometimes glues the next paragraph (or a heading and the next
            // paragraph) onto a line: "… implementation. 14. We reaffirm …".
            if let split = splitGluedParagraph(u, state: state) {
                u = split.head
                queue.insert(Unit(split.tail), at: queue.startIndex)
                if split.headIsHeading {
                    state.pushHeading(level: headingLevel(u) ?? 3, text: u)
                    continue
                }
            }
            if isAnnexHeading(u) {
                state.pushHeading(level: 0, text: u)
                state.annexStarted = true
                continue
            }
            if isClosingLine(u) {
                state.startParagraph(number: nil, text: u)
                state.flush()
                continue
            }
            // Past ¶999 a number has four figures; only the next ones are taken (a year may
            // start a line).
            if state.expected >= 1000, let (n, rest) = Self.fourFigureNumber(u), n >= state.expected, n <= state.expected + 2,
               n == state.expected || !isHeadingLike(u) {
                state.startParagraph(number: String(n), text: rest)
                state.expected = n + 1
                continue
            }
            switch lineKind(u) {
            case .numbered(let n, let rest):
                var nextIsSame = false
                if let next = queue.first, case .numbered(let m, _) = lineKind(next.text) { nextIsSame = m == n }
                let headingLike = isHeadingLike(u)
                let expected = state.expected
                let isParagraph: Bool
                if n == expected {
                    // "1. Foo" directly followed by "1. …" is a sub-heading and then the paragraph.
                    isParagraph = !(headingLike && nextIsSame)
                } else if n > expected && n <= expected + 2 {
                    isParagraph = !headingLike            // a number lost in extraction
                } else if expected == 1 && n > 1 && !nextIsSame && !state.sawParagraph {
                    isParagraph = true                    // an excerpt that starts at ¶n
                } else if n == 1 && expected > 1 && state.annexStarted && !headingLike {
                    isParagraph = true                    // numbering restarts in an annex
                    state.annexStarted = false
                } else {
                    isParagraph = false
                }
                if isParagraph {
                    state.startParagraph(number: String(n), text: rest)
                    state.expected = n + 1
                } else if headingLike {
                    state.pushHeading(level: 3, text: u)
                } else {
                    state.appendText(u)
                }
            case .heading(let level):
                // ("II. Conclusion 23. We declare …" was split above by splitGluedParagraph.)
                if isHeadingLike(u) {
                    state.pushHeading(level: level, text: u)
                } else {
                    state.appendText(u)
                }
            case .text:
                state.appendText(u)
            }
        }
        state.flush()
        // (Notes cited after the last paragraph's text, from a heading: the last paragraph's.)
        if !state.pendingNotes.isEmpty, !state.paragraphs.isEmpty {
            state.paragraphs[state.paragraphs.count - 1].notes = Self.unique(state.paragraphs[state.paragraphs.count - 1].notes + state.pendingNotes)
        }
        if state.paragraphs.isEmpty && !state.headings.isEmpty {
            // Only headings: keep their text searchable rather than lose it (and their notes).
            let count = state.headings.count
            return state.headings.enumerated().map {
                Paragraph(ordinal: $0.offset + 1, number: nil, headings: [], text: $0.element.text,
                          notes: $0.offset == count - 1 ? Self.unique(state.pendingNotes) : [])
            }
        }
        return state.paragraphs
    }

    /// Splits `u` before " N. " when N is the next paragraph number and what precedes ends a
    /// sentence (the head is text) or is a short heading.
    func splitGluedParagraph(_ u: String, state: SegmentationState) -> (head: String, tail: String, headIsHeading: Bool)? {
        var next = state.expected
        // A line that itself starts paragraph N can carry N+1.
        if leadingNumber(u, expected: next) == next { next += 1 }
        // The next number, or one of the two after it when extraction lost a number.
        var found: Range<String.Index>? = nil
        for candidate in next...(next + 2) {
            if let r = u.range(of: " \(candidate). "), found.map({ r.lowerBound < $0.lowerBound }) ?? true { found = r }
        }
        guard let r = found else { return nil }
        let tail = String(u[u.index(after: r.lowerBound)...])
        guard let firstOfText = u[r.upperBound...].unicodeScalars.first,
              firstOfText.properties.isUppercase || isCJKScalar(firstOfText) else { return nil }
        let head = String(u[..<r.lowerBound])
        // A footnote mark may sit after the full stop: "… Future. 16 9. We note".
        var core = head.unicodeScalars[...]
        while let l = core.last, asciiDigit(l) != nil || l == " " { core = core.dropLast() }
        guard let last = core.last else { return nil }
        if ".;:。；：".unicodeScalars.contains(last) && head.unicodeScalars.count - core.count <= 4 {
            return (head, tail, false)
        }
        if leadingNumber(head, expected: state.expected) != nil { return nil }
        if isHeadingLike(head) && displayWidth(head, limit: 130) <= 120 { return (head, tail, true) }
        return nil
    }

    /// The paragraph number a line starts with: three figures at most, four once the numbering
    /// has passed 999.
    func leadingNumber(_ u: String, expected: Int) -> Int? {
        if case .numbered(let n, _) = lineKind(u) { return n }
        return expected >= 1000 ? Self.fourFigureNumber(u)?.0 : nil
    }

    /// `12.` alone (`1012.` once the numbering has passed 999).
    func loneNumber(_ u: String, fourFigures: Bool = false) -> Int? {
        guard u.hasSuffix(".") || u.hasSuffix("．") else { return nil }
        let digits = u.unicodeScalars.dropLast()
        guard !digits.isEmpty, digits.count <= (fourFigures ? 4 : 3), digits.allSatisfy({ asciiDigit($0) != nil }) else { return nil }
        return Int(String(String.UnicodeScalarView(digits)))
    }

    /// Takes a block that starts with a Chinese label (or, in English, a decimal clause label):
    /// articles start paragraphs cited by their label, divisions are headings, items and
    /// clauses are headings when they read like one and numbered paragraphs otherwise; inside
    /// an article, items are its sub-items. Returns false to leave the block to the other rules.
    /// A clause that reads like a heading is one only when text follows it: `16.1 …` followed
    /// by `16.2 …` (or a heading, or nothing) is a numbered paragraph, never a heading that the
    /// next one would replace and lose.
    func labelledUnit(_ label: ChineseLabel, _ u: String, _ state: inout SegmentationState, next: Unit?) -> Bool {
        // In hard-wrapped text a line as wide as the rest is a wrapped paragraph, not a heading.
        var headingLike = isHeadingLike(u) && (layout == .blocks || displayWidth(u, limit: 400) < state.typicalWidth * 4 / 5)
        if headingLike, Self.isClause(label), layout == .blocks {
            headingLike = next.map { n in
                guard n.headingLevel == nil, !n.standalone else { return false }
                guard let following = ChineseLabel.parse(n.text), Self.isClause(following) else { return true }   // text
                return following.label.hasPrefix(label.label + ".")      // its own sub-clauses
            } ?? false
        }
        switch label.kind {
        case .article:
            state.startParagraph(number: label.label, text: label.rest.isEmpty ? u : label.rest)
            return true
        case .division(let level):
            guard headingLike else { return false }
            state.pushHeading(level: level, text: u)
            return true
        case .item, .parenthesizedItem, .clause:
            // Items inside an article (`（一）`, and `一、` in older laws) or `（一）` items inside a
            // numbered paragraph are its sub-items; a section heading (`二、主要任务`) is not.
            if state.open, let n = state.number {
                var isClause = false
                if case .clause = label.kind { isClause = true }
                let inArticle = ChineseLabel.isArticle(n) && !isClause && !(label.kind == .item && headingLike)
                let inParagraph = label.kind == .parenthesizedItem && n.unicodeScalars.allSatisfy({ asciiDigit($0) != nil })
                if inArticle || inParagraph {
                    state.appendText(u)
                    return true
                }
            }
            let level: Int
            switch label.kind {
            case .item: level = 1
            case .parenthesizedItem: level = 2
            case .clause(let depth): level = 2 + depth
            default: level = 5
            }
            if headingLike && !label.rest.isEmpty {
                state.pushHeading(level: level, text: u)
            } else if case .clause = label.kind, layout == .lines {
                return false          // in hard-wrapped text a line may start with any figures
            } else if !label.rest.isEmpty {
                state.startParagraph(number: label.label, text: label.rest)
            } else {
                return false
            }
            return true
        }
    }

    static func keepsToDecimalNumbering(_ units: [Unit]) -> Bool {
        let labels = units.compactMap { u -> [String]? in
            guard !u.standalone, u.headingLevel == nil, let l = ChineseLabel.parse(u.text), isClause(l) else { return nil }
            return l.label.split(separator: ".").map(String.init)
        }
        guard labels.count >= 3 else { return false }
        // Natural order: numbers by value, a letter after every number.
        func before(_ a: [String], _ b: [String]) -> Bool {
            for (x, y) in zip(a, b) where x != y {
                switch (Int(x), Int(y)) {
                case let (p?, q?): return p < q
                case (_?, nil): return true
                case (nil, _?): return false
                default: return x < y
                }
            }
            return a.count < b.count
        }
        let rising = zip(labels, labels.dropFirst()).filter { before($0, $1) }.count
        return rising * 5 >= (labels.count - 1) * 4
    }

    static func isClause(_ label: ChineseLabel?) -> Bool {
        if case .clause = label?.kind { return true }
        return false
    }

    func headingLevel(_ u: String) -> Int? {
        if case .heading(let level) = lineKind(u) { return level }
        return nil
    }

    /// `Annex`, `Annex II`, `附件`: numbering may restart after it.
    func isAnnexHeading(_ u: String) -> Bool {
        let words = u.split(separator: " ")
        guard let first = words.first, words.count <= 2 else { return false }
        return first == "Annex" || first == "ANNEX" || first == "附件"
    }

    // MARK: - Joining text

    /// Joins wrapped lines: no space after or before CJK, hyphenation undone in English.
    func joinLines(_ lines: [String]) -> String {
        var out = ""
        for line in lines {
            guard let first = line.unicodeScalars.first else { continue }
            if let last = out.unicodeScalars.last {
                if last == "-", out.unicodeScalars.count >= 2,
                   isLowerLatin(out.unicodeScalars[out.unicodeScalars.index(out.unicodeScalars.endIndex, offsetBy: -2)]),
                   isLowerLatin(first) {
                    out.unicodeScalars.removeLast()
                } else if !(isWideScalar(last) || isWideScalar(first)) {
                    out += " "
                }
            }
            out += line
        }
        return out
    }

    /// Joins a paragraph's pieces: sub-items `(a)` start a new line, the rest is rejoined text.
    func joinPieces(_ pieces: [String]) -> String {
        var lines: [[String]] = [[]]
        for p in pieces {
            if startsSubItem(p) || (layout == .blocks && !lines[lines.count - 1].isEmpty
                                    && !continuesSentence(lines[lines.count - 1].last!)) {
                lines.append([p])
            } else {
                lines[lines.count - 1].append(p)
            }
        }
        return lines.filter { !$0.isEmpty }.map(joinLines).joined(separator: "\n")
    }

    /// A block that does not end a sentence followed by one starting in lower case is one
    /// paragraph broken by a page.
    func continuesAcrossPageBreak(_ previous: String, _ next: String) -> Bool {
        guard let last = previous.unicodeScalars.last, let first = next.unicodeScalars.first else { return false }
        if ".;:,!?。；：，！？)".unicodeScalars.contains(last) { return false }
        return isLowerLatin(first)
    }

    /// Inside a numbered paragraph, a block that does not end a clause goes on in the next.
    func continuesSentence(_ previous: String) -> Bool {
        guard let last = previous.unicodeScalars.last else { return false }
        return !".;:!?。；：！？".unicodeScalars.contains(last)
    }

    func typicalWidth(_ units: [String]) -> Int {
        var widths = units.map { displayWidth($0, limit: 400) }.filter { $0 >= 20 }
        guard !widths.isEmpty else { return 80 }
        widths.sort()
        return widths[min(widths.count - 1, widths.count * 9 / 10)]
    }
}

/// The paragraph being built and the heading path above it.
struct SegmentationState {
    let segmenter: ReportSegmenter
    let typicalWidth: Int
    var paragraphs: [Paragraph] = []
    var headings: [(level: Int, text: String)] = []
    /// The next paragraph number expected.
    var expected = 1
    var number: String? = nil
    var pieces: [String] = []
    var open = false
    /// An annex heading was seen and its first paragraph not yet: numbering may restart at 1.
    var annexStarted = false
    /// Whether any numbered paragraph has been found.
    var sawParagraph = false
    /// The open paragraph's notes.
    var notes: [Note] = []
    /// Notes waiting for the next paragraph (cited from a heading).
    var pendingNotes: [Note] = []
    /// The index of the paragraph that took the current block's text, if one did.
    var receiver: Int? = nil

    init(segmenter: ReportSegmenter, typicalWidth: Int) {
        self.segmenter = segmenter
        self.typicalWidth = typicalWidth
    }

    mutating func flush() {
        if open, !pieces.isEmpty {
            let text = segmenter.joinPieces(pieces)
            if !text.isEmpty {
                paragraphs.append(Paragraph(ordinal: paragraphs.count + 1, number: number,
                                            headings: headings.map(\.text), text: text, notes: ReportSegmenter.unique(notes)))
                notes = []
            }
        }
        // (A paragraph left empty passes its notes on.)
        pendingNotes = notes + pendingNotes
        pieces.removeAll()
        open = false
        number = nil
        notes = []
    }

    mutating func startParagraph(number: String?, text: String) {
        flush()
        if number != nil { sawParagraph = true }
        open = true
        self.number = number
        pieces = [text]
        notes = pendingNotes
        pendingNotes = []
        receiver = paragraphs.count
    }

    /// Gives a block's notes to the paragraph that took its text (open, or just closed), else
    /// keeps them for the next paragraph.
    mutating func place(_ new: [Note]) {
        guard !new.isEmpty else { return }
        if let r = receiver, r < paragraphs.count {
            paragraphs[r].notes += new.filter { !paragraphs[r].notes.contains($0) }
        } else if receiver != nil, open {
            notes += new   // (duplicates go when the paragraph closes)
        } else {
            pendingNotes += new
        }
    }

    mutating func pushHeading(level: Int, text: String) {
        flush()
        while let last = headings.last, last.level >= level { headings.removeLast() }
        headings.append((level, text))
    }

    mutating func appendText(_ u: String) {
        if open { receiver = paragraphs.count }
        if open && number != nil {
            pieces.append(u)
            return
        }
        // Unnumbered text (title block, summary, preamble).
        if !open {
            startParagraph(number: nil, text: u)
        } else if segmenter.layout == .blocks {
            if let last = pieces.last, segmenter.continuesAcrossPageBreak(last, u) {
                pieces.append(u)
            } else {
                startParagraph(number: nil, text: u)
            }
        } else {
            pieces.append(u)
        }
        // In hard-wrapped text a short line ends an unnumbered paragraph.
        if segmenter.layout == .lines && displayWidth(u, limit: typicalWidth) < typicalWidth * 3 / 4 {
            flush()
        }
    }
}
