import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

@Suite struct SegmenterTests {
    func paragraphs(_ text: String, _ layout: ReportSegmenter.Layout = .lines) -> [Paragraph] {
        ReportSegmenter(layout: layout).paragraphs(of: text)
    }

    @Test func wrappedTextParagraphNumbersPastNineHundredAndNinetyNine() {
        // Hard-wrapped text: `1000.` alone on its line, and a paragraph past 999 whose text holds
        // the next number after a figure (no paragraph glued on there).
        var lines = (1...999).map { "\($0). Paragraph \($0) of a very long report." }
        lines += ["1000.", "Paragraph 1000, its number alone on the line before.",
                  "1001. Cases rose from 998 to 1002. Most were settled."]
        let paragraphs = ReportSegmenter(layout: .lines).paragraphs(of: lines.joined(separator: "\n"))
        #expect(paragraphs.compactMap(\.number) == (1...1001).map(String.init))
        #expect(paragraphs.suffix(2).map(\.text) == ["Paragraph 1000, its number alone on the line before.",
                                                     "Cases rose from 998 to 1002. Most were settled."])
    }

    @Test func markupParagraphNumbersPastNineHundredAndNinetyNine() {
        // 1,003 numbered blocks; a block that starts with a year stays text.
        var units = (1...1003).map { ReportSegmenter.Unit("\($0). Paragraph \($0) of a very long report.") }
        units.insert(ReportSegmenter.Unit("2025. was the year in which this block was written."), at: 1001)
        let paragraphs = ReportSegmenter(layout: .blocks).paragraphs(of: units)
        #expect(paragraphs.compactMap(\.number) == (1...1003).map(String.init))
        #expect(paragraphs.first { $0.number == "1001" }?.text == "Paragraph 1001 of a very long report.\n2025. was the year in which this block was written.")
    }

    @Test func englishHyphenationIsUndoneAndLinesJoinWithASpace() {
        let text = """
        I. Introduction
        1. The Institute continued its work on asset recov-
        ery in the region and
        beyond.
        2. Second paragraph.
        """
        let ps = paragraphs(text)
        #expect(ps.map(\.number) == ["1", "2"])
        #expect(ps[0].text == "The Institute continued its work on asset recovery in the region and beyond.")
        #expect(ps[0].headings == ["I. Introduction"])
    }

    @Test func numberedSubHeadingThatEqualsTheNextNumberIsAHeading() {
        // "1. Scope" is followed by paragraph 1: the first is a heading.
        let text = """
        A. Background
        1. Scope
        1. The report covers the year.
        2. It has two paragraphs.
        """
        let ps = paragraphs(text)
        #expect(ps.map(\.number) == ["1", "2"])
        #expect(ps[0].headings == ["A. Background", "1. Scope"])
    }

    @Test func headingPathPopsToTheRightLevel() {
        let text = """
        一. 导言
        1. 第一段。
        二. 工作
        A. 资产追回
        1. 试点项目
        2. 第二段。
        B. 合作
        3. 第三段。
        """
        let ps = paragraphs(text)
        #expect(ps.map(\.number) == ["1", "2", "3"])
        #expect(ps.map(\.headings) == [["一. 导言"], ["二. 工作", "A. 资产追回", "1. 试点项目"], ["二. 工作", "B. 合作"]])
    }

    @Test func chineseLinesJoinWithoutSpaceAndFurnitureIsDropped() {
        let text = """
        1. 犯罪司法所继续协助埃及、利比亚和突尼斯以及卡姆登资产追回机构间网络，更有效地追查和追
        __________________
        * E/CN.15/2018/1。
        http://undocs.org/E/CN.15/2018/1
        E/CN.15/2018/11
        V.18-00828
        12
         回非法获得的资产。
        """
        let ps = paragraphs(text)
        #expect(ps.count == 1)
        #expect(ps[0].text == "犯罪司法所继续协助埃及、利比亚和突尼斯以及卡姆登资产追回机构间网络，更有效地追查和追回非法获得的资产。")
    }

    @Test func decimalAndLetteredNumbersNumberBlocksInEitherLanguage() {
        let en = paragraphs("""
        # Goal 16. Peace

        16.1 Significantly reduce all forms of violence

        16.4 By 2030, significantly reduce illicit financial and arms flows

        16.a Strengthen relevant national institutions

        ## 16.b Promote and enforce non-discriminatory laws

        16.b.1 Proportion of population reporting having felt discriminated against
        """, .blocks)
        #expect(en.map(\.number) == ["16.1", "16.4", "16.a", "16.b.1"])
        #expect(en[1].text == "By 2030, significantly reduce illicit financial and arms flows")
        #expect(en[3].headings == ["Goal 16. Peace", "16.b Promote and enforce non-discriminatory laws"])
        // Headings-like Chinese clauses followed by clauses are paragraphs, none lost.
        let zh = paragraphs("""
        # 目标16. 和平

        16.1 在全世界大幅减少一切形式的暴力

        16.4 到2030年，大幅减少非法资金和武器流动

        16.a 加强相关国家机制
        """, .blocks)
        #expect(zh.map(\.number) == ["16.1", "16.4", "16.a"])
        // One decimal at the start of an English block is a figure, not a number.
        let figure = paragraphs("""
        2.5 million people were displaced

        The rest of the year was calm
        """, .blocks)
        #expect(figure.map(\.number) == [nil, nil])
        #expect(figure[0].text == "2.5 million people were displaced")
        // A clause heading with text under it stays a heading.
        let heading = paragraphs("""
        1.1 总体要求

        坚持以人民为中心。

        1.2 主要任务

        加强国际合作。
        """, .blocks)
        #expect(heading.map(\.headings) == [["1.1 总体要求"], ["1.2 主要任务"]])
        // A clause heading followed by its own sub-clauses stays a heading over them.
        let nested = paragraphs("""
        2.1 总体目标

        2.1.1 到2030年，大幅减少贫困。

        2.1.2 到2035年，基本实现现代化。
        """, .blocks)
        #expect(nested.map(\.number) == ["2.1.1", "2.1.2"])
        #expect(nested.allSatisfy { $0.headings == ["2.1 总体目标"] })
        // Three decimal figures that do not rise are not a numbering.
        let figures = paragraphs("""
        2.5 million people were displaced

        1.2 million returned

        0.4 million are still away
        """, .blocks)
        #expect(figures.map(\.number) == [nil, nil, nil])
    }

    @Test func textWithoutNumberedParagraphsIsKeptAsUnnumberedParagraphs() {
        let ps = paragraphs("A short note.\n\nAnother short note.", .blocks)
        #expect(ps.map(\.text) == ["A short note.", "Another short note."])
        #expect(ps.allSatisfy { $0.number == nil })
    }

    @Test func documentSymbolIsFound() {
        #expect(findDocumentSymbol(in: "Distr.: General E/CN.15/2018/11 12 March") == "E/CN.15/2018/11")
        #expect(findDocumentSymbol(in: "see A/RES/80/1.") == "A/RES/80/1")
        #expect(findDocumentSymbol(in: "no symbol here 2/3") == nil)
    }
}

