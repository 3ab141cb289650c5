import Foundation
import Testing
import ParaTestSupport
@testable import ParaAnalysis
@testable import ParaSearch
import ParaExtraction
import ParaIndex

private func paragraph(_ ordinal: Int, _ number: String?, _ text: String = "text") -> Paragraph {
    Paragraph(ordinal: ordinal, number: number, headings: [], text: text)
}

private func document(_ numbers: [String?]) -> [Paragraph] {
    numbers.enumerated().map { paragraph($0.offset + 1, $0.element) }
}

/// Document `d<i>` (source `d<i>.txt`) of one paragraph, ¶1, holding `text`.
private func addOneParagraphDocument(_ i: Int, _ language: Language, _ text: String, to writer: IndexWriter) throws {
    let meta = DocumentMetadata(id: "d\(i)", language: language, title: "", source: "d\(i).txt")
    try writer.replace(source: meta.source, with: [IndexableDocument(document: ExtractedDocument(
        metadata: meta, paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: text)]), contentHash: "\(i)")])
}

@Suite struct ParagraphAlignmentTests {
    @Test func numberedParagraphsPairByNumberAndUnnumberedByOrderWhereCountsAgree() throws {
        // English: title block of two, ¶1–3, a closing line. Chinese: title block of one, ¶1–3,
        // the closing line: the title blocks differ in count and stay unpaired.
        let en = document([nil, nil, "1", "2", "3", nil])
        let zh = document([nil, "1", "2", "3", nil])
        let map = try #require(ParagraphAlignment.align(en, zh))
        #expect(map == [2: 1, 3: 2, 4: 3, 5: 4])
    }

    @Test func anAnnexNumberingAgainFromOnePairsTheKthOccurrence() throws {
        let en = document(["1", "2", nil, "1", "2"])
        let zh = document(["1", "2", nil, "1", "2"])
        #expect(ParagraphAlignment.align(en, zh) == [0: 0, 1: 1, 2: 2, 3: 3, 4: 4])
    }

    @Test func fullWidthFiguresAndLetteredNumbersPair() throws {
        let en = document(["16.1", "16.4", "16.a"])
        let zh = document(["１６.１", "16.4", "16.a"])
        #expect(ParagraphAlignment.align(en, zh) == [0: 0, 1: 1, 2: 2])
    }

    @Test func versionsWhoseNumberingDisagreesAreNotAlignedAtAll() {
        // Another edition: half the numbers missing.
        #expect(ParagraphAlignment.align(document(["1", "2", "3", "4"]), document(["1", "2"])) == nil)
        // The shared numbers in another order.
        #expect(ParagraphAlignment.align(document(["1", "2", "3"]), document(["2", "1", "3"])) == nil)
        // Numbered against unnumbered.
        #expect(ParagraphAlignment.align(document(["1", "2"]), document([nil, nil])) == nil)
    }

    @Test func oneNumberLostInReadingLeavesTheRestPaired() throws {
        // 19 of 20 shared (95 %): ¶7 lost in one version (merged into ¶6); the stretch around it
        // holds an unpaired number and is left alone.
        let en = document((1...20).map { String($0) })
        let zh = document((1...20).filter { $0 != 7 }.map { String($0) })
        let map = try #require(ParagraphAlignment.align(en, zh))
        #expect(map.count == 19 && map[6] == nil && map[5] == 5 && map[7] == 6)
    }

    @Test func aNumberMisreadOrRepeatedInOneVersionPairsNothing() throws {
        // ¶3 misread as a second 4 in one version: neither 4 nor 3 pairs (they could be
        // each other), the rest does — 8 of 10 is too few, so nothing is paired at all.
        let misread = document(["1", "2", "4", "4", "5", "6", "7", "8", "9", "10"])
        #expect(ParagraphAlignment.align(misread, document((1...10).map { String($0) })) == nil)
        // A list item `3.` inside ¶2 of a long report: that 3 and the real ¶3 pair nothing.
        let withList = document((1...30).flatMap { $0 == 2 ? ["2", "3"] : [String($0)] })
        let plain = document((1...30).map { String($0) })
        let map = try #require(ParagraphAlignment.align(withList, plain))
        #expect(map[2] == nil && map[3] == nil && !map.values.contains(2))
        #expect(map[0] == 0 && map[1] == 1 && map[4] == 3 && map[30] == 29)
    }

    @Test func unnumberedDocumentsPairByOrderOnlyWithEqualCounts() {
        #expect(ParagraphAlignment.align(document([nil, nil, nil]), document([nil, nil, nil])) == [0: 0, 1: 1, 2: 2])
        #expect(ParagraphAlignment.align(document([nil, nil, nil]), document([nil, nil])) == [:])
    }
}

@Suite struct QueryTranslationTests {
    @Test func chineseWordsTranslateToTheirGlosses() {
        let t = QueryTranslator.chineseToEnglish("資產追回")      // Traditional folds first
        #expect(t.map(\.source) == ["资产", "追回"])
        #expect(t[0].targets.contains("assets") && t[1].targets.contains("recover"))
        // A word and the words inside it count; single characters inside a run do not.
        #expect(QueryTranslator.chineseToEnglish("地理位置").map(\.source) == ["地理", "地理位置", "位置"])
        // A word straddling two words read does not (`平行`, parallel; `中国`, China).
        #expect(QueryTranslator.chineseToEnglish("维持和平行动").map(\.source) == ["维持", "和平", "行动"])
        let developing = QueryTranslator.chineseToEnglish("发展中国家").map(\.source)
        #expect(developing.contains("国家") && developing.contains("发展中") && !developing.contains("中国"))
        // A query of one character is translated as it is.
        #expect(QueryTranslator.chineseToEnglish("核").first?.targets.contains("nuclear") == true)
        // Irregular plurals come with the singular.
        #expect(QueryTranslator.chineseToEnglish("儿童").first?.targets == ["child", "children"])
    }

    @Test func theWordsReadAreThoseOfTheFewestPieceSegmentations() {
        // Characters 0..<6 as in 维持和平行动: 维持 和平 平行 行动.
        #expect(QueryTranslator.wordsRead([(0, 2), (2, 2), (3, 2), (4, 2)], characters: 6) == [true, true, false, true])
        // Two readings equally short (研究生命: 研究 研究生 生命): both kept.
        #expect(QueryTranslator.wordsRead([(0, 2), (0, 3), (2, 2)], characters: 4) == [true, true, true])
        // Inside a word read, the shorter words it is made of, by the same rule (发展中国家:
        // 发展 发展中 发展中国家 中国 国家), and a character no word covers stands alone (a
        // lone 中 between 发展 and 国家 would be three pieces, against 发展中 国家's two).
        #expect(QueryTranslator.wordsRead([(0, 2), (0, 3), (0, 5), (2, 2), (3, 2)], characters: 5)
                == [true, true, true, false, true])
        // A word of the whole run alone, and nothing found.
        #expect(QueryTranslator.wordsRead([(0, 2)], characters: 2) == [true])
        #expect(QueryTranslator.wordsRead([], characters: 3) == [])
    }

    @Test func aLookUpTellsWhetherAHeadwordBeginsWithTheKey() {
        // (The translation stops lengthening a word at a character once none begins with it.)
        func lookUp(_ key: String) -> (found: Bool, begins: Bool) {
            var key = key
            return key.withUTF8 { let r = QueryTranslator.Tables.words.lookUp($0); return (r.line != nil, r.begins) }
        }
        #expect(lookUp("地理位置") == (true, true))
        #expect(lookUp("地理位") == (false, true))     // only inside 地理位置
        #expect(lookUp("理位") == (false, false))
        #expect(lookUp("\u{9FFF}\u{9FFF}") == (false, false))     // past the last headword
        #expect(lookUp("一") == (true, true))
    }

    @Test func englishWordsTranslateToChineseWords() {
        let t = QueryTranslator.englishToChinese("the development of human rights")
        #expect(t.map(\.source) == ["development", "human rights"])
        #expect(t[0].targets.first == "发展" && t[1].targets.first == "人权")
        // Stems meet: `assets` and `asset`; an irregular plural finds its singular's words.
        #expect(QueryTranslator.englishToChinese("asset").first?.targets.contains("资产") == true)
        #expect(QueryTranslator.englishToChinese("children").first?.targets.contains("儿童") == true)
        #expect(QueryTranslator.englishToChinese("xqzv").isEmpty)
    }
}

