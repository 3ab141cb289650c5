import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func corpusPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("Corpus/" + name).path }

@Suite struct ChineseReportTests {
    static let document: ExtractedDocument = try! DocumentExtractor().extract(path: corpusPath("unicri-report-ccpcj27-zh.txt"))[0]
    static var numbered: [Paragraph] { document.paragraphs.filter { $0.number != nil } }

    @Test func metadataComesFromTheSidecarWithoutAnInventedSymbol() {
        let m = Self.document.metadata
        #expect(m.id == "unicri-report-ccpcj27-zh")
        #expect(m.symbol == nil)
        #expect(m.language == .zh)
        #expect(m.title == "联合国区域间犯罪和司法研究所的报告")
        #expect(m.extra["agenda_item"] == "6(e)")
    }

    @Test func yieldsExactlyParagraphsOneToSeventyTwoInOrder() {
        #expect(Self.numbered.map(\.number) == (1...72).map { String($0) })
        #expect(Self.document.paragraphs.map(\.ordinal) == Array(1...Self.document.paragraphs.count))
    }

    /// number, start of text, end of text, heading path.
    static let golden: [(String, String, String, [String])] = [
        ("1", "联合国区域间犯罪和司法研究所（犯罪司法所）系根据经济及社会理事会 1965年第", "定期向经社理事会提交报告。", ["一. 导言"]),
        ("7", "董事会的本报告载列了", "(a) 安全治理和反恐；\n(b) 犯罪和司法；\n(c) 培训和进修。", ["一. 导言"]),
        ("8", "犯罪司法所在国家、区域和国际各级具有广泛影响", "核风险卓越中心。", ["一. 导言"]),
        ("9", "作为联合国反恐执行工作队的成员", "发挥着关键作用。",
         ["二. 安全治理和反恐", "A. 预防和打击暴力极端主义以及暴力极端主义罪犯改造和重返社会"]),
        ("10", "2017 年，犯罪司法所采用全面和因地制宜的方法", "并包括试点方案。",
         ["二. 安全治理和反恐", "A. 预防和打击暴力极端主义以及暴力极端主义罪犯改造和重返社会"]),
        ("11", "犯罪司法所在暴力极端主义罪犯改造和重返社会领域开发了大量专门知识。", "都享有公正人道的待遇。",
         ["二. 安全治理和反恐", "A. 预防和打击暴力极端主义以及暴力极端主义罪犯改造和重返社会", "1. 暴力极端主义罪犯的改造和重返社会"]),
        ("31", "在项目的第二阶段", "经验的缓刑措施。",
         ["二. 安全治理和反恐", "A. 预防和打击暴力极端主义以及暴力极端主义罪犯改造和重返社会", "3. 评估制定试点方案使青少年脱离暴力极端主义的先决条件"]),
        ("37", "2017 年，重点在于增强各国的能力", "表示有兴趣制定此类计划。", ["二. 安全治理和反恐", "B. 减轻化学、生物、辐射和核风险"]),
        ("54", "2017 年，犯罪司法所继续协助埃及、利比亚和突尼斯以及卡姆登资产追回机构间网络", "团通报项目执行情况。",
         ["三. 犯罪和司法", "A. 阿拉伯之春国家资产追回试点项目"]),
        ("57", "2 月，鉴于犯罪司法所在资产追回方面的工作取得了具体成果", "继续提供技术指导和支持。",
         ["三. 犯罪和司法", "A. 阿拉伯之春国家资产追回试点项目"]),
        ("58", "犯罪司法所和欧洲联盟知识产权局签署了一项合作协议", "三个项目。", ["三. 犯罪和司法", "B. 与欧洲联盟知识产权局的合作"]),
        ("72", "虽然新的威胁和挑战正在出现", "人权和发展方面的需求。", ["四. 培训和进修", "6. 国际快速反应方案和相关培训计划"]),
    ]

    @Test func goldenParagraphsHaveTheirStartEndAndHeadingPath() {
        let byNumber = Dictionary(uniqueKeysWithValues: Self.numbered.map { ($0.number!, $0) })
        for (number, start, end, headings) in Self.golden {
            let p = byNumber[number]!
            #expect(p.text.hasPrefix(start), "¶\(number) starts \(p.text.prefix(40))")
            #expect(p.text.hasSuffix(end), "¶\(number) ends \(p.text.suffix(40))")
            #expect(p.headings == headings, "¶\(number)")
        }
    }

    @Test func pageBreaksAreRejoinedInsideWords() {
        let byNumber = Dictionary(uniqueKeysWithValues: Self.numbered.map { ($0.number!, $0) })
        // Page break after "除青少" in ¶31 and after "非洲大西洋沿岸地" in ¶37, with a URL between.
        #expect(byNumber["31"]!.text.contains("包括除青少年以外的其他弱势群体"))
        #expect(byNumber["37"]!.text.contains("在非洲大西洋沿岸地区区域秘书处的支持下"))
        #expect(byNumber["69"]!.text.contains("参加该课程的有来自 20 个国家"))
    }

    @Test func noHeadingOrPageFurnitureLeaksIntoParagraphs() {
        var allHeadings = Set<String>()
        for p in Self.document.paragraphs { allHeadings.formUnion(p.headings) }
        #expect(allHeadings.count >= 25)
        for p in Self.document.paragraphs {
            for h in allHeadings { #expect(!p.text.contains(h), "heading \(h) inside ¶\(p.number ?? "-")") }
            #expect(!p.text.contains("http"))
            #expect(!p.text.contains("____"))
            #expect(!p.text.contains("E/CN.15/2018/1"))
        }
        // Sub-headings that would follow a paragraph must not end it.
        let p10 = Self.numbered[9]
        #expect(!p10.text.contains("暴力极端主义罪犯的改造和重返社会"))
    }

    @Test func unnumberedFrontMatterIsKeptSearchable() {
        let front = Self.document.paragraphs.prefix { $0.number == nil }
        #expect(front.count >= 5)
        #expect(front.contains { $0.text == "预防犯罪和刑事司法委员会" })
        #expect(front.contains { $0.text.hasPrefix("联合国区域间犯罪和司法研究所董事会的本报告是根据董事会在 2017年 10月25 和 26 日") })
    }
}
