import Foundation
import ParaCore

/// A line of a PDF page: the runs that share a baseline band, left to right, with footnote
/// markers (raised small figures) taken out of the text and kept apart.
struct PDFLine: Sendable {
    /// 1-based page number.
    var page: Int
    var top: Double
    var bottom: Double
    var left: Double
    var right: Double
    /// The size of the line's main text (most characters).
    var size: Double
    /// Most of the line's characters are bold.
    var bold: Bool
    var barcode: Bool
    /// The runs, left to right, markers excluded.
    var runs: [PDFTextRun]
    /// The text, runs joined as the script needs, spaces collapsed.
    var text: String
    /// Footnote markers found on the line: the mark, and roughly where it stood (the count of
    /// scalars before it; 0 means at the line's start, which is what footnote lines are told by).
    var markers: [(mark: String, offset: Int)]
    /// Runs stand apart in columns (a table row): cells are separated by ` | ` in `text`.
    var tabular: Bool

    var height: Double { bottom - top }
}

/// What the layout says about a line once the whole document is seen.
enum PDFLineRole: Equatable {
    case body
    /// A running head or foot, page number, job number or bar code.
    case furniture
    /// Text of a footnote (the footnote area of a page).
    case footnote
    /// The rule above the footnotes.
    case rule
}

/// The geometry of a whole PDF: its lines, the body's type size, each page's text margin,
/// and which lines are furniture or footnotes.
struct PDFLayout {
    var pages: [PDFPage]
    /// Lines of each page, top to bottom.
    var lines: [[PDFLine]]
    var roles: [[PDFLineRole]]
    /// The size of body text (the most common size, by characters).
    var bodySize: Double
    /// The left edge of body text on each page.
    var bodyLeft: [Double]
    /// The usual distance between the tops of two lines of one body paragraph.
    var linePitch: Double

    init(pages: [PDFPage]) {
        self.pages = pages
        // A document set in two columns is read column by column
        // (``read(_:_:document:pageHeight:)``) when its pages with stretches in columns
        // outnumber its pages of one column (most lines across the gutter): a report of one
        // column keeps its tables of two long columns as rows. (A last page that holds only a
        // left column is neither.)
        let grouped = pages.map { Self.group(Self.runs(of: $0)) }
        let found = grouped.map { Self.columns($0) }
        var columns: ColumnGeometry? = nil
        let inColumns = found.compactMap { $0 }
        if !inColumns.isEmpty {
            func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
            let geometry = ColumnGeometry(gutter: median(inColumns.map(\.gutter)), leftEnd: median(inColumns.map(\.leftEnd)),
                                          rightStart: median(inColumns.map(\.rightStart)))
            let oneColumn = grouped.indices.filter { found[$0] == nil && Self.setInOneColumn(grouped[$0], gutter: geometry.gutter) }
            if inColumns.count > oneColumn.count { columns = geometry }
        }
        lines = pages.indices.map { p in
            guard let columns else { return Self.lines(grouped[p], page: pages[p].number) }
            return Self.read(grouped[p], found[p], document: columns, pageHeight: pages[p].height)
                .map { Self.makeLine($0.runs, band: $0.band, page: pages[p].number) }
        }
        bodySize = Self.bodySize(lines)
        roles = lines.map { $0.map { _ in PDFLineRole.body } }
        linePitch = 0
        bodyLeft = []
        markFurniture()
        markFootnotes()
        linePitch = Self.pitch(lines, roles, bodySize)
        bodyLeft = Self.margins(lines, roles, pages, bodySize)
    }

    // MARK: - Lines

    /// Groups a page's runs into lines: runs whose vertical extents overlap by half the smaller
    /// height share a line; raised small runs of figures are footnote markers. (Columns are
    /// read as the whole document sets them: ``init(pages:)``.)
    static func lines(of page: PDFPage) -> [PDFLine] {
        lines(group(runs(of: page)), page: page.number)
    }

    /// Grouped runs made lines, top to bottom.
    static func lines(_ groups: [RunGroup], page: Int) -> [PDFLine] {
        groups.map { makeLine($0.runs, band: $0.band, page: page) }.sorted { ($0.top, $0.left) < ($1.top, $1.left) }
    }