@Suite struct CrossLanguageSearchTests {
    @Test func assetRecoveryInChineseFindsTarget16Point4ThroughItsEnglishVersion() throws {
        let r = try search("asset recovery lang:zh", translate: true, parallel: true)
        let hit = try #require(r.hits.first)
        #expect(hit.citation.document == "A/RES/70/1" && hit.paragraph.number == "16.4" && hit.document.language == .zh)
        #expect(hit.paragraph.text.contains("加强追赃和被盗资产返还力度"))
        guard case .version(let via, .en)? = hit.foundThrough else { Issue.record("not found through the English version"); return }
        #expect(via.document == "A/RES/70/1" && via.number == "16.4")
        #expect(hit.parallel.count == 1 && hit.parallel[0].language == .en && hit.parallel[0].paragraph.number == "16.4")
        #expect(hit.parallel[0].paragraph.text.contains("strengthen the recovery and return of stolen assets"))
    }

    @Test func aChineseQueryFindsTheEnglishVersion() throws {
        let r = try search("资产追回 lang:en")
        let hit = try #require(r.hits.first)
        #expect(hit.document.language == .en && hit.citation.document == "A/RES/70/1" && hit.paragraph.number == "16.4")
        // Through its Chinese version, which holds 资产.
        guard case .version(let via, .zh)? = hit.foundThrough else { Issue.record("not found through the Chinese version"); return }
        #expect(via.number == "16.4")
    }

    @Test func withoutTranslationAChineseQueryFindsOnlyChineseText() throws {
        let plain = try search("儿童", limit: 50)
        #expect(plain.hits.allSatisfy { $0.document.language == .zh } && plain.translations.isEmpty)
        let translated = try search("儿童", limit: 50, translate: true)
        #expect(translated.translations.map(\.source) == ["儿童"])
        let english = translated.hits.filter { $0.document.language == .en }
        #expect(!english.isEmpty && english.allSatisfy { $0.foundThrough == .translation })
        #expect(english.contains { $0.paragraph.text.lowercased().contains("children") })
        // The direct Chinese ranking is kept as it was: the same paragraphs, order and scores.
        let direct = translated.hits.filter { $0.foundThrough == nil }
        #expect(direct.map(\.runID) == Array(plain.hits.map(\.runID).prefix(direct.count)))
        #expect(zip(direct, plain.hits).allSatisfy { $0.score == $1.score })
        // With a lang filter too, where a direct match could also come through its version.
        let filtered = try search("儿童 lang:zh", limit: 50, translate: true)
        let plainFiltered = try search("儿童 lang:zh", limit: 50)
        let directFiltered = filtered.hits.filter { $0.foundThrough == nil }
        #expect(directFiltered.map(\.runID) == Array(plainFiltered.hits.filter { $0.foundThrough == nil }.map(\.runID).prefix(directFiltered.count)))
    }

    @Test func whatTheQueryExcludesTheTranslationExcludesToo() throws {
        let all = try search("资产", limit: 100, translate: true)
        #expect(all.hits.contains { $0.document.language == .en && $0.paragraph.text.lowercased().contains("property") })
        let without = try search("资产 -财产", limit: 100, translate: true)
        #expect(!without.hits.contains { $0.document.language == .en && $0.paragraph.text.lowercased().contains("property") })
        // A required phrase is not translated: it could not be required in translation.
        #expect(try search("\"资产\"", limit: 10, translate: true).translations.isEmpty)
    }

    @Test func exclusionsApplyToParagraphsFoundThroughTheirVersion() throws {
        let r = try search("stolen assets lang:zh", translate: false)
        #expect(r.hits.contains { $0.paragraph.number == "16.4" })
        let excluded = try search("stolen assets -追赃 lang:zh", translate: false)
        #expect(!excluded.hits.contains { $0.paragraph.number == "16.4" })
    }

    @Test func docFilterNamesTheWantedVersion() throws {
        let r = try search("stolen assets doc:sdg-targets.zh lang:zh", translate: false)
        #expect(r.hits.map(\.paragraph.number) == ["16.4"])
        #expect(try search("stolen assets doc:A/RES/80/1 lang:zh", translate: false).hits.isEmpty)
    }

    @Test func theLibraryLinksVersionsAndAlignsParagraphs() throws {
        let library = Library(snapshot: sampleIndex)
        #expect(try library.versions(of: "A/RES/70/1", language: .en).map(\.id) == ["sdg-targets.zh"])
        #expect(try library.versions(of: "unicri-report-ccpcj27-zh").isEmpty)
        let (doc, paragraphs) = try #require(try library.document("A/RES/71/313", language: .zh))
        #expect(doc.id == "sdg-indicators.zh")
        let p = try #require(paragraphs.first { $0.number == "16.4.1" })
        let aligned = try library.parallel("A/RES/71/313", ordinal: p.ordinal, language: .zh)
        #expect(aligned.map(\.paragraph.number) == ["16.4.1"] && aligned[0].document.id == "sdg-indicators.en")
    }
}

@Suite struct LinkedVersionsTests {
    /// Two files with no symbol, linked by `translation_of` in the Chinese one's front matter.
    @Test func aTranslationOfFieldLinksVersionsWithoutASymbol() throws {
        let corpus = temporaryDirectory("linked")
        try """
        ---
        title: Annual report
        language: en
        ---

        1. The Institute recovered stolen assets.

        2. The Institute trained judges.
        """.write(toFile: corpus + "/report-en.md", atomically: true, encoding: .utf8)
        try """
        ---
        title: 年度报告
        language: zh
        translation_of: report-en
        ---

        1. 研究所追回了被盗资产。

        2. 研究所培训了法官。
        """.write(toFile: corpus + "/report-zh.md", atomically: true, encoding: .utf8)
        let dir = temporaryDirectory("linked-index")
        _ = try Indexer(directory: dir).index(paths: [corpus])
        let searcher = Searcher(snapshot: try IndexSnapshot.open(directory: dir))
        var options = SearchOptions(limit: 5)
        options.parallel = true
        options.translate = false
        let r = try searcher.search("judges lang:zh", options: options)
        #expect(r.hits.map(\.paragraph.text) == ["研究所培训了法官。"])
        #expect(r.hits.first?.parallel.map(\.paragraph.text) == ["The Institute trained judges."])
    }

    /// Whether a segment can hold versions is read from the raw records: JSON Lines records
    /// (no symbol, no link) cannot; the sample corpus (symbols) can; a link alone suffices.
    @Test func segmentsKnowWhetherTheyCanHoldVersions() throws {
        #expect(try sampleIndex.segments.contains { try $0.mayHaveVersions })
        let corpus = temporaryDirectory("no-versions")
        try #"{"id": "a", "text": "one"}\#n{"id": "b", "text": "二"}\#n"#.write(toFile: corpus + "/r.jsonl", atomically: true, encoding: .utf8)
        let dir = temporaryDirectory("no-versions-index")
        _ = try Indexer(directory: dir).index(paths: [corpus])
        #expect(try IndexSnapshot.open(directory: dir).segments.allSatisfy { try !$0.mayHaveVersions })
        try "---\nlanguage: zh\ntranslation_of: a\n---\n\n1. 一。\n".write(toFile: corpus + "/c.md", atomically: true, encoding: .utf8)
        _ = try Indexer(directory: dir).index(paths: [corpus])
        #expect(try IndexSnapshot.open(directory: dir).segments.contains { try $0.mayHaveVersions })
    }

