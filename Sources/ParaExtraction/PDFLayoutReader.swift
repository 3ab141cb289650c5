import Foundation
import ParaCore

/// Turns a PDF's layout into numbered paragraphs, headings and footnotes, the way a UN
/// document is printed:
/// - a paragraph number stands at the left edge of the body text (alone on its line or
///   beside the text), and numbers run 1, 2, 3 … through the document (an annex may restart);
/// - headings are bold or larger, or carry a section mark (`II.`, `B.`, `一.`) left of the
///   text; a heading wrapped over lines is one heading;
/// - footnotes (below the rule at the page foot) leave the body; their markers are taken from
///   the words and the notes kept with the paragraph that cites them;
/// - a paragraph broken by a page stays one paragraph; a vertical gap ends a block.
struct PDFLayoutReader {
    let layout: PDFLayout

    /// Lines of the cover page's header (organ, symbol, distribution, date) that are metadata,
    /// not text: by page index and line index.
    var skipped: Set<[Int]> = []

    /// The right edge of the widest body-size line of each page (the measure's right end).
    let widest: [Double]
    /// The document's words, for joining lines.
    let vocabulary: Vocabulary

    init(layout: PDFLayout, skipping: Set<[Int]> = [], vocabulary: Vocabulary? = nil) {
        self.layout = layout
        self.skipped = skipping
        widest = layout.lines.indices.map { p in
            var best = 0.0
            for (i, l) in layout.lines[p].enumerated() where layout.roles[p][i] == .body && abs(l.size - layout.bodySize) < 0.5 {
                best = max(best, l.right)
            }
            return best
        }
        self.vocabulary = vocabulary ?? Vocabulary(layout)
    }

    struct Block {
        var number: String?
        var lines: [PDFLine] = []
        var pages: [Int] = []
        var markers: [(mark: String, page: Int)] = []
        var headings: [String]
        /// Rows of a table: kept one per line, never numbered.
        var table = false
    }