    /// A page's runs top to bottom; text drawn twice, a pixel apart, to look bold is one run.
    static func runs(of page: PDFPage) -> [PDFTextRun] {
        var runs: [PDFTextRun] = []
        for r in page.runs.sorted(by: { ($0.top, $0.left) < ($1.top, $1.left) }) {
            if runs.suffix(4).contains(where: { $0.text == r.text && abs($0.left - r.left) < 3 && abs($0.top - r.top) < 3 }) { continue }
            runs.append(r)
        }
        return runs
    }

    typealias RunGroup = (runs: [PDFTextRun], band: (top: Double, bottom: Double, size: Double))

    /// Runs (sorted top to bottom) grouped into lines, each with the band of its largest run;
    /// lines top to bottom, runs left to right.
    static func group(_ runs: [PDFTextRun]) -> [RunGroup] {
        var groups: [[PDFTextRun]] = []
        // The band of each group's largest run, which later runs are compared with.
        var bands: [(top: Double, bottom: Double, size: Double)] = []
        for run in runs {
            var best: Int? = nil, bestOverlap = 0.0
            for g in groups.indices.reversed() {
                let b = bands[g]
                if b.bottom < run.top - 2 * max(run.height, 1) { break }   // far above: stop looking
                let overlap = min(b.bottom, run.bottom) - max(b.top, run.top)
                if overlap >= 0.5 * min(b.bottom - b.top, run.height), overlap > bestOverlap {
                    best = g; bestOverlap = overlap
                }
            }
            if let g = best {
                groups[g].append(run)
                if run.size > bands[g].size { bands[g] = (run.top, run.bottom, run.size) }
            } else {
                groups.append([run])
                bands.append((run.top, run.bottom, run.size))
            }
        }
        return groups.indices
            .map { (runs: groups[$0].sorted { $0.left < $1.left }, band: bands[$0]) }
            .sorted { ($0.band.top, $0.runs.first?.left ?? 0) < ($1.band.top, $1.runs.first?.left ?? 0) }
    }

    /// Where a page sets its text in two columns: the gutter, each column's edge at it (how far
    /// left of the gutter the left column's lines end, how far right of it the right column's
    /// start: third and first quartiles), and the stretches of lines in columns. A stretch is
    /// at least a dozen lines that no run crosses at one gutter near the middle, prose on both
    /// sides (each side's lines mostly filling a measure of at least 15 ems, from the first
    /// quartile of its lines' left edges to the third of their right edges; the two measures
    /// alike; few wide gaps inside a side: not a table). Lines that span the gutter (a title, a
    /// heading across the page, full-width notes) end a stretch. Nil when no stretch is found.
    static func columns(_ lines: [RunGroup]) -> (gutter: Double, leftEnd: Double, rightStart: Double, stretches: [Range<Int>])? {
        // (The search tries a gutter at each run edge and looks at every run: a page of more
        // runs than any page of text, say a drawing's, is not searched.)
        guard lines.count >= 12, lines.reduce(0, { $0 + $1.runs.count }) <= 3_000 else { return nil }
        let lefts = lines.compactMap { $0.runs.map(\.left).min() }, rights = lines.compactMap { $0.runs.map(\.right).max() }
        guard let lo = lefts.min(), let hi = rights.max(), hi - lo > 0 else { return nil }
        // Whether a stretch reads as two columns, by the stretch and how many of its runs lie
        // left of the gutter (which fixes the split: no run crosses it).
        var known: [[Int]: Bool] = [:]
        // The stretches (ranges of lines) that read as two columns at gutter `x`.
        func stretches(at x: Double) -> [Range<Int>] {
            free(lines, at: x).filter { s in
                guard s.count >= 12 else { return false }
                let key = [s.lowerBound, s.upperBound, lines[s].reduce(0) { $0 + $1.runs.filter { $0.right <= x }.count }]
                let yes = known[key] ?? twoColumns(lines[s], at: x)
                known[key] = yes
                return yes
            }
        }
        // One gutter between each two run edges that follow each other in the middle of the
        // text: a split changes only at an edge (and a page's runs may lie far off it).
        let from = lo + 0.35 * (hi - lo), to = lo + 0.65 * (hi - lo)
        var edges = Set([from, to])
        for l in lines { for r in l.runs { for e in [r.left, r.right] where e > from && e < to { edges.insert(e) } } }
        let sortedEdges = edges.sorted()
        var best: (x: Double, stretches: [Range<Int>], covered: Int)? = nil
        for (a, b) in zip(sortedEdges, sortedEdges.dropFirst()) {
            let x = (a + b) / 2
            let found = stretches(at: x)
            let covered = found.reduce(0) { $0 + $1.count }
            if covered > (best?.covered ?? 0) { best = (x, found, covered) }
        }
        guard let best else { return nil }
        var ends: [Double] = [], starts: [Double] = []
        var gapLeft = -Double.infinity, gapRight = Double.infinity
        for s in best.stretches {
            let (left, right) = sides(lines[s], at: best.x)
            ends += group(left).compactMap { $0.runs.last?.right }
            starts += group(right).compactMap { $0.runs.first?.left }
            gapLeft = max(gapLeft, left.map(\.right).max() ?? gapLeft)
            gapRight = min(gapRight, right.map(\.left).min() ?? gapRight)
        }
        ends.sort()
        starts.sort()
        // The gutter in the middle of the gap (any point of it splits the stretches alike), so
        // that the column edges, taken from it, compare from page to page.
        let x = (gapLeft + gapRight) / 2
        return (x, x - ends[ends.count * 3 / 4], starts[starts.count / 4] - x, best.stretches)
    }