    /// A list of names in `parallel` (YAML, or a sidecar's JSON array) links each.
    @Test func aListOfParallelNamesLinksEach() throws {
        let corpus = temporaryDirectory("linked-list")
        for (name, lang, text) in [("a-en", "en", "1. Judges were trained."), ("b-fr", "en", "1. Other text.")] {
            try "---\nlanguage: \(lang)\n---\n\n\(text)\n".write(toFile: corpus + "/\(name).md", atomically: true, encoding: .utf8)
        }
        try "---\nlanguage: zh\nparallel:\n  - a-en\n  - nothing-by-that-name\n---\n\n1. 法官接受了培训。\n"
            .write(toFile: corpus + "/c-zh.md", atomically: true, encoding: .utf8)
        try "1. 其他。\n".write(toFile: corpus + "/d-zh.txt", atomically: true, encoding: .utf8)
        try #"{"language": "zh", "translation_of": ["b-fr"]}"#.write(toFile: corpus + "/d-zh.meta.json", atomically: true, encoding: .utf8)
        let dir = temporaryDirectory("linked-list-index")
        _ = try Indexer(directory: dir).index(paths: [corpus])
        let library = Library(snapshot: try IndexSnapshot.open(directory: dir))
        #expect(try library.versions(of: "c-zh").map(\.id) == ["a-en"])
        #expect(try library.versions(of: "d-zh").map(\.id) == ["b-fr"])
        #expect(try library.parallel("d-zh", ordinal: 1).map(\.paragraph.text) == ["Other text."])
    }
}

/// `query` searched without and with ``SearchOptions/pruneByBounds``; expects the same hits
/// with the same scores, and returns both results.
func searchedBothWays(_ searcher: Searcher, _ query: String, _ options: SearchOptions,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> (all: SearchResults, pruned: SearchResults) {
    var options = options
    options.pruneByBounds = false
    let all = try searcher.search(query, options: options)
    options.pruneByBounds = true
    let pruned = try searcher.search(query, options: options)
    let context: Comment = "\(query) limit \(options.limit) offset \(options.offset) translate \(options.translate)"
    #expect(pruned.hits.map(\.runID) == all.hits.map(\.runID), context, sourceLocation: sourceLocation)
    #expect(pruned.hits.map(\.score) == all.hits.map(\.score), context, sourceLocation: sourceLocation)
    // (A translated query left out because nothing of it could enter still shows what it is,
    // and what the hits found through versions or translation are marked by.)
    #expect(pruned.translations == all.translations, context, sourceLocation: sourceLocation)
    #expect(pruned.hits.map(\.snippet) == all.hits.map(\.snippet), context, sourceLocation: sourceLocation)
    #expect(pruned.hits.map(\.highlights) == all.hits.map(\.highlights), context, sourceLocation: sourceLocation)
    return (all, pruned)
}

/// The same hits (ids, scores, ways found, snippets, highlights), total and translations.
func expectSame(_ a: SearchResults, _ b: SearchResults, _ context: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.hits.map(\.runID) == b.hits.map(\.runID), context, sourceLocation: sourceLocation)
    #expect(a.hits.map(\.score) == b.hits.map(\.score), context, sourceLocation: sourceLocation)
    #expect(a.hits.map(\.foundThrough) == b.hits.map(\.foundThrough), context, sourceLocation: sourceLocation)
    #expect(a.hits.map(\.snippet) == b.hits.map(\.snippet), context, sourceLocation: sourceLocation)
    #expect(a.hits.map(\.highlights) == b.hits.map(\.highlights), context, sourceLocation: sourceLocation)
    #expect(a.total == b.total, context, sourceLocation: sourceLocation)
    #expect(a.translations == b.translations, context, sourceLocation: sourceLocation)
    #expect(a.isPartial == b.isPartial, context, sourceLocation: sourceLocation)
}