    /// Where paragraph numbers stand relative to the page's text edge (0 when the number is
    /// flush with the text, negative when it hangs in the margin): the most common offset of
    /// unstyled numbered lines.
    func numberColumn() -> Double? {
        var counts: [Int: Int] = [:]
        for (p, page) in layout.lines.enumerated() {
            for (i, l) in page.enumerated() where layout.roles[p][i] == .body && !l.bold && leadingNumber(l.text) != nil
                && l.left <= layout.bodyLeft[p] + layout.bodySize {
                counts[Int((l.left - layout.bodyLeft[p]).rounded()), default: 0] += 1
            }
        }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }.map { Double($0.key) }
    }

    /// Whether a line starts in the number column (unknown column: yes).
    func inNumberColumn(_ l: PDFLine, _ column: Double?) -> Bool {
        guard let c = column else { return true }
        return abs(l.left - layout.bodyLeft[l.page - 1] - c) <= layout.bodySize * 0.5
    }

    func paragraphs() -> [Paragraph] {
        let notes = footnotes()
        var blocks: [Block] = []
        var current: Block? = nil
        var headings: [(level: Int, text: String)] = []
        var pendingHeading: (level: Int, lines: [PDFLine], annex: Bool)? = nil
        var expected = 1
        var suspended: Int? = nil       // the body's next number while an annex restarts at 1
        var sawNumbered = false
        var annexSeen = false           // an annex label since the last numbered paragraph
        var previous: PDFLine? = nil
        let column = numberColumn()

        func flush() {
            if let c = current, !c.lines.isEmpty { blocks.append(c) }
            current = nil
        }
        func commitHeading() {
            guard let h = pendingHeading else { return }
            pendingHeading = nil
            var text = ""
            for l in h.lines { vocabulary.join(&text, l.text) }
            while let last = headings.last, last.level >= h.level { headings.removeLast() }
            headings.append((h.level, text))
        }
        func start(_ number: String?, _ line: PDFLine, text: String? = nil) {
            flush()
            commitHeading()
            var l = line
            if let text { l.text = text }
            current = Block(number: number, headings: headings.map(\.text))
            if !l.text.isEmpty || number != nil { add(l) }
        }
        func add(_ l: PDFLine) {
            if current == nil { current = Block(number: nil, headings: headings.map(\.text)) }
            if !l.text.isEmpty { current!.lines.append(l) }
            if current!.pages.last != l.page { current!.pages.append(l.page) }
            for m in l.markers { current!.markers.append((m.mark, l.page)) }
        }

        for (p, pageLines) in layout.lines.enumerated() {
            let left = layout.bodyLeft[p]
            for (i, line) in pageLines.enumerated() where layout.roles[p][i] == .body && !skipped.contains([p, i]) {
                defer { previous = line }
                let size = layout.bodySize
                // The top of the next column is read as the top of a new page.
                let samePage = previous.map { $0.page == line.page && line.top >= $0.top - line.height } ?? false
                let gap = samePage ? line.top - previous!.top : 0
                let bigGap = samePage && gap > max(layout.linePitch, line.height * 1.15) * 1.3
                let styled = line.bold || line.size >= size * 1.05 + 0.5
                let lastText = current?.lines.last?.text ?? ""

                // A paragraph number at the left edge of the text. In bold or larger type it
                // must also be the next number and stand where the other numbers stand (a
                // numbered sub-heading is set further in or out).
                // A number that breaks the sequence (1 again in an annex) must stand there too.
                // A table row's number is the table's, never a paragraph's.
                // (Past ¶999 a number has four figures; the sequence keeps a year that starts a
                // line out.)
                if !line.tabular, let (n, rest) = leadingNumber(line.text, fourFigures: max(expected, suspended ?? 0) >= 1000), line.left <= left + size,
                   isInSequence(n, expected: expected, suspended: suspended, sawNumbered: sawNumbered),
                   n >= expected || n != 1 || annexSeen || !isHeadingLike(line, p),
                   (n >= expected && n <= expected + 3 && !styled) || (inNumberColumn(line, column) && (!styled || (n >= expected && n <= expected + 3))) {
                    if let s = suspended, n == s || (n > s && n <= s + 3 && n != expected) {
                        suspended = nil          // back to the body's numbering
                    } else if n < expected && n == 1 {
                        suspended = expected      // an annex (or appendix) restarts at 1
                    }
                    expected = n + 1
                    sawNumbered = true
                    annexSeen = false
                    start(String(n), line, text: rest)
                    continue
                }

                // Bold or larger text without a section mark that goes straight on from the
                // block before it (no gap, or over a page in mid-sentence) continues it.
                let continues = current != nil && pendingHeading == nil && Self.headingMark(line.text) == nil && !isAnnexLabel(line.text)
                    && ((samePage && !bigGap) || (!samePage && !endsSentence(lastText)))

                // Headings: styled or section-marked lines; a wrapped heading is joined.
                if !continues, !line.tabular, let level = headingLevel(line, left: left, column: column, afterGap: bigGap || !samePage || previous == nil), line.text.unicodeScalars.count <= 240 {
                    let annex = isAnnexLabel(line.text)
                    if var h = pendingHeading, !annex, !h.annex, Self.headingMark(line.text) == nil,
                       let last = h.lines.last, last.page == line.page,
                       line.top - last.bottom < max(last.height, line.height) * 1.2,
                       abs(last.size - line.size) < 1, last.bold == line.bold {
                        h.lines.append(line)
                        pendingHeading = h
                        continue
                    }
                    flush()
                    commitHeading()
                    if annex { annexSeen = true }
                    pendingHeading = (annex ? 0 : level, [line], annex)
                    continue
                }

                // Body text: continue the current block or start a new one. A box, figure or
                // table label opens a block of its own: what it frames is not the paragraph's.
                if pendingHeading != nil || current == nil || isFrameLabel(line.text) {
                    start(nil, line)
                    continue
                }
                let c = current!
                let flush_ = line.left <= left + size * 0.8
                if line.tabular && !c.table {
                    start(nil, line)
                    current!.table = true
                } else if c.table {
                    if line.tabular || (samePage && !bigGap) {
                        add(line)
                    } else {
                        start(nil, line)
                    }
                } else if c.number != nil {
                    if bigGap && flush_ && endsSentence(lastText) && !startsSubItem(line.text) && startsLikeSentence(line.text) {
                        start(nil, line)
                    } else {
                        add(line)
                    }
                } else if bigGap || (!samePage && endsSentence(lastText)) {
                    start(nil, line)
                } else {
                    add(line)
                }
            }
        }
        flush()
        commitHeading()

        var out: [Paragraph] = []
        var used = Set<Int>()             // notes given to a paragraph, by index in `notes`
        for b in blocks {
            var text = ""
            for l in b.lines {
                if (startsSubItem(l.text) || (b.table && l.tabular)) && !text.isEmpty {
                    text += "\n" + l.text
                } else {
                    vocabulary.join(&text, l.text)
                }
            }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty && b.number == nil { continue }
            var cited: [Note] = []
            for m in b.markers {
                if let k = notes.indices.first(where: { notes[$0].mark == m.mark && notes[$0].page == m.page })
                    ?? notes.indices.first(where: { notes[$0].mark == m.mark && notes[$0].page > m.page && notes[$0].page <= m.page + 1 }),
                   !cited.contains(where: { $0.mark == m.mark && $0.text == notes[k].text }) {
                    cited.append(Note(mark: m.mark, text: notes[k].text))
                    used.insert(k)
                }
            }
            out.append(Paragraph(ordinal: out.count + 1, number: b.number, headings: b.headings, text: text,
                                 pages: b.pages, notes: cited))
        }
        // A note whose marker was not found (cited from a heading, or set in body type) is kept
        // with the last paragraph on its page, so that its text is not lost.
        for (k, note) in notes.enumerated() where !used.contains(k) {
            if let i = out.lastIndex(where: { $0.pages.contains(note.page) }) ?? out.lastIndex(where: { ($0.pages.last ?? 0) < note.page }) {
                out[i].notes.append(Note(mark: note.mark, text: note.text))
            }
        }
        return out
    }

    /// Short and not ending a sentence: a line that could be a heading.
    func isHeadingLike(_ l: PDFLine, _ p: Int) -> Bool {
        !endsSentence(l.text) && l.right < widestRight(p) - layout.bodySize * 3
    }

    func widestRight(_ p: Int) -> Double { widest[p] }

    // MARK: - Numbers and headings

    /// `12. text`, `12.` alone, `12．`: the number and the text after it.
    func leadingNumber(_ t: String, fourFigures: Bool = false) -> (Int, String)? {
        let s = t.unicodeScalars
        var i = s.startIndex, value = 0, digits = 0
        while i < s.endIndex, let d = asciiDigit(s[i]), digits < 5 { value = value * 10 + d; digits += 1; i = s.index(after: i) }
        guard digits >= 1, digits <= (fourFigures ? 4 : 3), value > 0, i < s.endIndex, s[i] == "." || s[i] == "．" else { return nil }
        let after = s.index(after: i)
        if after == s.endIndex { return (value, "") }
        guard isSpace(s[after]) || isCJKScalar(s[after]) || s[after] == "“" || s[after] == "\"" else { return nil }
        return (value, String(String.UnicodeScalarView(s[after...])).trimmingCharacters(in: .whitespaces))
    }

    /// The next number, one a little after it (a number lost in the PDF), 1 again (an annex),
    /// the body's number again after an annex, or any number when none has been seen yet.
    func isInSequence(_ n: Int, expected: Int, suspended: Int?, sawNumbered: Bool) -> Bool {
        if n == expected || (n > expected && n <= expected + 3) { return true }
        if !sawNumbered { return true }
        if n == 1 { return true }
        if let s = suspended, n >= s, n <= s + 3 { return true }
        return false
    }

    /// The heading level of a line that looks like a heading, or nil: section marks give the
    /// level (`I.`/`一.` 1, `A.` 2, `1.` 3), other bold or larger lines are level 4.
    func headingLevel(_ l: PDFLine, left: Double, column: Double?, afterGap: Bool) -> Int? {
        // A sub-item `(a)` belongs to its paragraph, in whatever type it is set.
        if startsSubItem(l.text) { return nil }
        let larger = l.size >= layout.bodySize * 1.05 + 0.5
        let mark = Self.headingMark(l.text)
        if l.bold || larger {
            if l.size > layout.bodySize * 4 { return nil }
            if let m = mark { return m }
            if isAnnexLabel(l.text) { return 0 }
            // Bold body-size text as wide as the measure is a paragraph set in bold.
            if !larger, l.right >= widestRight(l.page - 1) - layout.bodySize * 2 { return nil }
            return 4
        }
        // Unstyled: a section mark standing left of the text (outdented), as in `A.  Title`;
        // a numbered one not where paragraph numbers stand.
        if let m = mark, !endsSentence(l.text) {
            let offColumn = column != nil && !inNumberColumn(l, column)
            if l.left < left - layout.bodySize * 0.5, m <= 2 || offColumn { return m }
            // A numbered line at the text's edge but not in the number column (a list inside
            // a paragraph is indented instead).
            if m == 3, offColumn, l.left <= left + layout.bodySize * 0.2 {
                return m
            }
            // A marked line centred on the text block.
            let centre = (left + widestRight(l.page - 1)) / 2
            if l.left > left + layout.bodySize * 2, abs((l.left + l.right) / 2 - centre) < layout.bodySize * 2 { return m }
            // In a plain layout (everything flush), a short marked line set off by space.
            if afterGap, l.left <= left + layout.bodySize * 0.2, isHeadingLike(l, l.page - 1) { return m }
        }
        if isAnnexLabel(l.text), l.left > left + layout.bodySize { return 0 }
        return nil
    }

    /// `I.`, `一.`, `一、` → 1; `A.` → 2; `1.`, `1.2` → 3.
    static func headingMark(_ t: String) -> Int? {
        let s = Array(t.unicodeScalars.prefix(12))
        var i = 0
        while i < s.count, "IVXL".unicodeScalars.contains(s[i]) { i += 1 }
        if i > 0, i < s.count - 1, s[i] == ".", isSpace(s[i + 1]) { return i == 1 && s[0] != "I" && s[0] != "V" && s[0] != "X" ? 2 : 1 }
        i = 0
        while i < s.count, "一二三四五六七八九十".unicodeScalars.contains(s[i]) { i += 1 }
        if i > 0, i < s.count, s[i] == "." || s[i] == "、" || s[i] == "．" { return 1 }
        if s.count >= 3, s[0].value >= 0x41, s[0].value <= 0x5A, s[1] == ".", isSpace(s[2]) { return 2 }
        // `1.` or a decimal clause `1.2`, `1.2.1` (a bare figure is text: `6 月`).
        i = 0
        var dots = 0
        while i < s.count, asciiDigit(s[i]) != nil || (i > 0 && s[i] == "." && i + 1 < s.count && asciiDigit(s[i + 1]) != nil) {
            if s[i] == "." { dots += 1 }
            i += 1
        }
        if i > 0, i < s.count, s[i] == "." || (dots > 0 && (isSpace(s[i]) || isCJKScalar(s[i]))) { return 3 }
        return nil
    }

    /// `Annex`, `Annex II`, `Annexes`, `Appendix`, `Enclosure`, `附件`, `附件一`.
    func isAnnexLabel(_ t: String) -> Bool {
        let words = t.replacingOccurrences(of: "*", with: "").split(separator: " ")
        guard let first = words.first, words.count <= 2 else { return false }
        let w = first.lowercased()
        return ["annex", "annexes", "appendix", "enclosure"].contains(w) || first.hasPrefix("附件")
    }

    /// `Box VIII`, `Figure 2: …`, `Table 1.`, `专栏 3`, `图 1`: the label of a frame set into the text.
    func isFrameLabel(_ t: String) -> Bool {
        t.range(of: #"^(Box|Figure|Table|Chart|Map|Graph|专栏|图|表) ?([IVXLC]+|\d+(\.\d+)?|[A-Z](\.\d+)?)([.:：]|$)"#, options: .regularExpression) != nil
    }

    // MARK: - Text

    func endsSentence(_ t: String) -> Bool {
        var s = t.unicodeScalars[...]
        while let l = s.last, "”’\")）".unicodeScalars.contains(l) || isSpace(l) { s = s.dropLast() }
        guard let last = s.last else { return false }
        return ".!?。！？".unicodeScalars.contains(last)
    }

    func startsLikeSentence(_ t: String) -> Bool {
        guard let f = t.unicodeScalars.first else { return false }
        return f.properties.isUppercase || isCJKScalar(f) || f == "“" || f == "\"" || asciiDigit(f) != nil
    }

    // MARK: - Footnotes

    struct PageNote { var page: Int; var mark: String; var text: String }

    /// The footnotes of every page, by mark; a note's text that runs onto the next page's
    /// footnote area (no mark of its own there) is joined to it.
    func footnotes() -> [PageNote] {
        var notes: [PageNote] = []
        for (p, pageLines) in layout.lines.enumerated() {
            var firstOnPage = true
            for (i, l) in pageLines.enumerated() where layout.roles[p][i] == .footnote {
                var text = l.text
                if let mark = layout.footnoteMark(l) {
                    if !(l.markers.first.map { $0.offset == 0 } ?? false) {
                        text = String(text.unicodeScalars.dropFirst(mark.unicodeScalars.count).drop { isSpace($0) || $0 == "." }.map(Character.init))
                    }
                    notes.append(PageNote(page: l.page, mark: mark, text: text))
                } else if !notes.isEmpty, !(firstOnPage && notes.last!.page < l.page - 1) {
                    vocabulary.join(&notes[notes.count - 1].text, text)
                }
                firstOnPage = false
            }
        }
        return notes
    }
}