    /// Where a document sets its text in two columns: the usual gutter and each column's edge
    /// at it (see ``columns(_:)``).
    struct ColumnGeometry {
        var gutter: Double
        var leftEnd: Double
        var rightStart: Double
    }

    /// A page of a document in two columns, read column by column: in each stretch, its left
    /// column's lines come first, then its right column's, moved left onto the left column's
    /// edge so that margins, indents and the number column read as on a page of one column.
    /// Besides the stretches found on the page, any run of lines that no run crosses at the
    /// gutter is read so where both of its sides stand at the document's column edges (half of
    /// its left side's lines at least ending within 1.5 em of the left column's, half of its
    /// right side's starting within 1 em of the right column's), unless the page has a dozen
    /// lines or more, most of them across the gutter: the columns of a short page, or below a
    /// heading across the page. A footnote rule is one below the page's top 30 %.
    static func read(_ lines: [RunGroup], _ found: (gutter: Double, leftEnd: Double, rightStart: Double, stretches: [Range<Int>])?,
                     document: ColumnGeometry, pageHeight: Double) -> [RunGroup] {
        let x = found?.gutter ?? document.gutter
        var stretches = found?.stretches ?? []
        let oneColumn = setInOneColumn(lines, gutter: x)
        for s in free(lines, at: x) where !oneColumn && !stretches.contains(where: { $0.overlaps(s) }) {
            let (left, right) = sides(lines[s], at: x)
            guard !left.isEmpty, !right.isEmpty else { continue }
            let size = lines[s].map(\.band.size).sorted()[s.count / 2]
            let l = group(left), r = group(right)
            // Half of each side's lines at least at its column's edge (the rest end a paragraph
            // or start one indented).
            let atLeft = l.filter { abs(x - document.leftEnd - ($0.runs.last?.right ?? 0)) <= 1.5 * size }.count
            let atRight = r.filter { abs(x + document.rightStart - ($0.runs.first?.left ?? 0)) <= size }.count
            if 2 * atLeft >= l.count, 2 * atRight >= r.count { stretches.append(s) }
        }
        stretches.sort { $0.lowerBound < $1.lowerBound }
        var out: [RunGroup] = []
        var i = 0
        for s in stretches {
            out += lines[i..<s.lowerBound]
            let (left, right) = sides(lines[s], at: x)
            let shift = edge(right) - edge(left)
            // Notes set in a column, below its own rule, come after both columns' text: all
            // that follows a rule is read as notes.
            func split(_ side: [RunGroup]) -> (text: ArraySlice<RunGroup>, notes: ArraySlice<RunGroup>) {
                // (A rule in the top 30 % of the page is no footnote rule: a line to fill in.)
                let rule = side.firstIndex { isRule($0) && (pageHeight == 0 || $0.band.top > pageHeight * 0.3) } ?? side.endIndex
                return (side[..<rule], side[rule...])
            }
            let l = split(group(left)), r = split(group(right.map { var r = $0; r.left -= shift; return r }))
            out += l.text + r.text + l.notes + r.notes
            i = s.upperBound
        }
        out += lines[i...]
        return out
    }