@Suite struct CrossLanguagePruningTests {
    /// Words of the sample corpus, both languages, drawn with a seed: a Chinese bigram word
    /// or an English word, one to three to a query.
    static func queries(count: Int, seed: UInt64) throws -> [String] {
        var random = SplitMix64(state: seed)
        let segment = sampleIndex.segments[0]
        var words: [String] = []
        for local in stride(from: 0, to: segment.paragraphCount, by: 7) {
            let text = try segment.paragraph(local).text
            let utf8 = Array(text.utf8)
            for (token, kind) in Analyzer().terms(text) where kind == .word || kind == .bigram {
                let surface = String(decoding: utf8[token.byteRange], as: UTF8.self)
                if surface.count >= 2, !words.contains(surface) { words.append(surface) }
            }
        }
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...3, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }
    }

    /// The translated query ranks only what its scaling can lift into the merged top k: the
    /// same hits, scores and ways found as ranking all of it, at several depths and pages.
    @Test func pruningTheTranslatedQueryChangesNoHit() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        var translatedSome = 0
        for query in try Self.queries(count: 150, seed: 14) {
            for (limit, offset) in [(1, 0), (3, 0), (10, 0), (5, 5)] {
                var options = SearchOptions(limit: limit)
                options.offset = offset
                let (all, pruned) = try searchedBothWays(searcher, query, options)
                #expect(pruned.hits.map { $0.foundThrough == nil } == all.hits.map { $0.foundThrough == nil }, "\(query)")
                #expect(pruned.total == all.total, "\(query)")
                if all.hits.contains(where: { $0.foundThrough != nil }) { translatedSome += 1 }
                // Without the count (as `batch` runs), a translated query that cannot enter is not run.
                options.countTotal = false
                _ = try searchedBothWays(searcher, query, options)
            }
        }
        // (The comparison means something only if translated hits do enter.)
        #expect(translatedSome > 50)
    }

    /// The translated query searched on the second core, taking up its floor when the direct
    /// list is known (or stopping when nothing of it can enter), gives what the searches one
    /// after the other give: hits, scores, ways found, snippets, totals, translations.
    @Test(.enabled(if: SecondCore.availableCores() >= 2, "the second core needs two"))
    func theTranslationSearchedOnTheSecondCoreChangesNoHit() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        let lentBefore = SecondCore.lent.load(ordering: .relaxed)
        var translated = 0, entered = 0
        // (A third with a language filter: found through the versions too.)
        let queries = try Self.queries(count: 150, seed: 15).enumerated().map { $0 % 3 == 2 ? $1 + ($0 % 2 == 0 ? " lang:en" : " lang:zh") : $1 }
        for query in queries {
            for (limit, offset, count) in [(1, 0, false), (3, 0, true), (10, 0, false), (10, 0, true), (5, 5, false)] {
                var options = SearchOptions(limit: limit)
                options.offset = offset
                options.countTotal = count
                options.secondCore = false
                let alone = try searcher.search(query, options: options)
                options.secondCoreAlways = true
                let both = try searcher.search(query, options: options)
                expectSame(both, alone, "\(query) limit \(limit) offset \(offset) count \(count)")
                if !alone.translations.isEmpty { translated += 1 }
                if alone.hits.contains(where: { $0.foundThrough != nil }) { entered += 1 }
            }
        }
        // (It means something only if translated hits enter, and the core was lent each time.)
        #expect(entered > 100)
        #expect(SecondCore.lent.load(ordering: .relaxed) - lentBefore >= translated)
    }

    /// A long translated walk on the second core hands the second half of what it has left
    /// to the caller's thread (or walks it itself when that thread is not free): the hits are
    /// those of one walk. On an index of seeded random paragraphs whose lists run to many
    /// blocks, every walk split.
    @Test(.enabled(if: SecondCore.availableCores() >= 2, "the second core needs two"))
    func aTranslatedWalkSplitOverTwoThreadsChangesNoHit() throws {
        var random = SplitMix64(state: 21)
        let english = ["peace", "peaceful", "keep", "maintain", "preserve", "operation", "action", "human", "rights",
                       "climate", "change", "variation", "development", "security", "country", "the", "of", "and",
                       "nations", "people", "law", "trade", "water", "food"]
        // (The Chinese query words rare in the Chinese paragraphs: the direct lists are short,
        // and the translated walks' hits enter.)
        let chinese = ["会议", "报告", "委员会", "秘书长", "大会", "决议", "审议", "通过", "议程", "项目", "建议", "问题"]
            + Array(repeating: "", count: 60) + ["和平", "人权", "气候", "发展", "安全", "国家"]
        let dir = temporaryDirectory("split-walk")
        let writer = try DocumentWriter(directory: dir)
        for d in 0..<48 {
            let zh = d % 12 == 11
            let paragraphs = (0..<100).map { p in
                let words = (0..<Int.random(in: 3...14, using: &random)).map { _ in
                    zh ? chinese.randomElement(using: &random)! : english.randomElement(using: &random)!
                }
                let text = words.filter { !$0.isEmpty }.joined(separator: zh ? "，" : " ")
                return Paragraph(ordinal: p + 1, number: String(p + 1), headings: [], text: text.isEmpty ? "会议" : text)
            }
            try writer.put(ExtractedDocument(metadata: DocumentMetadata(id: "d\(d)", language: zh ? .zh : .en, title: "", source: ""),
                                             paragraphs: paragraphs))
        }
        try writer.commit()
        let searcher = Searcher(snapshot: try writer.snapshot())
        let offeredBefore = HelpSlot.offered.load(ordering: .relaxed)
        let helpedBefore = HelpSlot.helped.load(ordering: .relaxed)
        var entered = 0
        for query in ["维持和平行动", "人权", "气候变化", "发展 安全", "国家安全", "peace", "human rights", "climate change"] {
            for (limit, count) in [(1, false), (10, false), (10, true), (25, false)] {
                var options = SearchOptions(limit: limit)
                options.countTotal = count
                options.secondCore = false
                let alone = try searcher.search(query, options: options)
                options.secondCoreAlways = true
                options.splitPostings = 0
                options.handOffAtOnce = true
                let split = try searcher.search(query, options: options)
                expectSame(split, alone, "\(query) limit \(limit) count \(count)")
                if alone.hits.contains(where: { $0.foundThrough != nil }) { entered += 1 }
            }
        }
        #expect(entered >= 12)
        // (Each part offered walked by the caller's thread, beside the second core's part.)
        #expect(HelpSlot.offered.load(ordering: .relaxed) - offeredBefore > 10)
        #expect(HelpSlot.helped.load(ordering: .relaxed) - helpedBefore > 10)
    }

    /// The second core is there only when the process may use two: its affinity mask and its
    /// container's quota count.
    @Test func theCoresAProcessMayUseAreCounted() {
        #expect(SecondCore.availableCores(machine: 2, status: "Name:\tx\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n", quota: nil) == 2)
        #expect(SecondCore.availableCores(machine: 2, status: "Cpus_allowed:\t1\n", quota: nil) == 1)
        #expect(SecondCore.availableCores(machine: 64, status: "Cpus_allowed:\tffffffff,00000001\n", quota: nil) == 33)
        #expect(SecondCore.availableCores(machine: 8, status: nil, quota: "max 100000\n") == 8)
        #expect(SecondCore.availableCores(machine: 8, status: nil, quota: "150000 100000\n") == 1)
        #expect(SecondCore.availableCores(machine: 8, status: nil, quota: "-1\n 100000\n") == 8)
        #expect(SecondCore.availableCores(machine: 8, status: "Cpus_allowed:\tf\n", quota: "800000 100000") == 4)
    }

    /// The entries whose gloss begins with `prefix` and stems to `stems`, each gloss stemmed
    /// afresh: what ``StemmedGlosses`` must find.
    static func scan(_ stems: [String], _ prefix: [UInt8]) -> [GlossIndex.Entry] {
        let index = QueryTranslator.Tables.glosses
        return index.entries(withPrefix: prefix).filter { e in
            let gloss = String(decoding: index.table.bytes[Int(e.gloss.lowerBound)..<Int(e.gloss.upperBound)].map(GlossIndex.lower), as: UTF8.self)
            return QueryTranslator.englishWords(gloss).map(\.stem) == stems
        }
    }

    /// The gloss order stored with the table (`CEDICT+GlossOrder.swift`) is read, and is the
    /// order a sort of the entries gives, pair by pair in full; an order that is damaged (a
    /// digit out of range, two entries swapped, a gloss's start moved, a group's bound moved,
    /// digits missing) is not taken, and the entries sorted here are the same.
    @Test func theStoredGlossOrderIsTheOrderASortGives() throws {
        let words = QueryTranslator.Tables.words
        let sorted = GlossIndex(words, order: nil)
        #expect(sorted.allEntries.count == Int(cedictGlossGroupStarts[256]))
        #expect(!sorted.tookStoredOrder)
        let stored = GlossIndex(words)
        let same = stored.allEntries == sorted.allEntries
        #expect(same)
        #expect(stored.tookStoredOrder)

        let digits = GlossIndex.storedDigits, starts = cedictGlossGroupStarts, perLine = cedictGlossesPerLine
        // (Entry i's four digits.)
        let at = { (i: Int) in i / perLine * (perLine * 4 + 1) + i % perLine * 4 }
        var outOfRange = digits
        outOfRange[at(7) + 1] = UInt8(ascii: "~")
        var swapped = digits
        swapped.replaceSubrange(at(100)..<at(100) + 4, with: digits[at(101)..<at(101) + 4])
        swapped.replaceSubrange(at(101)..<at(101) + 4, with: digits[at(100)..<at(100) + 4])
        var moved = digits
        moved[at(200) + 3] = moved[at(200) + 3] == 0x6F ? 0x6E : moved[at(200) + 3] + 1
        var bounds = starts
        let a = Int(UInt8(ascii: "a"))
        bounds[a + 1] -= 1
        let damaged: [(String, [UInt8], [Int32])] = [("out of range", outOfRange, starts), ("swapped", swapped, starts),
                                                     ("moved", moved, starts), ("bounds", digits, bounds),
                                                     ("short", Array(digits.dropLast(4)), starts)]
        for (name, digits, starts) in damaged {
            let index = GlossIndex(words, order: (digits, starts, perLine))
            let same = index.allEntries == sorted.allEntries   // (not printed whole when not)
            #expect(same, "\(name)")
            #expect(!index.tookStoredOrder, "\(name)")
        }
    }

    /// Gloss groups read ahead, on another thread while queries ask for groups (as `batch`
    /// reads them on its other core), find for each word what an index sorted here finds.
    /// (Fresh indexes: other tests read the shared one.)
    @Test func glossGroupsReadAheadFindWhatASortedIndexFinds() throws {
        let words = ["recovery", "asset", "peace", "development", "women", "climate", "water", "zone", "human rights"]
        let prefixes = words.map { QueryTranslator.glossPrefix(ofStem: QueryTranslator.englishWords($0)[0].stem) }
        let sorted = GlossIndex(QueryTranslator.Tables.words, order: nil)
        let expected = prefixes.map { Array(sorted.entries(withPrefix: $0)) }
        #expect(expected.map(\.count).reduce(0, +) > 100)

        let ahead = GlossIndex(QueryTranslator.Tables.words)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            ahead.readAllGroups()
            done.signal()
        }
        // Meanwhile the same words, asked as queries ask: each group read by whichever thread
        // gets to it first, the first copy read kept.
        for _ in 0..<3 {
            for (word, (prefix, entries)) in zip(words, zip(prefixes, expected)) {
                #expect(Array(ahead.entries(withPrefix: prefix)) == entries, "\(word)")
            }
        }
        done.wait()
        #expect(ahead.tookStoredOrder)
        let same = ahead.allEntries == sorted.allEntries
        #expect(same)
    }

    /// The entries as one pass over the table's bytes enumerates them are those read line by
    /// line through the table's own reader (`DictionaryTable.line(_:)`), in the same order.
    @Test func theGlossEntriesAreTheTablesLinesRead() throws {
        let table = QueryTranslator.Tables.words
        let bytes = table.bytes
        var expected: [GlossIndex.Entry] = []
        for k in table.starts.indices {
            let l = table.line(k)
            let characters = bytes[l.word].filter { $0 & 0xC0 != 0x80 }.count
            guard (2...4).contains(characters) else { continue }
            var start = l.glosses.lowerBound
            for (position, gloss) in bytes[l.glosses].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).enumerated() {
                defer { start += gloss.count + 1 }
                guard gloss.filter({ $0 == 0x20 }).count < 3 else { continue }
                let head = (0..<8).reduce(UInt64(0)) { h, j in h << 8 | UInt64(j < gloss.count ? GlossIndex.lower(bytes[start + j]) : 0) }
                let rank = (position * 4 + (characters == 2 ? 0 : 1)) * 10000 + max(0, 9999 - l.compounds)
                expected.append(GlossIndex.Entry(head: head, gloss: Int32(start)..<Int32(start + gloss.count),
                                                 word: Int32(l.word.lowerBound)..<Int32(l.word.upperBound), rank: Int32(rank)))
            }
        }
        var found: [GlossIndex.Entry] = []
        bytes.withUnsafeBufferPointer { GlossIndex.enumerate($0, into: &found) }
        #expect(found.count > 100_000)
        #expect(found == expected)
    }

    /// English words find their Chinese words through the stemmed glosses as a scan of every
    /// gloss that begins like the word, stemmed, finds them.
    @Test func stemmedGlossesFindWhatAScanFinds() throws {
        var checked = 0
        for query in try Self.queries(count: 400, seed: 15) {
            for word in QueryTranslator.englishWords(query) {
                let stems = [word.stem]
                let prefix = QueryTranslator.glossPrefix(ofStem: word.stem)
                #expect(QueryTranslator.Tables.stemmedGlosses.entries(stemmingTo: stems, prefix: prefix) == Self.scan(stems, prefix),
                        "\(word.surface)")
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    /// The stems kept per gloss give the same entries whether a gloss was stemmed for an
    /// earlier word (one that begins like it) or for this one (a fresh copy, so that what
    /// other tests stemmed does not count).
    @Test func glossesStemmedOnceFindWhatAScanFinds() throws {
        // Longer prefixes first: a shorter one then finds some of its glosses stemmed and not
        // others (`recovery` before `rec`).
        let words = ["recovery", "recover", "recov", "rec", "development", "develop", "sustainable development", "human rights",
                     "peacekeeping", "peace", "assets", "asset", "women", "un"]
            + (try Self.queries(count: 100, seed: 16)).flatMap { QueryTranslator.englishWords($0).map(\.surface) }
        let asked = words.map { text -> ([String], [UInt8]) in
            let stems = QueryTranslator.englishWords(text).map(\.stem)
            precondition(!stems.isEmpty, text)
            return (stems, QueryTranslator.glossPrefix(ofStem: stems[0]))
        }
        let onNeed = StemmedGlosses(QueryTranslator.Tables.glosses)
        var found = 0
        for (stems, prefix) in asked {
            let expected = Self.scan(stems, prefix)
            found += expected.count
            #expect(onNeed.entries(stemmingTo: stems, prefix: prefix) == expected, "\(stems)")
        }
        // Asked again, from what was kept: nothing is stemmed twice.
        let stemmed = onNeed.stemmedCount
        for (stems, prefix) in asked.reversed() {
            #expect(onNeed.entries(stemmingTo: stems, prefix: prefix) == Self.scan(stems, prefix), "\(stems)")
        }
        #expect(onNeed.stemmedCount == stemmed)
        #expect(stemmed > 100)
        #expect(found > 20)
    }

    /// The Chinese words of stems, kept once worked out, are what working them out gives,
    /// whichever stems were asked before (stems that share their first one, or are a prefix of
    /// others', included).
    @Test func keptChineseWordsAreWhatFindingThemGives() throws {
        let texts = ["human rights", "human", "rights human", "human rights council", "asset recovery", "asset",
                     "sustainable development", "development sustainable", "peace", "peacekeeping", "peace keeping"]
            + (try Self.queries(count: 60, seed: 23))
        let asked = texts.map { QueryTranslator.englishWords($0).map(\.stem) }.filter { !$0.isEmpty }
        var nonEmpty = 0
        for pass in 0..<2 {
            for stems in asked {
                let kept = QueryTranslator.chineseWords(glossedAs: stems)
                #expect(kept == QueryTranslator.findChineseWords(glossedAs: stems), "pass \(pass): \(stems)")
                if pass == 0 && !kept.isEmpty { nonEmpty += 1 }
            }
        }
        #expect(nonEmpty > 20)
    }

    /// The gloss index's groups, each read when first asked for, are the whole index sorted
    /// at once (as it was made before: by gloss in lower case, then rank, then dictionary
    /// order; compared here as strings), cut at each first byte; and a prefix finds what a
    /// scan of every gloss finds.
    @Test func glossGroupsAreTheIndexSortedWhole() throws {
        let index = QueryTranslator.Tables.glosses
        let all = index.allEntries
        let bytes = index.table.bytes
        let key = { (e: GlossIndex.Entry) in bytes[Int(e.gloss.lowerBound)..<Int(e.gloss.upperBound)].map(GlossIndex.lower) }
        let whole = all.sorted { a, b in
            let x = key(a), y = key(b)
            if x != y { return x.lexicographicallyPrecedes(y) }
            return (a.rank, a.gloss.lowerBound) < (b.rank, b.gloss.lowerBound)
        }
        let groups = (0...255).flatMap { index.group(UInt8($0)) }
        #expect(all.count > 100_000)
        #expect(groups == whole)
        for prefix in ["h", "human", "human rights", "rec", "zz", "x-ray", "the "] {
            let p = Array(prefix.utf8)
            let found = Array(index.entries(withPrefix: p))
            #expect(found == whole.filter { key($0).starts(with: p) }, "\(prefix)")
            #expect(found.count > 0 || prefix == "zz", "\(prefix)")
        }
    }
}

@Suite struct RerankPruningTests {
    /// A run of three to six Han characters cut from one of the text's runs, if it has one.
    static func chineseRun(in text: String, using random: inout SplitMix64) -> String? {
        let chinese = text.split { !("\u{4E00}"..."\u{9FFF}").contains($0) }.filter { $0.count >= 3 }
        guard let piece = chinese.randomElement(using: &random) else { return nil }
        let chars = Array(piece)
        let length = Int.random(in: 3...min(6, chars.count), using: &random)
        let start = Int.random(in: 0...(chars.count - length), using: &random)
        return String(chars[start..<(start + length)])
    }

    /// Queries that earn the proximity bonus without tiers: two Chinese runs of three to six
    /// characters, or an English phrase of two or three neighbouring words with a word more,
    /// cut from the sample corpus with a seed.
    static func queries(count: Int, seed: UInt64) throws -> [String] {
        var random = SplitMix64(state: seed)
        let segment = sampleIndex.segments[0]
        var runs: [String] = [], phrases: [String] = []
        for local in stride(from: 0, to: segment.paragraphCount, by: 5) {
            let text = try segment.paragraph(local).text
            if let run = Self.chineseRun(in: text, using: &random) { runs.append(run) }
            let words = text.split { !$0.isLetter || !$0.isASCII }.map(String.init).filter { $0.count > 3 }
            if words.count >= 3 {
                let start = Int.random(in: 0...(words.count - 3), using: &random)
                phrases.append(words[start..<(start + Int.random(in: 2...3, using: &random))].joined(separator: " "))
            }
        }
        return (0..<count).map { i in
            i % 2 == 0 ? runs.randomElement(using: &random)! + " " + runs.randomElement(using: &random)!
                : "\"\(phrases.randomElement(using: &random)!)\" " + phrases.randomElement(using: &random)!.split(separator: " ")[0]
        }
    }

    /// Retrieving only the candidates the bonus can lift into the top k gives the hits and
    /// scores that reranking all `rerankDepth` candidates gives.
    @Test func boundedRerankChangesNoHit() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        var compared = 0
        for query in try Self.queries(count: 200, seed: 16) {
            for (limit, translate) in [(1, false), (10, false), (10, true), (25, false)] {
                var options = SearchOptions(limit: limit)
                options.translate = translate
                let (all, _) = try searchedBothWays(searcher, query, options)
                if all.hits.count == limit { compared += 1 }
            }
        }
        #expect(compared > 300)
    }

    /// `query` searched as ranked phrase first (untranslated) and by the oracle (no pruning, a
    /// rerank depth past the corpus: every candidate reranked with tiers); expects the same
    /// hits in the same order and the same total, and returns both results.
    static func searchedAgainstTheTieringOracle(_ searcher: Searcher, _ query: String, limit: Int, offset: Int = 0,
                                                sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (fast: SearchResults, all: SearchResults) {
        var options = SearchOptions(limit: limit)
        options.offset = offset
        options.translate = false
        let fast = try searcher.search(query, options: options)
        options.pruneByBounds = false
        options.rerankDepth = 1_000_000
        let all = try searcher.search(query, options: options)
        let context: Comment = "\(query) limit \(limit) offset \(offset)"
        #expect(fast.hits.map(\.runID) == all.hits.map(\.runID), context, sourceLocation: sourceLocation)
        #expect(fast.total == all.total, context, sourceLocation: sourceLocation)
        return (fast, all)
    }

    /// A query of one Chinese run or one compound word ranks every paragraph that holds it
    /// whole first, as reranking all candidates with tiers does (the oracle: no pruning, a
    /// rerank depth past the corpus), though only those that can enter the top k are read.
    @Test func wholeFirstRanksAsTieringEveryCandidate() throws {
        var random = SplitMix64(state: 17)
        let segment = sampleIndex.segments[0]
        var queries: [String] = []
        for local in stride(from: 0, to: segment.paragraphCount, by: 9) {
            let text = try segment.paragraph(local).text
            if let run = Self.chineseRun(in: text, using: &random) { queries.append(run) }
            queries += text.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
                .filter { $0.contains("-") && $0.count > 5 && $0.allSatisfy { $0.isASCII } }.prefix(1)
        }
        let searcher = Searcher(snapshot: sampleIndex)
        var filled = 0, compounds = 0
        for query in queries {
            if query.contains("-") { compounds += 1 }
            for limit in [1, 10, 30] {
                let (fast, _) = try Self.searchedAgainstTheTieringOracle(searcher, query, limit: limit)
                if fast.hits.count == limit { filled += 1 }
            }
        }
        #expect(filled > 100 && compounds > 5)
        // Whatever the rerank depth (3, 100 or 1,000), the hits and their scores are the same
        // (the paragraphs holding the run are ranked in one walk, to the last that could
        // enter), and so is what the translated query adds to them.
        // (Those read as one run or compound: a compound of three words also earns its pairs'
        // bonus, and its tiers stay those of the best `rerankDepth`.)
        for query in try queries.filter({ QueryPlan(try Query(parsing: $0)).proximity.count == 1 }).prefix(80) {
            var options = SearchOptions(limit: 10)
            var answers: [[String]] = [], scores: [[Double]] = []
            for depth in [3, 100, 1000] {
                options.rerankDepth = depth
                let r = try searcher.search(query, options: options)
                answers.append(r.hits.map(\.runID))
                scores.append(r.hits.map(\.score))
            }
            #expect(answers.allSatisfy { $0 == answers[0] } && scores.allSatisfy { $0 == scores[0] }, "\(query)")
        }
    }

    /// Ties at the last place (forty paragraphs of one text holding the run once), a run of one
    /// bigram repeated (`哈哈哈`, whose occurrences overlap), two segments, and pages past the
    /// first: phrase first gives the oracle's hits (no pruning, every candidate reranked with
    /// tiers), in its order, and its total.
    @Test func wholeFirstWithTiesRepeatedBigramsAndPages() throws {
        let dir = temporaryDirectory("whole-first-ties")
        var texts: [String] = (0..<40).map { _ in "会议讨论核安全问题" }
        texts += (0..<3).map { "核安全与核安全标准\($0)" }
        texts += (0..<20).map { "核安问题与安全\($0)" }
        texts += ["哈哈哈哈大笑", "哈哈哈", "哈哈一笑哈哈", "他说哈哈哈然后哈哈哈哈", "哈哈"]
        texts += (0..<30).map { "哈哈哈的笑声\($0 % 3)" }
        for half in [texts.prefix(texts.count / 2), texts.suffix(from: texts.count / 2)] {
            let writer = try IndexWriter(directory: dir)
            for (i, text) in zip(half.indices, half) { try addOneParagraphDocument(i, .zh, text, to: writer) }
            try writer.commit()
            writer.close()
        }
        let snapshot = try IndexSnapshot.open(directory: dir)
        #expect(snapshot.segments.count == 2)
        let searcher = Searcher(snapshot: snapshot)
        for query in ["核安全", "哈哈哈"] {
            for (limit, offset) in [(1, 0), (10, 0), (10, 10), (7, 36), (60, 0)] {
                let (fast, all) = try Self.searchedAgainstTheTieringOracle(searcher, query, limit: limit, offset: offset)
                #expect(fast.hits.count == min(limit, max(0, all.total - offset)), "\(query) limit \(limit) offset \(offset)")
            }
        }
        // The three paragraphs holding the run twice first, then the forty ties in the order of
        // their paragraphs.
        let top = try searcher.search("核安全", options: SearchOptions(limit: 10)).hits.map(\.paragraph.text)
        #expect(top.prefix(3).allSatisfy { $0.hasPrefix("核安全与核安全") } && top.dropFirst(3).allSatisfy { $0 == "会议讨论核安全问题" })
    }

    /// The bound itself: a run's bonus is charged to its bigrams, a pair's to its last
    /// scoring word, and a term in two sequences carries both.
    @Test func theBonusBoundChargesEachSequenceToItsTerms() throws {
        #expect(QueryPlan(try Query(parsing: "资产追回 国际合作")).bonusBound == 1)
        #expect(QueryPlan(try Query(parsing: "\"asset recovery\" cooperation")).bonusBound == 1)
        // `recovery` ends two pairs.
        #expect(QueryPlan(try Query(parsing: "\"asset recovery\" \"stolen recovery\"")).bonusBound == 1)
        #expect(QueryPlan(try Query(parsing: "\"recovery of assets and recovery\"")).bonusBound.map { $0 <= 1 } == true)
        // 谢谢 three times: charged three times, and it weighs three times.
        #expect(QueryPlan(try Query(parsing: "谢谢谢谢")).bonusBound == 1)
        #expect(QueryPlan(try Query(parsing: "谢谢谢谢 谢谢")).bonusBound == 0.75)
    }
}

@Suite struct LanguageFilterTests {
    /// 640 one-paragraph documents, Chinese and English by turns, each holding `资产` or
    /// `asset` and, one in 80, `追回` or `recovery` too; one in 40 holds `2030`.
    static func index() throws -> String {
        let dir = temporaryDirectory("language-filter")
        let writer = try IndexWriter(directory: dir)
        for i in 0..<640 {
            let zh = i % 2 == 0
            var text = zh ? "资产管理" + (i % 80 == 0 ? "和资产追回" : "") : "asset management" + (i % 80 == 1 ? " and asset recovery" : "")
            // A number in both languages: the filter must turn the English ones away.
            if i % 80 == 2 || i % 80 == 3 { text += " 2030" }
            try addOneParagraphDocument(i, zh ? .zh : .en, text, to: writer)
        }
        try writer.commit()
        writer.close()
        return dir
    }

    /// Rewrites a committed index as version 4 wrote it: every file's header says 4, the
    /// lengths files lose the documents' languages (so they are read from the records), and
    /// the checksums are made again.
    static func rewriteAsVersion4(_ dir: String) throws {
        let documents: [String: Int] = try {
            let snapshot = try IndexSnapshot.open(directory: dir)
            return Dictionary(uniqueKeysWithValues: snapshot.segments.map { ($0.name + ".norms", $0.documentCount) })
        }()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let url = URL(fileURLWithPath: dir + "/" + name)
            var bytes = [UInt8](try Data(contentsOf: url))
            guard bytes.count >= 24, bytes[0..<8].elementsEqual("PARASRCH".utf8) else { continue }
            bytes.removeLast(8)
            if let count = documents[name] { bytes.removeLast(count) }
            bytes[12] = 4
            let crc = CRC32.checksum(bytes)
            bytes += withUnsafeBytes(of: crc.littleEndian) { Array($0) } + Array("PEND".utf8)
            try Data(bytes).write(to: url)
        }
    }

    /// Prepared in the background (as `batch` does), the table is made without a search
    /// asking for it, holds every document's language as the records say, and searches give
    /// the same hits, scores and totals whether they run before it is there or after.
    @Test func theTableMadeInTheBackgroundAgreesWithTheRecords() throws {
        let dir = try Self.index()
        try Self.rewriteAsVersion4(dir)
        var options = SearchOptions(limit: 10)
        options.translate = false
        let queries = ["追回 lang:zh", "recovery lang:en", "2030 lang:zh", "资产 asset lang:zh"]
        let plain = Searcher(snapshot: try IndexSnapshot.open(directory: dir))
        let expected = try queries.map { try plain.search($0, options: options) }

        let snapshot = try IndexSnapshot.open(directory: dir)
        let searcher = Searcher(snapshot: snapshot)
        #expect(snapshot.segments.allSatisfy { $0.madeDocumentLanguageCodes == nil })
        searcher.prepareInBackground(translating: false)
        // (Meanwhile only the queries of few candidates, which read their records and never
        // make the table themselves: the table checked below is the background's.)
        let during = try queries.prefix(3).map { try searcher.search($0, options: options) }
        var waited = 0
        while !snapshot.segments.allSatisfy({ $0.madeDocumentLanguageCodes != nil }) && waited < 10_000 {
            usleep(1_000)
            waited += 1
        }
        let made = snapshot.segments.map(\.madeDocumentLanguageCodes)
        #expect(made.allSatisfy { $0 != nil })
        for (segment, codes) in zip(snapshot.segments, made) {
            let languages = try segment.documents.map { Language.code(of: $0.metadata.language) }
            #expect(codes == languages)
        }
        let after = try queries.map { try searcher.search($0, options: options) }
        for (i, q) in queries.enumerated() {
            var results = [after[i]]
            if i < during.count { results.append(during[i]) }
            for r in results {
                #expect(r.hits.map(\.runID) == expected[i].hits.map(\.runID), "\(q)")
                #expect(r.hits.map(\.score) == expected[i].hits.map(\.score), "\(q)")
                #expect(r.total == expected[i].total, "\(q)")
            }
        }
    }

    /// A query that filters few candidates by language reads their records, not the whole
    /// per-document table; one that checks more than an eighth of the documents makes the
    /// table. Either way the hits, scores and totals are those of the table.
    @Test func fewCandidatesReadTheirRecordsAndManyMakeTheTable() throws {
        let written = try Self.index()
        let dir = try Self.index()
        try Self.rewriteAsVersion4(dir)
        var options = SearchOptions(limit: 10)
        options.translate = false
        let queries = ["追回 lang:zh", "recovery lang:en", "2030 lang:zh", "资产 lang:zh", "asset lang:en", "资产 asset lang:zh"]

        // Read from the records: the rare terms, 8 to 16 candidates each of 640 documents.
        let lazy = try IndexSnapshot.open(directory: dir)
        let lazySearcher = Searcher(snapshot: lazy)
        var fromRecords: [SearchResults] = []
        for q in queries.prefix(3) { fromRecords.append(try lazySearcher.search(q, options: options)) }
        #expect(lazy.segments.allSatisfy { $0.madeDocumentLanguageCodes == nil })
        #expect(fromRecords[2].hits.count == 8 && fromRecords[2].hits.allSatisfy { $0.document.language == .zh })
        // Every document of a language: past an eighth, the table is made.
        for q in queries.dropFirst(3) { fromRecords.append(try lazySearcher.search(q, options: options)) }
        #expect(lazy.segments.allSatisfy { $0.madeDocumentLanguageCodes != nil })

        let made = try IndexSnapshot.open(directory: dir)
        for segment in made.segments { _ = try segment.documentLanguageCodes }
        // The table the index writes (version 5) from the start: the same again.
        let writtenIndex = try IndexSnapshot.open(directory: written)
        #expect(writtenIndex.segments.allSatisfy { $0.madeDocumentLanguageCodes != nil })
        for (q, expected) in zip(queries, fromRecords) {
          for searcher in [Searcher(snapshot: made), Searcher(snapshot: writtenIndex)] {
            let r = try searcher.search(q, options: options)
            #expect(r.hits.map(\.runID) == expected.hits.map(\.runID), "\(q)")
            #expect(r.hits.map(\.score) == expected.hits.map(\.score), "\(q)")
            #expect(r.total == expected.total, "\(q)")
            let wanted: Language = q.hasSuffix("zh") ? .zh : .en
            #expect(!r.hits.isEmpty && r.hits.allSatisfy { $0.document.language == wanted }, "\(q)")
          }
        }
        #expect(fromRecords.map(\.total) == [8, 8, 8, 320, 320, 320])
    }
}

