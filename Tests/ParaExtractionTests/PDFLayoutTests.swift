import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

/// PDFs laid out as UN documents are (made by `scripts/make-pdf-fixtures.py`), read by layout:
/// exact numbers, texts, heading paths, pages, notes and cover metadata.
@Suite struct PDFLayoutTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pdf")
    static var available: Bool { PDFExtractor.toolPath("pdftohtml") != nil }

    static func read(_ name: String) throws -> ExtractedDocument {
        try DocumentExtractor().extract(path: fixtures.appendingPathComponent(name).path)[0]
    }

    static func numbered(_ d: ExtractedDocument) -> [(String, Paragraph)] {
        d.paragraphs.compactMap { p in p.number.map { ($0, p) } }
    }

    @Test(.enabled(if: available)) func numbersBesideTheirTextWithNotesPagesAndAnAnnex() throws {
        let d = try Self.read("en-beside.pdf")
        let n = Self.numbered(d)
        #expect(n.map(\.0) == ["1", "2", "3", "4", "5", "1", "2"])
        let p2 = n[1].1
        // The footnote marker left the word it was glued to; the note is kept with ¶2.
        #expect(p2.text.hasPrefix("Member States reported progress in the recovery of stolen assets, and the Secretary-General welcomes the multi-stakeholder"))
        #expect(p2.notes == [Note(mark: "1", text: "See A/79/100, para. 12.")])
        #expect(!d.paragraphs.contains { $0.text.contains("See A/79/100") })
        // Sub-items stay inside their paragraph, one per line.
        #expect(n[2].1.text == "States described three kinds of measure:\n(a) Confiscation without conviction;\n(b) Specialized asset management offices;\n(c) Joint investigative teams.")
        // A wrapped heading is one heading; the path nests under the section.
        #expect(n[2].1.headings == ["I. Introduction", "A. Cooperation between national authorities and the financial intelligence units of the region"])
        // A paragraph broken by a page is one paragraph, and says which pages it spans.
        let p4 = n[3].1
        #expect(p4.pages == [1, 2])
        #expect(p4.text.hasSuffix("these results. It will be reviewed by the Commission at its next session."))
        #expect(!p4.text.contains("A/80/999") && !p4.text.contains("25-01234") && !p4.text.contains("2/3"))
        // The annex restarts at 1 and says so in its path.
        #expect(n[5].1.headings == ["Annex", "Summary of national submissions"])
        #expect(n[5].1.text == "Twelve States submitted information on their legislation.")
        #expect(n[5].1.pages == [3])
        // No running head, job number, bar code or page number anywhere.
        for p in d.paragraphs {
            #expect(!p.text.contains("*2501234*") && !p.text.contains("/3"), "furniture in: \(p.text)")
        }
    }

    @Test(.enabled(if: available)) func coverPageOfAJointDocument() throws {
        let m = try Self.read("en-beside.pdf").metadata
        #expect(m.symbol == "A/80/999")
        #expect(m.symbols == ["A/80/999", "S/2025/999"])
        #expect(m.isNamed("s/2025/999") && m.isNamed("A/80/999") && !m.isNamed("A/80/99"))
        #expect(m.title == "Asset recovery and the rule of law")
        #expect(m.extra["date"] == "3 March 2025")
        #expect(m.extra["organ"] == "General Assembly")
        #expect(m.extra["session"] == "Eightieth session")
        #expect(m.extra["agenda_item"] == "Item 12 of the provisional agenda")
    }

    @Test(.enabled(if: available)) func numbersAloneOnTheirLineInAHangingLayout() throws {
        let d = try Self.read("en-alone.pdf")
        let n = Self.numbered(d)
        #expect(n.map(\.0) == ["1", "2", "3"])
        #expect(n[0].1.text == "Young people are central to local action on the Sustainable Development Goals, and their organizations reach those that national programmes miss.")
        #expect(n[0].1.headings == ["II. Overview"])
        #expect(n[1].1.pages == [1, 2])
        #expect(n[1].1.text.hasPrefix("Local governments reported on youth councils"))
        #expect(n[1].1.text.hasSuffix("Several of them are described in the annex."))
        #expect(n[1].1.notes == [Note(mark: "2", text: "Information received from 40 local governments.")])
        #expect(n[2].1.text == "The Commission may wish to take note of the present report.")
        #expect(d.metadata.symbols == ["E/CN.5/2099/1"])
        #expect(d.metadata.title == "Youth and local action")
        #expect(d.metadata.extra["organ"] == "Economic and Social Council")
        #expect(d.metadata.extra["date"] == "10 January 2025")
    }

    @Test(.enabled(if: available)) func chineseHangingNumbersFootnotesAndPageBreaks() throws {
        let d = try Self.read("zh-un.pdf")
        let n = Self.numbered(d)
        #expect(n.map(\.0) == ["1", "2", "3", "4"])
        #expect(d.metadata.language == .zh)
        #expect(d.metadata.symbol == "E/CN.15/2099/1")
        #expect(d.metadata.title == "犯罪和司法研究所的报告")
        #expect(d.metadata.extra["organ"] == "经济及社会理事会")
        #expect(d.metadata.extra["date"] == "2025年3月1日")
        #expect(d.metadata.extra["session"] == "第三十四届会议")
        #expect(d.metadata.extra["agenda_item"] == "临时议程项目6")
        // Chinese lines join without spaces; the marker is gone and the note kept.
        #expect(n[1].1.text == "犯罪司法所开展的工作全部由自愿捐款供资，其主要捐助方是若干会员国和私营公司。")
        #expect(n[1].1.notes == [Note(mark: "1", text: "见 https://www.example.org/topics/ 第1号文件。")])
        let unit = "犯罪司法所继续协助有关国家建立新的机制，更有效地追查和追回非法获得的资产。"
        #expect(n[2].1.text == String(repeating: unit, count: 22) + "该项目还包括与其他国际伙伴协调工作。")
        #expect(n[2].1.pages == [1, 2])
        #expect(n[2].1.headings == ["二. 犯罪和司法", "A. 资产追回试点项目"])
        #expect(n[3].1.text == "为有关国家的资产追回和资产管理办事处组织了专家考察。")
    }

    @Test(.enabled(if: available)) func otherGeometryNumbersAfterAGapAndCentredHeads() throws {
        let d = try Self.read("zh-centred.pdf")
        let n = Self.numbered(d)
        #expect(n.map(\.0) == ["1", "2", "3", "4"])
        #expect(d.metadata.symbol == "A/80/998")
        #expect(d.metadata.title == "气候变化背景下的人权")
        #expect(d.metadata.extra["organ"] == "大会")
        #expect(n[0].1.headings == ["一. 导言"])
        #expect(n[1].1.text == "各国报告了在减缓和适应气候变化方面的进展，并介绍了保护受影响社区的措施。")
        #expect(n[1].1.notes == [Note(mark: "1", text: "见各国提交的材料，可查阅人权高专办网站。")])
        #expect(n[2].1.headings == ["二. 主要趋势", "A. 能源转型"])
        let unit = "能源转型必须以人权为基础，确保受影响社区能够参与决策并公平分享惠益。"
        #expect(n[2].1.text == String(repeating: unit, count: 20) + "各国应当加强这方面的合作。")
        #expect(n[2].1.pages == [1, 2])
        #expect(n[3].1.text == "特别报告员建议各国继续交流良好做法。")
    }

    @Test(.enabled(if: available)) func twoColumnsReadColumnByColumn() throws {
        let d = try Self.read("en-two-columns.pdf")
        let n = Self.numbered(d)
        #expect(n.map(\.0) == (1...16).map(String.init))
        #expect(d.metadata.symbol == "A/80/997")
        #expect(d.metadata.title == "Cooperation on asset recovery")
        #expect(n[1].1.text == "Thirty States replied to the request for information, which was sent in January.")
        #expect(n[1].1.notes == [Note(mark: "1", text: "The replies are available from the Secretariat on request.")])
        // Each paragraph whole and alone, also where it goes on at the top of the next column
        // (¶5, ¶13) or of the next page (¶8).
        let repeated = "Mutual legal assistance was requested more often than before, and central authorities answered faster when requests were complete. "
        for k in 2..<16 {
            let number = k + 1
            #expect(n[k].1.text == "Paragraph \(number) describes the measures that States took during the period under review. "
                    + String(repeating: repeated, count: 2 + number % 3) + "This ends paragraph \(number).")
        }
        #expect(n[3].1.headings == ["I. Introduction"])
        #expect(n[4].1.headings == ["II. Measures taken by States"])
        #expect(n[11].1.headings == ["III. Conclusions"])
        #expect(n[7].1.pages == [1, 2])
        #expect(n[12].1.pages == [2])
        #expect(d.paragraphs.count == 16)
    }

    /// Every paragraph of `d` numbered 1…`count` in turn, each with exactly `text(number)`.
    static func expectEveryParagraph(_ d: ExtractedDocument, count: Int, text: (Int) -> String) {
        let n = numbered(d)
        #expect(n.map(\.0) == (1...count).map(String.init))
        #expect(d.paragraphs.count == count)
        for (k, (_, p)) in n.enumerated() { #expect(p.text == text(k + 1)) }
    }

    @Test(.enabled(if: available)) func twoColumnsWithANarrowGutterAndInChinese() throws {
        // A 12-point gutter in smaller type, headings inside the columns (one at the top of a
        // column), over two pages.
        let narrow = try Self.read("en-two-columns-narrow.pdf")
        Self.expectEveryParagraph(narrow, count: 29) {
            "Paragraph \($0) starts here and says that " + String(repeating: "the Council considered the matter in detail. ", count: 3 + $0 % 5) + "(end \($0))."
        }
        let n = Self.numbered(narrow)
        #expect(n[6].1.headings == ["V. Section 7"] && n[13].1.headings == ["X. Section 14"])
        #expect(n[20].1.headings == ["X. Section 14", "Further measures"] && n[27].1.headings == ["V. Section 28"])
        // Chinese, the last page holding only a left column.
        let zh = try Self.read("zh-two-columns.pdf")
        Self.expectEveryParagraph(zh, count: 19) {
            "第\($0)段开始。" + String(repeating: "各国报告了在减缓和适应气候变化方面的进展。", count: 2 + $0 % 4) + "第\($0)段结束。"
        }
        #expect(zh.metadata.symbol == "A/80/996")
    }

    /// A page of two prose columns, 14 lines each, under a title across the page.
    /// `breaks`: after which lines each side leaves a blank line (a paragraph's end, or a
    /// table row's).
    /// `across`: after which line a heading runs across the page.
    func twoColumnPage(_ number: Int, leftWidth: Double = 210, rightLeft: Double = 310, rightWidth: Double = 210,
                       breaks: (left: Set<Int>, right: Set<Int>) = ([], []), lines: Int = 14, across: Int? = nil) -> PDFPage {
        var runs = [run("A title across the whole page of the document", top: 80, left: 72, width: 450)]
        if let across { runs.append(run("A heading across the page", top: 120 + (Double(across) + 0.5) * 13, left: 150, width: 300)) }
        for i in 0..<lines {
            let top = { (after: Set<Int>) in 120 + Double(i + after.filter { $0 < i }.count + (across.map { i > $0 ? 1 : 0 } ?? 0)) * 13 }
            runs.append(run("left column line \(number).\(i) of prose that fills the measure", top: top(breaks.left), left: 72, width: leftWidth))
            if rightWidth > 0 {
                runs.append(run("right column line \(number).\(i) of prose that fills the measure", top: top(breaks.right), left: rightLeft, width: rightWidth))
            }
        }
        return PDFPage(number: number, height: 800, runs: runs)
    }

    /// A page of one column: every line crosses the middle.
    func oneColumnPage(_ number: Int) -> PDFPage {
        PDFPage(number: number, height: 800, runs: (0..<14).map { i in
            run("a line of one column \(number).\(i) that runs from one margin to the other", top: 120 + Double(i) * 13, left: 72, width: 450)
        })
    }

    @Test func columnsAreReadWhereTheDocumentIsSetInThem() {
        // A document in two columns: the left column's lines, then the right column's, moved
        // onto the left column's edge; the title keeps its place.
        let layout = PDFLayout(pages: [twoColumnPage(1), twoColumnPage(2), oneColumnPage(3)])
        let texts = layout.lines[0].map(\.text)
        #expect(texts.count == 29)
        #expect(texts[0] == "A title across the whole page of the document")
        #expect(Array(texts[1...14]) == (0..<14).map { "left column line 1.\($0) of prose that fills the measure" })
        #expect(Array(texts[15...]) == (0..<14).map { "right column line 1.\($0) of prose that fills the measure" })
        #expect(layout.lines[0][15].left == 72)
        #expect(!layout.lines[0].contains { $0.tabular })
        #expect(layout.lines[2].count == 14)
        // A document of one column with a table of two long columns on one page: its rows stay
        // rows.
        let oneColumn = PDFLayout(pages: [oneColumnPage(1), twoColumnPage(2), oneColumnPage(3)])
        #expect(oneColumn.lines[1].count == 15)
        #expect(oneColumn.lines[1][1].text == "left column line 2.0 of prose that fills the measure | right column line 2.0 of prose that fills the measure")
        // Two sides of unlike measure (a narrow column beside a wide one) are no columns.
        let unlike = PDFLayout(pages: [twoColumnPage(1, leftWidth: 260, rightLeft: 350, rightWidth: 150)])
        #expect(unlike.lines[0].count == 15)
        // A last page that holds only a left column does not count against the columns.
        let ending = PDFLayout(pages: [twoColumnPage(1), twoColumnPage(2, rightWidth: 0)])
        #expect(ending.lines[0].count == 29)
        // In a document in columns, a page of a few lines, and the columns either side of a
        // heading across the page (each too short to be found alone), are read in columns where
        // both sides stand at the document's column edges; elsewhere (a cover's header block)
        // they stay rows.
        let short = PDFLayout(pages: [twoColumnPage(1), twoColumnPage(2), twoColumnPage(3, lines: 4),
                                      twoColumnPage(4, across: 6), twoColumnPage(5, rightLeft: 400, rightWidth: 120, lines: 4)])
        #expect(short.lines[2].map(\.text) == ["A title across the whole page of the document"]
                + (0..<4).map { "left column line 3.\($0) of prose that fills the measure" }
                + (0..<4).map { "right column line 3.\($0) of prose that fills the measure" })
        #expect(short.lines[3].map(\.text) == ["A title across the whole page of the document"]
                + (0...6).map { "left column line 4.\($0) of prose that fills the measure" }
                + (0...6).map { "right column line 4.\($0) of prose that fills the measure" }
                + ["A heading across the page"]
                + (7..<14).map { "left column line 4.\($0) of prose that fills the measure" }
                + (7..<14).map { "right column line 4.\($0) of prose that fills the measure" })
        #expect(short.lines[4].count == 5 && short.lines[4].allSatisfy { $0.runs.count <= 1 || $0.tabular })
        // Notes set in the left column below its own rule come after both columns' text.
        var noted = twoColumnPage(2)
        noted.runs.append(run("__________", top: 120 + 14 * 13, left: 72, width: 60))
        noted.runs.append(run("right column line 2.14 of prose that fills the measure", top: 120 + 14 * 13, left: 310, width: 210))
        noted.runs.append(run("1 A note set in the left column.", top: 120 + 15 * 13, left: 72, width: 150, size: 8))
        let notes = PDFLayout(pages: [twoColumnPage(1), noted])
        #expect(notes.lines[1].map(\.text).suffix(3) == ["right column line 2.14 of prose that fills the measure", "__________", "1 A note set in the left column."])
        #expect(notes.roles[1].filter { $0 == .footnote }.count == 1)
        // A rule on a line of its own, the right column going on beside and below the notes.
        var ruled = PDFPage(number: 2, height: 800, runs: [run("A title across the whole page of the document", top: 80, left: 72, width: 450)])
        for i in 0..<16 {
            let top = 120 + Double(i) * 13
            if i < 12 { ruled.runs.append(run("left column line 2.\(i) of prose that fills the measure", top: top, left: 72, width: 210)) }
            if i != 12 { ruled.runs.append(run("right column line 2.\(i) of prose that fills the measure", top: top, left: 310, width: 210)) }
        }
        ruled.runs.append(run("__________", top: 120 + 12 * 13, left: 72, width: 60))
        ruled.runs.append(run("1 A note set in the left column.", top: 120 + 13 * 13, left: 72, width: 150, size: 8))
        let ruledLayout = PDFLayout(pages: [twoColumnPage(1), ruled])
        #expect(ruledLayout.lines[1].map(\.text).suffix(3) == ["right column line 2.15 of prose that fills the measure", "__________", "1 A note set in the left column."])
        #expect(ruledLayout.roles[1].filter { $0 == .footnote }.count == 1)
        // Each column with its own rule and note: the second rule is a rule, not note text.
        var twoRules = twoColumnPage(2)
        for left in [72.0, 310] {
            twoRules.runs.append(run("__________", top: 120 + 15 * 13, left: left, width: 60))
            twoRules.runs.append(run("\(left == 72 ? 1 : 2) A note set in a column.", top: 120 + 16 * 13, left: left, width: 150, size: 8))
        }
        let rulesLayout = PDFLayout(pages: [twoColumnPage(1), twoRules])
        #expect(rulesLayout.lines[1].suffix(4).map(\.text) == ["__________", "1 A note set in a column.", "__________", "2 A note set in a column."])
        #expect(Array(rulesLayout.roles[1].suffix(4)) == [.rule, .footnote, .rule, .footnote])
        // A line of underscores high on the page (a blank to fill in) is no footnote rule: it
        // keeps its place in its column.
        var blank = twoColumnPage(2, breaks: ([1], []))
        blank.runs.append(run("__________", top: 120 + 2 * 13, left: 72, width: 60))
        let blankLayout = PDFLayout(pages: [twoColumnPage(1), blank])
        #expect(blankLayout.lines[1].map(\.text) == ["A title across the whole page of the document"]
                + (0..<2).map { "left column line 2.\($0) of prose that fills the measure" } + ["__________"]
                + (2..<14).map { "left column line 2.\($0) of prose that fills the measure" }
                + (0..<14).map { "right column line 2.\($0) of prose that fills the measure" })
        // The document's column edges hold when a line below the columns ends inside their
        // gutter: a short page is still read in columns; a page set in one column, with a
        // table of two cells a row, is not.
        var reaching = twoColumnPage(2)
        reaching.runs.append(run("a line across the page below the columns, from margin to margin", top: 120 + 15 * 13, left: 72, width: 450))
        reaching.runs.append(run("a short line ending in the gutter", top: 120 + 16 * 13, left: 72, width: 214))
        let table = PDFPage(number: 4, height: 800, runs: (0..<14).map { i in
            run("a line of one column 4.\(i) that runs from one margin to the other", top: 120 + Double(i) * 13, left: 72, width: 450)
        } + (0..<3).flatMap { i in
            [run("Recommendation \(i) of the table", top: 320 + Double(i) * 13, left: 72, width: 210),
             run("Comment \(i) on the recommendation of the table", top: 320 + Double(i) * 13, left: 310, width: 210)]
        })
        let edges = PDFLayout(pages: [twoColumnPage(1), reaching, twoColumnPage(3, lines: 4), table])
        #expect(edges.lines[2].map(\.text) == ["A title across the whole page of the document"]
                + (0..<4).map { "left column line 3.\($0) of prose that fills the measure" }
                + (0..<4).map { "right column line 3.\($0) of prose that fills the measure" })
        #expect(edges.lines[3].suffix(3).map(\.text) == (0..<3).map { "Recommendation \($0) of the table | Comment \($0) on the recommendation of the table" })
        // Paragraph breaks in either column leave them columns.
        let paragraphs = PDFLayout(pages: [twoColumnPage(1, breaks: ([3, 8], [5, 11]))])
        #expect(paragraphs.lines[0].count == 29)
    }

    @Test func documentSymbolsOnACoverLine() {
        #expect(documentSymbols(in: "A/80/62*−E/2025/12*") == ["A/80/62", "E/2025/12"])
        #expect(documentSymbols(in: "A/79/947-S/2025/372") == ["A/79/947", "S/2025/372"])
        #expect(documentSymbols(in: "A/AC.292/2025/INF/5/Rev.1") == ["A/AC.292/2025/INF/5/Rev.1"])
        #expect(documentSymbols(in: "E/ICEF/2025/AB/L.3") == ["E/ICEF/2025/AB/L.3"])
        #expect(documentSymbols(in: "A/79/437/Add.4") == ["A/79/437/Add.4"])
        #expect(documentSymbols(in: "United Nations") == [])
        #expect(documentSymbols(in: "and/or 2025/26") == [])
    }

    @Test func lineEndHyphensFollowTheDocumentsOwnSpelling() {
        let page = PDFPage(number: 1, height: 800, runs: [
            run("a programme of work", top: 100), run("a multi-stakeholder group", top: 120),
        ])
        let words = Vocabulary(PDFLayout(pages: [page]))
        var s = "the pro-"
        words.join(&s, "gramme continues")
        #expect(s == "the programme continues")        // the document spells "programme"
        s = "a multi-"
        words.join(&s, "stakeholder forum")
        #expect(s == "a multi-stakeholder forum")      // and "multi-stakeholder"
        s = "the Secretary-"
        words.join(&s, "General")
        #expect(s == "the Secretary-General")
        s = "资产"
        words.join(&s, "追回")
        #expect(s == "资产追回")
        s = "asset"
        words.join(&s, "recovery")
        #expect(s == "asset recovery")
    }

    @Test func paragraphNumbersPastNineHundredAndNinetyNine() {
        // 1,004 paragraphs, 40 lines a page; a line that starts with a year stays text.
        var pages: [PDFPage] = []
        var runs: [PDFTextRun] = []
        var row = 0
        func line(_ text: String) {
            runs.append(run(text, top: 100 + Double(row) * 14, left: 72, width: 450))
            row += 1
            if row == 40 {
                pages.append(PDFPage(number: pages.count + 1, height: 800, runs: runs))
                runs = []
                row = 0
            }
        }
        for n in 1...1004 {
            line("\(n). Paragraph \(n) of a very long report, with words enough to fill the measure.")
            if n == 1002 { line("2025. was the year in which this line, which starts with a year, was written down.") }
            if n == 1003 {
                // An annex inside the body restarts at 1; the body's numbering then goes on.
                line("Annex")
                line("1. The annex's first paragraph, with words enough to fill the measure of a line.")
                line("2. The annex's second paragraph, with words enough to fill the measure of a line.")
            }
        }
        pages.append(PDFPage(number: pages.count + 1, height: 800, runs: runs))
        let paragraphs = PDFLayoutReader(layout: PDFLayout(pages: pages)).paragraphs()
        #expect(paragraphs.compactMap(\.number) == (1...1003).map(String.init) + ["1", "2", "1004"])
        #expect(paragraphs.first { $0.number == "1002" }?.text.hasSuffix("was written down.") == true)
    }

    @Test func linesGroupRunsAndTakeRaisedMarkersOut() {
        let page = PDFPage(number: 1, height: 800, runs: [
            run("12.", top: 200, left: 100, width: 15),
            run("Action,", top: 200, left: 136, width: 40),
            PDFTextRun(top: 198, left: 176, width: 4, height: 7, size: 7, bold: false, barcode: false, text: "3"),
            run("the", top: 200, left: 184, width: 20),
            run("Total", top: 240, left: 100, width: 30), run("1 200", top: 240, left: 300, width: 30),
        ])
        let lines = PDFLayout.lines(of: page)
        #expect(lines.count == 2)
        #expect(lines[0].text == "12. Action, the")
        #expect(lines[0].markers.map(\.mark) == ["3"])
        #expect(!lines[0].tabular)
        #expect(lines[1].text == "Total | 1 200")
        #expect(lines[1].tabular)
    }

    @Test(.enabled(if: available)) func notAPDFIsAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.pdf")
        try Data("%PDF-1.4\nthis is not a PDF".utf8).write(to: bad)
        let error = #expect(throws: ParaError.self) { try DocumentExtractor().extract(path: bad.path) }
        let file = error?.file
        #expect(file == bad.path && error?.kind == .unreadableInput)
    }

    func run(_ text: String, top: Double, left: Double = 100, width: Double = 200, size: Double = 10) -> PDFTextRun {
        PDFTextRun(top: top, left: left, width: width, height: size * 1.2, size: size, bold: false, barcode: false, text: text)
    }
}

@Suite struct FileNameTests {
    /// Any bytes make a path that goes back to the same bytes; valid UTF-8 stays as it is.
    @Test func everyByteSequenceRoundTrips() {
        var state: UInt64 = 20261130
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 12 + 1) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = UInt8(truncatingIfNeeded: state >> 56)
                bytes.append(r == 0 || r == UInt8(ascii: "/") ? 0x41 : r)
            }
            let path = InputFiles.path(fromBytes: bytes)
            #expect(InputFiles.systemPath(path).dropLast().map { UInt8(bitPattern: $0) } == bytes, "\(bytes)")
        }
        #expect(InputFiles.path(fromBytes: Array("资产追回.txt".utf8)) == "资产追回.txt")
        #expect(InputFiles.shown(InputFiles.path(fromBytes: [0x72, 0xE9, 0x2E, 0x74])) == "r\\xE9.t")
    }
}