    /// A footnote rule: a row of underscores.
    static func isRule(_ g: RunGroup) -> Bool {
        isRule(g.runs.map(\.text).joined().trimmingCharacters(in: .whitespaces))
    }

    static func isRule(_ text: String) -> Bool {
        text.count >= 5 && text.allSatisfy { $0 == "_" }
    }

    /// Whether a run of the line crosses `x`.
    static func crosses(_ line: RunGroup, _ x: Double) -> Bool {
        line.runs.contains { $0.left < x && $0.right > x }
    }

    /// A page set in one column: a dozen lines or more, most of them across the gutter.
    static func setInOneColumn(_ lines: [RunGroup], gutter x: Double) -> Bool {
        lines.count >= 12 && 2 * lines.filter { crosses($0, x) }.count >= lines.count
    }

    /// The runs of consecutive lines that no run crosses at `x`. (A footnote rule set in one
    /// column stays in the run: ``read(_:_:document:pageHeight:)`` puts the notes below it
    /// after both columns' text; a rule across the page crosses the gutter.)
    static func free(_ lines: [RunGroup], at x: Double) -> [Range<Int>] {
        func isFree(_ i: Int) -> Bool { !crosses(lines[i], x) }
        var out: [Range<Int>] = []
        var i = 0
        while i < lines.count {
            guard isFree(i) else { i += 1; continue }
            var j = i
            while j < lines.count, isFree(j) { j += 1 }
            out.append(i..<j)
            i = j
        }
        return out
    }

    /// The most common left edge of lines of runs (by their first run).
    static func edge(_ runs: [PDFTextRun]) -> Double {
        var count: [Int: Int] = [:]
        for l in group(runs) { if let f = l.runs.first { count[Int(f.left.rounded()), default: 0] += 1 } }
        return Double(count.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? 0)
    }

    /// The runs left and right of gutter `x`, each top to bottom.
    static func sides(_ lines: ArraySlice<RunGroup>, at x: Double) -> (left: [PDFTextRun], right: [PDFTextRun]) {
        var left: [PDFTextRun] = [], right: [PDFTextRun] = []
        for l in lines { for r in l.runs { if r.right <= x { left.append(r) } else { right.append(r) } } }
        return (left, right)
    }

    /// Whether the lines, none crossing `x`, are two columns of prose either side of it.
    static func twoColumns(_ lines: ArraySlice<RunGroup>, at x: Double) -> Bool {
        let (left, right) = sides(lines, at: x)
        let l = group(left), r = group(right)
        guard l.count >= 5, r.count >= 5 else { return false }
        let size = (l + r).map(\.band.size).sorted()[(l.count + r.count) / 2]
        // The gutter: a real gap between the two sides, not a space between words.
        guard let leftEdge = left.map(\.right).max(), let rightEdge = right.map(\.left).min(), rightEdge - leftEdge >= 0.8 * size
        else { return false }
        func prose(_ side: [RunGroup]) -> (measure: Double, ok: Bool) {
            // (Quartiles, not the extremes: a running foot or an outdented head may stand out.)
            let starts = side.compactMap { $0.runs.first?.left }.sorted(), ends = side.compactMap { $0.runs.last?.right }.sorted()
            guard !starts.isEmpty, !ends.isEmpty else { return (0, false) }
            let a = starts[starts.count / 4], b = ends[ends.count * 3 / 4]
            let full = ends.filter { b - $0 < 3 * size }.count
            // Wide gaps inside a side's line: cells of a table.
            let cells = side.filter { g in zip(g.runs, g.runs.dropFirst()).contains { $1.left - $0.right > 2.5 * size } }.count
            return (b - a, b - a >= 15 * size && 2 * full >= side.count && 5 * cells <= side.count)
        }
        let pl = prose(l), pr = prose(r)
        return pl.ok && pr.ok && pl.measure < 1.6 * pr.measure && pr.measure < 1.6 * pl.measure
    }