@Suite struct CommonGlossWordsTests {
    /// One Chinese paragraph on evacuating; in English, 200 paragraphs holding `from` and 100
    /// holding `evacuate` (each in far more than 1 % of the paragraphs), and one that holds
    /// `withdraw`. Written in two commits, so that the words' paragraphs are counted across
    /// two segments (`withdraw` and half of the others in the second).
    static func index() throws -> String {
        let dir = temporaryDirectory("common-gloss-words")
        var texts: [(Language, String)] = [(.zh, "居民已经撤离海岸，撤侨工作完成")]
        texts += (0..<200).map { (.en, "the delegation came from the capital \($0)") }
        texts += (0..<100).map { (.en, "residents evacuate quickly \($0)") }
        texts.append((.en, "residents evacuate from the coast"))
        // 联合国 (United Nations) whole once; its first bigram, 联合, common.
        texts += (0..<5).map { (.zh, "联合会议\($0)") } + [(.zh, "联合国大会")]
        texts.append((.en, "the troops withdraw to the border"))
        for half in [texts.prefix(texts.count / 2), texts.suffix(from: texts.count / 2)] {
            let writer = try IndexWriter(directory: dir)
            for (i, (language, text)) in zip(half.indices, half) { try addOneParagraphDocument(i, language, text, to: writer) }
            try writer.commit()
            writer.close()
        }
        return dir
    }