@Suite struct BadInputTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("parasearch-badinput-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func error(_ path: String) -> String? {
        do { _ = try DocumentExtractor().extract(path: path); return nil } catch { return "\(error)" }
    }

    @Test func binaryFileIsRefusedNamingTheFile() {
        let p = write("binary.txt", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 0x00, 0x41])
        #expect(error(p) == "\(p): binary data, not text (NUL byte at offset 5)")
    }

    @Test func invalidUTF8IsRefusedWithTheOffset() {
        let p = write("gbk.txt", Array("报告".utf8) + [0xB1, 0xA8, 0xB8, 0xE6])
        #expect(error(p)?.hasPrefix("\(p): not valid UTF-8 (bad byte at offset 6)") == true)
    }

    @Test func emptyFileIsRefused() {
        let p = write("empty.txt", [])
        #expect(error(p) == "\(p): file is empty")
        let blank = write("blank.md", Array("\n \n\t\n".utf8))
        #expect(error(blank) == "\(blank): no text found")
    }

    @Test func directoryAndMissingFileAndUnknownTypeAreClear() {
        let d = dir.appendingPathComponent("folder.txt").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        #expect(error(d) == "\(d): is a directory, not a file")
        #expect(error(dir.appendingPathComponent("missing.txt").path)?.hasSuffix("cannot read file: No such file or directory") == true)
        #expect(error(write("x.exe", [1]))?.contains("unsupported file type '.exe'") == true)
    }

    @Test func utf16WithBOMIsRead() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "1. 资产追回。".utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        let doc = try DocumentExtractor().extract(path: write("utf16.txt", bytes))[0]
        #expect(doc.paragraphs.map(\.text) == ["资产追回。"])
    }

    @Test func fiftyMegabyteSingleLineIsCutIntoParagraphsWithinTheLimit() throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(50 << 20)
        let word = Array("asset recovery 资产追回 ".utf8)
        while bytes.count < 50 << 20 { bytes.append(contentsOf: word) }
        let doc = try DocumentExtractor().extract(path: write("long.txt", bytes))[0]
        let limit = DocumentExtractor.maxParagraphCharacters
        #expect(doc.paragraphs.allSatisfy { $0.text.unicodeScalars.count <= limit })
        #expect(doc.paragraphs.count >= (bytes.count / 2) / limit)     // half the bytes are Chinese (3 bytes a character)
        #expect(doc.paragraphs.map(\.ordinal) == Array(1...doc.paragraphs.count))
        // Nothing lost: the pieces hold every word (hard cuts, as there is no sentence end).
        #expect(doc.paragraphs.reduce(0) { $0 + $1.text.utf8.count } >= bytes.count - 2 * doc.paragraphs.count)
    }

    @Test func jsonLinesGiveOneDocumentPerLine() throws {
        let p = write("eval.jsonl", Array("""
        {"_id": "d1", "title": "战国无双3", "text": "《战国无双3》是由光荣开发的。"}
        {"id": 7, "text": "An experimental study of a wing."}

        """.utf8))
        let docs = try DocumentExtractor().extract(path: p)
        #expect(docs.map(\.metadata.id) == ["d1", "7"])
        #expect(docs.map(\.metadata.language) == [.zh, .en])
        #expect(docs[0].paragraphs == [Paragraph(ordinal: 1, number: nil, headings: ["战国无双3"], text: "《战国无双3》是由光荣开发的。")])
        let bad = write("bad.jsonl", Array("{\"id\": \"a\", \"text\": \"x\"}\nnot json\n".utf8))
        #expect(error(bad) == "\(bad): line 2: not a JSON object")
    }
}
