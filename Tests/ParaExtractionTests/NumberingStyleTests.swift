import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

/// Chinese numbering styles, Markdown as people write it, and plain text from PDF with each
/// number alone on its line.
@Suite struct NumberingStyleTests {
    func markdown(_ text: String) throws -> ExtractedDocument {
        try DocumentExtractor().extract(data: Data(text.utf8), format: .markdown, path: "law.md")[0]
    }

    func text(_ text: String) throws -> ExtractedDocument {
        try DocumentExtractor().extract(data: Data(text.utf8), format: .text, path: "report.txt")[0]
    }

    @Test func labelsAsWritten() {
        #expect(ChineseLabel.parse("第十二条　国家保护") == ChineseLabel(kind: .article, label: "第十二条", rest: "国家保护"))
        #expect(ChineseLabel.parse("第二百二十四条之一 组织、领导") == ChineseLabel(kind: .article, label: "第二百二十四条之一", rest: "组织、领导"))
        #expect(ChineseLabel.parse("第一条规定的") == nil)                    // a sentence, not a head
        #expect(ChineseLabel.parse("第三章　总　则")?.kind == .division(level: 3))
        #expect(ChineseLabel.parse("第二分编 合同")?.kind == .division(level: 2))
        #expect(ChineseLabel.parse("第一节 一般规定")?.kind == .division(level: 4))
        #expect(ChineseLabel.parse("三、主要任务") == ChineseLabel(kind: .item, label: "三", rest: "主要任务"))
        #expect(ChineseLabel.parse("（十二）加强监管。") == ChineseLabel(kind: .parenthesizedItem, label: "（十二）", rest: "加强监管。"))
        #expect(ChineseLabel.parse("(三) 其他") == ChineseLabel(kind: .parenthesizedItem, label: "(三)", rest: "其他"))
        #expect(ChineseLabel.parse("5.2.3 检验方法") == ChineseLabel(kind: .clause(depth: 3), label: "5.2.3", rest: "检验方法"))
        #expect(ChineseLabel.parse("5. 检验") == nil)                        // a UN paragraph number
        #expect(ChineseLabel.parse("2017年") == nil)
    }

    @Test func aLawInMarkdownWithoutFrontMatter() throws {
        let d = try markdown("""
        # 中华人民共和国示例法

        2020年1月1日 全国人民代表大会常务委员会通过

        <!-- INFO END -->

        ## 第一章　总　则

        第一条　为了规范示例活动，制定本法。

        第二条　本法适用于下列活动：

        （一）示例甲；

        （二）示例乙。

        前款规定以外的活动，参照本法执行。

        ## 第二章　附　则

        ### 第一节　一般规定

        第三条之一　本法自公布之日起施行。
        """)
        #expect(d.metadata.title == "中华人民共和国示例法")
        let n = d.paragraphs.filter { $0.number != nil }
        #expect(n.map(\.number) == ["第一条", "第二条", "第三条之一"])
        #expect(n[0].text == "为了规范示例活动，制定本法。")
        #expect(n[0].headings == ["第一章 总 则"])
        // Items and further paragraphs (款) of an article stay in the article.
        #expect(n[1].text == "本法适用于下列活动：\n（一）示例甲；\n（二）示例乙。\n前款规定以外的活动，参照本法执行。")
        #expect(n[2].headings == ["第二章 附 则", "第一节 一般规定"])
        #expect(!d.paragraphs.contains { $0.text.contains("INFO END") })
        #expect(Citation(metadata: d.metadata, paragraph: n[1]).description == "law 第二条 — 第一章 总 则")
    }

    @Test func aPolicyDocumentWithItemsAndClauses() throws {
        let d = try markdown("""
        关于加强示例工作的意见

        一、总体要求

        （一）指导思想。坚持以人民为中心，全面推进示例工作。

        （二）基本原则。统筹兼顾，分类施策，稳步推进各项改革措施。

        二、主要任务

        5.2.3 各地区应当建立健全示例工作机制，明确责任分工。
        """)
        let n = d.paragraphs.filter { $0.number != nil }
        #expect(n.map(\.number) == ["（一）", "（二）", "5.2.3"])
        #expect(n[0].text == "指导思想。坚持以人民为中心，全面推进示例工作。")
        #expect(n[0].headings == ["一、总体要求"])
        #expect(n[2].headings == ["二、主要任务"])
        #expect(Citation.label("（一）") == "（一）" && Citation.label("5.2.3") == "¶5.2.3" && Citation.label("54") == "¶54")
    }

    @Test func amountsAndDatesAreNoClauses() throws {
        #expect(ChineseLabel.parse("3.5亿元用于示例") == nil)
        #expect(ChineseLabel.parse("2024.12.31 会议") == nil)
        // In hard-wrapped text a line may start with figures: no paragraph is cut there.
        let d = try text("""
        （一）资金安排。中央财政安排资金用于支持各地开展示例工作，并加强监督管理，共计
        3.5 亿元。
        """)
        #expect(d.paragraphs.map(\.number) == ["（一）"])
        #expect(d.paragraphs[0].text == "资金安排。中央财政安排资金用于支持各地开展示例工作，并加强监督管理，共计3.5 亿元。")
    }