    /// 撤离 translates to `withdraw from` and `evacuate`: `from`, common and part of a longer
    /// gloss, is left out, so a paragraph holding only `from` is no match; `evacuate`, as
    /// common but a gloss of its own, stays.
    @Test func aCommonWordOfALongerGlossFindsNothingByItself() throws {
        let snapshot = try IndexSnapshot.open(directory: try Self.index())
        #expect(snapshot.segments.count == 2)
        let searcher = Searcher(snapshot: snapshot)
        #expect(QueryTranslator.chineseToEnglish("撤离").first?.targets.contains("withdraw from") == true)
        var options = SearchOptions(limit: 400)
        let trimmed = try searcher.search("撤离", options: options)
        let english = trimmed.hits.filter { $0.document.language == .en }.map(\.paragraph.text)
        #expect(english.count == 102)
        #expect(english.allSatisfy { $0.contains("withdraw") || $0.contains("evacuate") })
        #expect(english.contains("the troops withdraw to the border"))
        // What the hits say was matched is what was searched for.
        let fromTheCoast = try #require(trimmed.hits.first { $0.paragraph.text == "residents evacuate from the coast" })
        #expect(fromTheCoast.matches.map(\.term) == ["evacuate"])

        options.commonGlossWords = 0
        let whole = try searcher.search("撤离", options: options)
        let all = whole.hits.filter { $0.document.language == .en }.map(\.paragraph.text)
        #expect(all.count == 302)
        #expect(all.contains { $0.contains("from") })
        #expect(whole.hits.contains { hit in hit.matches.contains { $0.term == "from" } })
        #expect(whole.total > trimmed.total)
    }