    static func makeLine(_ runs: [PDFTextRun], band: (top: Double, bottom: Double, size: Double), page: Int) -> PDFLine {
        // The main size: the size with the most characters.
        var bySize: [Double: Int] = [:]
        for r in runs { bySize[r.size, default: 0] += r.text.unicodeScalars.count }
        let main = bySize.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key ?? band.size
        var kept: [PDFTextRun] = []
        var text = ""
        var markers: [(String, Int)] = []
        var previous: PDFTextRun? = nil
        var tabular = false
        for r in runs {
            let core = r.text.trimmingCharacters(in: .whitespaces)
            if isMarkerRun(r, core: core, mainSize: main, band: band) {
                markers.append((core, text.unicodeScalars.count))
                continue
            }
            if let p = previous {
                let gap = r.left - p.right
                let spaced = p.text.last.map { $0 == " " } == true || r.text.first == " " || gap > 0.2 * main
                let a = text.unicodeScalars.last, b = core.unicodeScalars.first
                let wide = a.map(isWideScalar) == true && b.map(isWideScalar) == true
                // A wide gap is a column gap, except after a paragraph number at the line's start.
                let afterNumber = kept.count == 1 && isParagraphNumberRun(text)
                if gap > 2.5 * main && !afterNumber && !text.isEmpty {
                    text += " | "
                    tabular = true
                } else if spaced && !wide && !text.isEmpty { text += " " }
            }
            text += core
            kept.append(r)
            previous = r
        }
        text = collapseSpaces(text)
        // Asterisk marks set in the text's own size (`agenda*`, `Secretary-General**`) are
        // footnote markers too.
        if text.contains("*"), !text.hasPrefix("*") {
            var scalars = Array(text.unicodeScalars)
            var i = 1
            while i < scalars.count {
                guard scalars[i] == "*", scalars[i - 1] != "*", !isSpace(scalars[i - 1]) else { i += 1; continue }
                var j = i
                while j < scalars.count, scalars[j] == "*", j - i < 3 { j += 1 }
                if j == scalars.count || isSpace(scalars[j]) || scalars[j] == "," || scalars[j] == "." {
                    markers.append((String(repeating: "*", count: j - i), i))
                    scalars.removeSubrange(i..<j)
                } else {
                    i = j
                }
            }
            text = String(String.UnicodeScalarView(scalars))
        }
        let chars = max(kept.reduce(0) { $0 + $1.text.count }, 1)
        let boldChars = kept.filter(\.bold).reduce(0) { $0 + $1.text.count }
        let mainRuns = kept.filter { $0.size == main }
        let top = (mainRuns.isEmpty ? kept : mainRuns).map(\.top).min() ?? band.top
        let bottom = (mainRuns.isEmpty ? kept : mainRuns).map(\.bottom).max() ?? band.bottom
        return PDFLine(page: page, top: top, bottom: bottom,
                       left: kept.first?.left ?? runs[0].left, right: kept.map(\.right).max() ?? runs[0].right,
                       size: main, bold: boldChars * 2 > chars,
                       barcode: kept.contains(where: \.barcode),
                       runs: kept, text: text, markers: markers, tabular: tabular)
    }

    /// `12.` or `12` alone (`1012.`: four figures with the stop): a paragraph number standing
    /// apart from its text.
    static func isParagraphNumberRun(_ t: String) -> Bool {
        var s = t.unicodeScalars[...]
        let stop = s.last == "." || s.last == "．"
        if stop { s = s.dropLast() }
        return !s.isEmpty && s.count <= (stop ? 4 : 3) && s.allSatisfy { asciiDigit($0) != nil }
    }