    @Test func itemsOfAUNParagraphStayInItButSectionsDoNot() throws {
        let d = try text("""
        1. 委员会建议：
        （一）加强合作；
        （二）交流经验。
        二、主要任务
        2. 第二段。
        """)
        #expect(d.paragraphs.map(\.number) == ["1", "2"])
        #expect(d.paragraphs[0].text == "委员会建议：\n（一）加强合作；\n（二）交流经验。")
        #expect(d.paragraphs[1].headings == ["二、主要任务"])
    }

    @Test func anUnclosedCommentIsKeptAsText() throws {
        let d = try markdown("1. Before <!-- a note --> after.\n\n2. Text <!-- never closed\n\n3. Last.")
        #expect(d.paragraphs.map(\.text) == ["Before after.", "Text <!-- never closed", "Last."])
    }

    @Test func englishTextKeepsItsOwnNumbersAndDecimals() throws {
        // `3.5 per cent` at the start of a wrapped line is no clause in English text.
        let d = try text("""
        1. Growth slowed to
        3.5 per cent in 2024, the lowest in a decade.
        2. Prices rose.
        """)
        #expect(d.paragraphs.map(\.number) == ["1", "2"])
        #expect(d.paragraphs[0].text == "Growth slowed to 3.5 per cent in 2024, the lowest in a decade.")
    }

    @Test func markdownHeadingsAndNumberedListsWithoutFrontMatter() throws {
        let d = try markdown("""
        # Annual report

        ## I. Overview

        1. The first paragraph.

        2. The second paragraph,
        wrapped over two lines.

        ## II. Outlook

        3. The third.
        """)
        #expect(d.metadata.title == "Annual report")
        #expect(d.paragraphs.map(\.number) == ["1", "2", "3"])
        #expect(d.paragraphs[1].text == "The second paragraph, wrapped over two lines.")
        #expect(d.paragraphs[1].headings == ["I. Overview"])
        #expect(d.paragraphs[2].headings == ["II. Outlook"])
    }

    @Test func noParagraphHoldsAWholeDocument() throws {
        // One "paragraph" of 200,000 characters without a blank line.
        let line = "This sentence goes on and on without a blank line anywhere in the file."
        let d = try markdown(Array(repeating: line, count: 2800).joined(separator: "\n"))
        #expect(d.paragraphs.count > 40)
        #expect(d.paragraphs.allSatisfy { $0.text.count <= DocumentExtractor.maxParagraphCharacters })
        #expect(d.paragraphs.map(\.text).joined(separator: " ") == Array(repeating: line, count: 2800).joined(separator: " "))
        // A single line longer than the limit is cut too, at sentence ends.
        let one = try text(String(repeating: "Word word word. ", count: 3000))
        #expect(one.paragraphs.count >= 4)
        #expect(one.paragraphs.allSatisfy { $0.text.count <= DocumentExtractor.maxParagraphCharacters })
        #expect(one.paragraphs.allSatisfy { $0.text.hasSuffix(".") })
    }

    @Test func plainTextFromPDFWithTheNumberAloneOnItsLine() throws {
        let d = try text("""
        I. Introduction
        1.
        The present report is submitted pursuant to resolution 79/1.
        2.
        Member States reported progress in the recovery
        of stolen assets.
        3.
        The Commission may wish to take note.
        """)
        #expect(d.paragraphs.map(\.number) == ["1", "2", "3"])
        #expect(d.paragraphs[1].text == "Member States reported progress in the recovery of stolen assets.")
        #expect(d.paragraphs[0].headings == ["I. Introduction"])
    }
}

@Suite struct FrontMatterTests {
    func read(_ text: String) throws -> ExtractedDocument {
        try DocumentExtractor().extract(data: Data(text.utf8), format: .markdown, path: "doc.md")[0]
    }

    @Test func listsBlockScalarsAndDates() throws {
        let d = try read("""
        ---
        symbol:
          - A/79/947
          - S/2025/372
        title: >
          Letter dated 10 June 2025 from the Permanent
          Representative addressed to the Secretary-General
        date: 2025-06-12
        language: en
        tags: [peace, security]
        note: |
          First line.
          Second line.
        empty: ~
        version: 1.10
        Version: 2.0
        ---

        1. The text.
        """)
        #expect(d.metadata.symbol == "A/79/947")
        #expect(d.metadata.symbols == ["A/79/947", "S/2025/372"])
        #expect(d.metadata.isNamed("s/2025/372"))
        #expect(d.metadata.title == "Letter dated 10 June 2025 from the Permanent Representative addressed to the Secretary-General")
        #expect(d.metadata.extra["date"] == "2025-06-12")
        #expect(d.metadata.extra["tags"] == "peace; security")
        #expect(d.metadata.extra["note"] == "First line.\nSecond line.")
        #expect(d.metadata.extra["empty"] == nil)
        #expect(d.metadata.extra["version"] == "1.10")    // as written, and the first of two spellings
        #expect(d.paragraphs.map(\.text) == ["The text."])
        #expect(d.warnings.isEmpty)
    }

    @Test func invalidYAMLIsReadAsFlatLinesWithAWarning() throws {
        let d = try read("""
        ---
        symbol: A/80/1
        title: "unclosed
          : [
        ---

        1. The text.
        """)
        #expect(d.metadata.symbol == "A/80/1")
        #expect(d.warnings.count == 1 && d.warnings[0].hasPrefix("front matter is not valid YAML"))
        #expect(d.paragraphs.map(\.number) == ["1"])
    }
}