    /// Into Chinese nothing is left out: a translation's Chinese word is searched as all its
    /// bigrams, the common `联合` of `联合国` too.
    @Test func aQueryTranslatedIntoChineseIsAsBefore() throws {
        let searcher = Searcher(snapshot: try IndexSnapshot.open(directory: try Self.index()))
        var options = SearchOptions(limit: 20)
        let a = try searcher.search("United Nations", options: options)
        options.commonGlossWords = 0
        let b = try searcher.search("United Nations", options: options)
        #expect(a.translations.first?.targets.first == "联合国")
        #expect(a.hits.contains { $0.paragraph.text == "联合会议0" })
        #expect(a.hits.map(\.runID) == b.hits.map(\.runID) && a.hits.map(\.score) == b.hits.map(\.score))
    }

    /// A gloss's meaning found from its bytes is the meaning found word by word, for every gloss
    /// of the dictionary, every Chinese word, and made-up glosses: notation in other cases,
    /// inside punctuation, at either end, beside other scripts, extra spaces.
    @Test func glossesWithoutNotationAreFoundFromTheirBytes() {
        let table = QueryTranslator.Tables.words
        var glosses = 0, notated = 0
        for k in table.starts.indices {
            let l = table.line(k)
            for gloss in table.bytes[l.glosses].split(separator: UInt8(ascii: "|")) {
                let text = String(decoding: gloss, as: UTF8.self)
                let meaning = QueryTranslator.meaning(ofGloss: text)
                glosses += 1
                if meaning != text { notated += 1 }
                if meaning != QueryTranslator.meaningOfNotatedGloss(text) { Issue.record("\(text)"); return }
            }
        }
        #expect(glosses > 100_000 && notated > 1_000)
        for k in table.starts.indices {
            let word = String(decoding: table.bytes[table.line(k).word], as: UTF8.self)
            #expect(QueryTranslator.meaning(ofGloss: word) == word)
        }
        let pieces = ["sb", "SB's", "sth", "Sth's", "one's", "oneself", "lit", "Fig", "(sth)", "sb,", "'sb'", "fig.",
                      "-lit-", "sbx", "stH", "ones", "one", "someone", "literal", "figure", "a", "to", "the", "by",
                      "\\", "$", "é", "ſb", "\u{212A}", "_", "{lit}", "#", "@", "联合国", "，", "\u{301}", "İt", "ＳＢ"]
        var random = SplitMix64(state: 41)
        for _ in 0..<20_000 {
            let count = Int(random.next() % 4) + 1
            var text = ""
            for w in 0..<count {
                if w > 0 || random.next() % 4 == 0 { text += random.next() % 5 == 0 ? "  " : " " }
                text += pieces[Int(random.next() % UInt64(pieces.count))]
            }
            if random.next() % 6 == 0 { text += " " }
            #expect(QueryTranslator.meaning(ofGloss: text) == QueryTranslator.meaningOfNotatedGloss(text), "\(text)")
        }
    }