/// The words of a document, to tell a hyphen that breaks a word at a line end from one that
/// belongs to it: `multi-` + `stakeholder` keeps its hyphen unless the document also spells
/// `multistakeholder` and never `multi-stakeholder`.
final class Vocabulary {
    private var words: Set<String> = []
    private var compounds: Set<String> = []

    init(_ layout: PDFLayout) {
        for page in layout.lines {
            for l in page {
                for token in l.text.split(whereSeparator: { !$0.isLetter && $0 != "-" }) {
                    let t = token.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "-"))
                    if t.contains("-") { compounds.insert(t) } else if !t.isEmpty { words.insert(t) }
                }
            }
        }
    }

    /// Appends a line to `text`: no space between Chinese (wide) characters, a space between
    /// English words, and a line-end hyphen removed only where it broke a word.
    func join(_ text: inout String, _ line: String) {
        guard let first = line.unicodeScalars.first else { return }
        guard let last = text.unicodeScalars.last else { text = line; return }
        if last == "-" || last == "\u{00AD}" {
            let head = text.unicodeScalars.dropLast().reversed().prefix { $0.properties.isAlphabetic }
            let tail = line.unicodeScalars.prefix { $0.properties.isAlphabetic }
            if !head.isEmpty, !tail.isEmpty, isLowerLatin(first) {
                let a = String(String.UnicodeScalarView(head.reversed())).lowercased(), b = String(String.UnicodeScalarView(tail)).lowercased()
                if last == "\u{00AD}" || (words.contains(a + b) && !compounds.contains(a + "-" + b)) {
                    text.unicodeScalars.removeLast()
                }
            }
            text += line
            return
        }
        if isWideScalar(last) || isWideScalar(first) {
            text += line
        } else {
            text += " " + line
        }
    }
}