    /// A footnote marker: one to three figures (or `*`, `†`) in type well below the line's
    /// size, raised above its baseline.
    static func isMarkerRun(_ r: PDFTextRun, core: String, mainSize: Double, band: (top: Double, bottom: Double, size: Double)) -> Bool {
        guard !core.isEmpty, core.unicodeScalars.count <= 3, r.size <= 0.8 * mainSize else { return false }
        guard core.unicodeScalars.allSatisfy({ asciiDigit($0) != nil }) || core.unicodeScalars.allSatisfy({ "*†‡".unicodeScalars.contains($0) }) else {
            return false
        }
        let mainHeight = band.bottom - band.top
        return r.bottom <= band.top + 0.85 * mainHeight
    }

    static func bodySize(_ lines: [[PDFLine]]) -> Double {
        var bySize: [Double: Int] = [:]
        for page in lines.dropFirst(lines.count > 1 ? 1 : 0) {
            for l in page { bySize[l.size, default: 0] += l.text.unicodeScalars.count }
        }
        if bySize.isEmpty { for l in lines.first ?? [] { bySize[l.size, default: 0] += l.text.unicodeScalars.count } }
        return bySize.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key ?? 12
    }

    // MARK: - Furniture

    /// Lines near the top or bottom of a page that repeat (digits aside) on several pages, and
    /// lines there that look like page numbers, job numbers, symbols or bar codes.
    mutating func markFurniture() {
        // Digits (page numbers) and spaces aside: `2/12` and `10/12` repeat as one line.
        func key(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            for c in s.unicodeScalars where !isSpace(c) {
                if asciiDigit(c) != nil {
                    if out.last != "#" { out.append("#") }
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
        func inMargin(_ l: PDFLine, _ page: PDFPage, _ share: Double) -> Bool {
            page.height > 0 && (l.bottom <= page.height * share || l.top >= page.height * (1 - share))
        }
        var seen: [String: Set<Int>] = [:]
        for (p, page) in pages.enumerated() {
            for l in lines[p] where inMargin(l, page, 0.12) { seen[key(l.text), default: []].insert(p) }
        }
        let repeatAt = max(2, pages.count / 4)
        for (p, page) in pages.enumerated() {
            for (i, l) in lines[p].enumerated() {
                if l.barcode { roles[p][i] = .furniture; continue }
                guard inMargin(l, page, 0.12) else { continue }
                let t = l.text
                if pages.count >= 2, (seen[key(t)]?.count ?? 0) >= repeatAt, t.unicodeScalars.count <= 160 {
                    roles[p][i] = .furniture
                } else if isPageFurniture(t) || (l.tabular && t.components(separatedBy: " | ").allSatisfy(isPageFurniture)) {
                    roles[p][i] = .furniture
                }
            }
        }
    }

    /// Page numbers (`3/18`, `- 4 -`), job numbers (`24-22036 (E) 210125`, `GE.25-01234`),
    /// bar codes (`*2422036*`), a line of document symbols, "Please recycle".
    func isPageFurniture(_ t: String) -> Bool {
        if isPageNumber(t) || isJobNumber(t) { return true }
        let words = t.split(separator: " ")
        if let first = words.first, isJobNumber(String(first)), words.count <= 4 { return true }
        if words.allSatisfy({ isDocumentSymbolLine(String($0)) }) && !words.isEmpty { return true }
        return t.lowercased().hasPrefix("please recycle")
    }

    // MARK: - Footnotes

    /// The footnote area of each page: below a rule (`____`), or, where no rule is drawn as
    /// text, a block of smaller type at the foot of the page that starts with a footnote
    /// number the body has used as a marker.
    mutating func markFootnotes() {
        var bodyMarks: Set<String> = []
        for page in lines { for l in page { for m in l.markers { bodyMarks.insert(m.mark) } } }
        for p in pages.indices {
            let page = pages[p]
            var start: Int? = nil
            // The rule is a row of underscores (dashes may be a table's).
            for (i, l) in lines[p].enumerated() where roles[p][i] == .body && Self.isRule(l.text) {
                if page.height == 0 || l.top > page.height * 0.3 { start = i; roles[p][i] = .rule; break }
            }
            if let s = start {
                // (A second rule, the other column's, is a rule too, not a note's text.)
                for i in (s + 1)..<lines[p].count where roles[p][i] == .body {
                    roles[p][i] = Self.isRule(lines[p][i].text) ? .rule : .footnote
                }
                continue
            }
            // No rule: the smaller type at the foot of the page.
            var i = lines[p].count - 1
            var first: Int? = nil
            while i >= 0 {
                let l = lines[p][i]
                if roles[p][i] == .furniture { i -= 1; continue }
                guard l.size <= bodySize * 0.9, page.height == 0 || l.top > page.height * 0.4 else { break }
                first = i
                i -= 1
            }
            if let f = first, let mark = footnoteMark(lines[p][f]), bodyMarks.contains(mark) || mark.hasPrefix("*") {
                for j in f..<lines[p].count where roles[p][j] == .body { roles[p][j] = .footnote }
            }
        }
    }

    /// The mark a footnote line starts with: a raised figure at its start, or `12 …`, `* …`.
    func footnoteMark(_ l: PDFLine) -> String? {
        if let m = l.markers.first, m.offset == 0 { return m.mark }
        let s = l.text.unicodeScalars
        var i = s.startIndex, mark = ""
        while i < s.endIndex, asciiDigit(s[i]) != nil || "*†‡".unicodeScalars.contains(s[i]), mark.unicodeScalars.count < 3 {
            mark.unicodeScalars.append(s[i]); i = s.index(after: i)
        }
        guard !mark.isEmpty, i < s.endIndex, isSpace(s[i]) || s[i] == "." else { return nil }
        return mark
    }

    // MARK: - Measures

    static func pitch(_ lines: [[PDFLine]], _ roles: [[PDFLineRole]], _ size: Double) -> Double {
        var counts: [Int: Int] = [:]
        for (p, page) in lines.enumerated() {
            for i in page.indices.dropFirst() where roles[p][i] == .body && roles[p][i - 1] == .body {
                guard abs(page[i].size - size) < 0.5, abs(page[i - 1].size - size) < 0.5 else { continue }
                let d = Int((page[i].top - page[i - 1].top).rounded())
                if d > 0 { counts[d, default: 0] += 1 }
            }
        }
        return Double(counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? Int(size * 1.2))
    }

    /// The left edge of body text on each page. Over the whole document, the most common left
    /// of body-size lines that fill the measure, for odd and even pages apart (their margins
    /// differ); a page keeps that edge when a few of its lines share it, and otherwise (a page
    /// set in another measure) takes its own most common edge. Tables and lines that start
    /// with a number (which may hang in the margin) are left out.
    static func margins(_ lines: [[PDFLine]], _ roles: [[PDFLineRole]], _ pages: [PDFPage], _ size: Double) -> [Double] {
        func bin(_ x: Double) -> Int { Int((x / 2).rounded()) }
        func mode(_ xs: [Double]) -> Int? {
            var c: [Int: Int] = [:]
            for x in xs { c[bin(x), default: 0] += 1 }
            return c.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        }
        var perPage: [[Double]] = []
        for (p, page) in lines.enumerated() {
            let body = page.indices.filter { roles[p][$0] == .body && abs(page[$0].size - size) < 0.5 }.map { page[$0] }
            let widest = body.map { $0.right }.max() ?? 0
            perPage.append(body.filter { !$0.tabular && widest - $0.right < size * 3 && $0.right - $0.left > size * 15
                && !($0.text.unicodeScalars.first.map { asciiDigit($0) != nil } ?? false) }.map(\.left))
        }
        let parity = [0, 1].map { r in mode(perPage.indices.filter { $0 % 2 == r }.flatMap { perPage[$0] }) }
        // A short document may have no line that fills the measure: the leftmost common edge.
        let any = mode(perPage.flatMap { $0 })
            ?? mode(lines.indices.flatMap { p in lines[p].indices.filter { roles[p][$0] == .body }.map { lines[p][$0].left } })
        return perPage.indices.map { p in
            let lefts = perPage[p]
            if let prior = parity[p % 2] ?? any, lefts.filter({ abs(bin($0) - prior) <= 1 }).count >= 2 { return Double(prior * 2) }
            if lefts.count >= 5, let own = mode(lefts) { return Double(own * 2) }
            return Double((parity[p % 2] ?? any ?? 0) * 2)
        }
    }
}