    @Test func theDictionarysNotationIsNoWordToSearchFor() {
        #expect(QueryTranslator.meaning(ofGloss: "split sth into two") == "split into two")
        #expect(QueryTranslator.meaning(ofGloss: "cling to one's course") == "cling to course")
        #expect(QueryTranslator.meaning(ofGloss: "fig casual acquaintance") == "casual acquaintance")
        // A mark of sense only opens a gloss; elsewhere it is a word.
        #expect(QueryTranslator.meaning(ofGloss: "fig leaf") == "leaf")
        #expect(QueryTranslator.meaning(ofGloss: "brightly lit") == "brightly lit")
        #expect(QueryTranslator.meaning(ofGloss: "bo fig tree") == "bo fig tree")
        // A gloss that would keep stop words only is its meaning as it is.
        #expect(QueryTranslator.meaning(ofGloss: "oneself") == "oneself")
        #expect(QueryTranslator.meaning(ofGloss: "by oneself") == "by oneself")
        #expect(QueryTranslator.meaning(ofGloss: "someone else") == "someone else")
        // And the translated query searches the meaning.
        let plan = QueryPlan(translating: QueryPlan(Query(text: ["劈开"])), [Translation(source: "劈开", targets: ["split sth into two", "cleave"])], weight: 0.5)
        let words = plan.terms.flatMap { $0.alternatives.isEmpty ? [$0.bytes] : $0.alternatives }.map { String(decoding: $0, as: UTF8.self) }
        #expect(words.contains("split") && words.contains("cleav") && !words.contains("sth"))
        // And what a query excludes in translation, too.
        let excluding = QueryPlan(translating: QueryPlan(Query(text: ["劈开"])), [], excluding: [Translation(source: "劈开", targets: ["split sth into two"])], weight: 0.5)
        let excluded = excluding.exclusions.map { $0.terms.map { String(decoding: excluding.terms[$0.index].bytes, as: UTF8.self) } }
        #expect(excluded == [["split", "into", "two"]])
    }
}
