import Foundation
import Testing
import ParaTestSupport
@testable import ParaSearch
import ParaExtraction
import ParaAnalysis
@testable import ParaIndex

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sample corpus, indexed once for this suite.
let sampleIndex: IndexSnapshot = {
    let dir = temporaryDirectory("sample")
    let corpus = repositoryRoot.appendingPathComponent("Corpus").path
    _ = try! Indexer(directory: dir).index(paths: [corpus])
    return try! IndexSnapshot.open(directory: dir)
}()

/// A search in the query's own language (no dictionary translation), as these tests of
/// matching semantics need; the cross-language tests turn it on.
func search(_ q: String, limit: Int = 10, translate: Bool = false, parallel: Bool = false) throws -> SearchResults {
    var options = SearchOptions(limit: limit)
    options.translate = translate
    options.parallel = parallel
    return try Searcher(snapshot: sampleIndex).search(q, options: options)
}

@Suite struct SampleCorpusTests {
    @Test func assetRecoveryFindsParagraphs54To57First() throws {
        let r = try search("资产追回")
        #expect(Set(r.hits.prefix(4).map { $0.paragraph.number }) == ["54", "55", "56", "57"])
        // The three with the phrase itself outrank ¶55, which has 资产 and 追回 apart.
        #expect(Set(r.hits.prefix(3).map { $0.paragraph.number }) == ["54", "56", "57"])
        #expect(r.hits[3].paragraph.number == "55")
        let first = r.hits[0]
        #expect(first.citation.description == "unicri-report-ccpcj27-zh ¶54 — 三. 犯罪和司法 › A. 阿拉伯之春国家资产追回试点项目")
        #expect(first.document.symbol == nil)
        #expect(first.document.source.hasSuffix("Corpus/unicri-report-ccpcj27-zh.txt"))
        // Highlights cover exactly the query's characters in the snippet.
        let scalars = Array(first.snippet.unicodeScalars)
        let marked = first.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
        #expect(marked.contains("资产追回"))
        #expect(marked.allSatisfy { ["资产追回", "资产", "追回"].contains($0) })
    }

    @Test func traditionalAndFullWidthQueriesFindSimplifiedAndHalfWidthText() throws {
        #expect(try search("資產追回").hits.map(\.runID) == search("资产追回").hits.map(\.runID))
        let litmas = try search("ＬＩＴＭＡＳ")
        #expect(!litmas.hits.isEmpty)
        #expect(litmas.hits.map(\.runID) == (try search("LITMAS").hits.map(\.runID)))
        #expect(litmas.hits.allSatisfy { $0.paragraph.text.contains("LITMAS") })
    }

    @Test func aSingleHanCharacterFindsItInsideLongerRuns() throws {
        let r = try search("核", limit: 100)
        let expected = sampleIndex.segments.flatMap { s in
            (0..<s.paragraphCount).compactMap { i in (try? s.paragraph(i)).flatMap { $0.text.contains("核") ? $0 : nil } }
        }
        #expect(r.total == expected.count)
        #expect(r.total >= 5)
        for hit in r.hits {
            #expect(hit.paragraph.text.contains("核"))
            let scalars = Array(hit.snippet.unicodeScalars)
            #expect(hit.highlights.allSatisfy { String(String.UnicodeScalarView(scalars[$0])) == "核" })
        }
    }

    @Test func quotedPhrasesMatchExactlyByPosition() throws {
        let phrase = try search("\"资产追回\"", limit: 50)
        #expect(Set(phrase.hits.compactMap { $0.paragraph.number }) == ["54", "56", "57"])
        let en = try search("\"right to development\"", limit: 50)
        #expect(en.total > 0)
        #expect(en.hits.allSatisfy { $0.paragraph.text.lowercased().contains("right to development") })
        // The words apart do not match the phrase.
        let apart = try search("\"development right\"", limit: 50)
        #expect(apart.hits.allSatisfy { $0.paragraph.text.lowercased().contains("development right") })
    }

    @Test func exclusionAndFilters() throws {
        let r = try search("资产追回 -利比亚")
        #expect(Set(r.hits.compactMap(\.paragraph.number)) == ["55", "56", "16.4"])
        // No Chinese paragraph holds the word; those found are the Chinese versions of English
        // paragraphs that do.
        let zh = try search("development lang:zh", limit: 50)
        #expect(!zh.hits.isEmpty && zh.hits.allSatisfy { hit in
            guard case .version(_, .en)? = hit.foundThrough else { return false }
            return hit.document.language == .zh
                && (hit.document.symbols.contains("A/RES/70/1") || hit.document.symbols.contains("A/RES/71/313"))
        })
        var plain = SearchOptions(limit: 50)
        plain.translate = false
        plain.throughVersions = false
        #expect(try Searcher(snapshot: sampleIndex).search("development lang:zh", options: plain).hits.isEmpty)
        let en = try search("development lang:en", limit: 50)
        #expect(!en.hits.isEmpty && en.hits.allSatisfy { $0.document.language == .en })
        let one = try search("development doc:A/RES/80/1", limit: 50)
        #expect(one.hits.allSatisfy { $0.document.symbol == "A/RES/80/1" })
        let byID = try search("State of Palestine doc:A_RES_80_1", limit: 50)
        #expect(!byID.hits.isEmpty && byID.hits.allSatisfy { $0.document.id == "A_RES_80_1" })
        #expect(throws: ParaError.self) { try search("-资产") }     // nothing to search for
    }

    @Test func queryErrorsAreClear() {
        #expect(throws: ParaError(.badQuery, "unclosed quote in query: \"资产")) { try search("\"资产") }
        #expect(throws: ParaError(.badQuery, "unknown language 'fr' in query (use lang:zh or lang:en)")) { try search("x lang:fr") }
    }

    @Test func resultsAreDeterministic() throws {
        let a = try search("development of countries", limit: 30)
        let b = try search("development of countries", limit: 30)
        #expect(a.hits.map(\.runID) == b.hits.map(\.runID))
        #expect(zip(a.hits, a.hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
}

@Suite struct QueryParsingTests {
    @Test func syntax() throws {
        let q = try Query(parsing: "资产追回 \"asset recovery\" -利比亚 -\"arab spring\" lang:zh doc:E/CN.15/2018/1 ratio:3")
        #expect(q == Query(text: ["资产追回", "ratio:3"], phrases: ["asset recovery"], excluded: ["利比亚", "arab spring"],
                           languages: [.zh], documents: ["E/CN.15/2018/1"]))
        #expect(try Query(parsing: "“资产追回”").phrases == ["资产追回"])
        #expect(try Query(parsing: "  ").text.isEmpty)
    }
}

@Suite struct QueryLanguageTests {
    @Test func operatorsParseIntoRequiredExcludedAndPrefixes() throws {
        #expect(try Query(parsing: "terrorism AND nuclear") == Query(phrases: ["terrorism", "nuclear"]))
        #expect(try Query(parsing: "+nuclear terrorism") == Query(text: ["terrorism"], phrases: ["nuclear"]))
        #expect(try Query(parsing: "terrorism OR nuclear") == Query(text: ["terrorism", "nuclear"]))
        #expect(try Query(parsing: "terrorism NOT nuclear") == Query(text: ["terrorism"], excluded: ["nuclear"]))
        #expect(try Query(parsing: "terror* 联合*") == Query(prefixes: ["terror", "联合"]))
        // Lower-case words are words; a symbol is matched as written.
        #expect(try Query(parsing: "war and peace") == Query(text: ["war", "and", "peace"]))
        #expect(try Query(parsing: "A/RES/80/1 E/CN.15/2018/12") == Query(phrases: ["A/RES/80/1", "E/CN.15/2018/12"]))
        #expect(try Query(parsing: "date:2025 after:2025-06 before:2025-10-01 date:2018..2020").dates
            == [.within("2025"), .after("2025-06"), .before("2025-10-01"), .between("2018", "2020")])
        #expect(throws: ParaError(.badQuery, "date:2025/9 wants a year, a month or a day: 2025, 2025-09, 2025-09-19 (or date:2018..2020)")) {
            try Query(parsing: "date:2025/9")
        }
    }

    @Test func operatorsAtTheEdgesAndInARow() throws {
        #expect(try Query(parsing: "nuclear AND NOT terrorism") == Query(phrases: ["nuclear"], excluded: ["terrorism"]))
        #expect(try Query(parsing: "AND x") == Query(phrases: ["x"]))
        #expect(try Query(parsing: "x AND") == Query(phrases: ["x"]))
        #expect(try Query(parsing: "+terror* nuclear AND recover*")
            == Query(phrases: ["nuclear"], prefixes: ["terror", "recover"], requiredPrefixes: ["terror", "recover"]))
        for nothing in ["NOT", "\"\"", "+", "-", "AND OR"] {
            #expect(throws: ParaError.self, "\(nothing)") { try search(nothing) }
        }
        // A required prefix is required; `x AND NOT y` excludes y.
        let required = try search("nuclear AND terror*", limit: 100)
        #expect(!required.hits.isEmpty && required.hits.allSatisfy { $0.paragraph.text.lowercased().contains("terror") })
        #expect(try search("nuclear AND NOT terrorism", limit: 100).total == (try search("nuclear -terrorism", limit: 100)).total)
        // Exclusions alone with a filter list what is left.
        let left = try search("lang:zh -资产", limit: 1000)
        #expect(left.total == (try search("lang:zh", limit: 1)).total - (try search("资产 lang:zh", limit: 1)).total)
    }

    @Test func datesAreReadAsWrittenAndCompared() {
        #expect(DateCondition.isoDate("19 September 2025") == "2025-09-19")
        #expect(DateCondition.isoDate("2018年3月1日") == "2018-03-01")
        #expect(DateCondition.isoDate("2025-09-19") == "2025-09-19")
        #expect(DateCondition.isoDate("soon") == nil)
        #expect(DateCondition.within("2025").admits("2025-09-19") && !DateCondition.within("2025").admits("2024-12-31"))
        #expect(DateCondition.between("2018", "2020").admits("2020-12-31") && !DateCondition.between("2018", "2020").admits("2021-01-01"))
        #expect(DateCondition.after("2025-09").admits("2025-10-01") && !DateCondition.after("2025-09").admits("2025-09-30"))
        #expect(DateCondition.before("2025-10-01").admits("2025-09-30") && !DateCondition.before("2025-10-01").admits("2025-10-01"))
        // A coarse date passes only when the whole of it meets the condition.
        #expect(!DateCondition.before("2025-06").admits("2025") && !DateCondition.after("2025-06").admits("2025"))
        #expect(!DateCondition.before("2025-10-01").admits("2025-10") && DateCondition.before("2025-10-01").admits("2025-09"))
        #expect(!DateCondition.between("2018", "2020-06").admits("2020") && DateCondition.between("2018", "2020").admits("2020"))
        #expect(DateCondition.isoDate("September 19, 2025") == "2025-09-19")
        #expect(DateCondition.isoDate("2017-2018年") == nil && DateCondition.isoDate("45 September 2025") == nil)
        #expect(throws: ParaError.self) { try Query(parsing: "date:2025-13") }
    }

    @Test func requiredExcludedAndPrefixTermsFilterWhatMatches() throws {
        let both = try search("terrorism AND nuclear", limit: 100)
        #expect(!both.hits.isEmpty && both.hits.allSatisfy {
            let t = $0.paragraph.text.lowercased()
            return t.contains("terroris") && t.contains("nuclear")
        })
        let either = try search("terrorism nuclear", limit: 100)
        #expect(either.total > both.total)
        let without = try search("terrorism -nuclear", limit: 100)
        #expect(without.total == (try search("terrorism")).total - both.total)
        #expect(without.hits.allSatisfy { !$0.paragraph.text.lowercased().contains("nuclear") })
        // `recover*` finds `recovery` and `recovering` (stems recoveri, recov).
        let prefix = try search("recover*", limit: 100)
        #expect(prefix.hits.contains { $0.paragraph.text.contains("recovery") })
        #expect(prefix.hits.allSatisfy { $0.paragraph.text.lowercased().contains("recover") })
        #expect(prefix.hits.first.map { hit in hit.highlights.allSatisfy { String(String.UnicodeScalarView(Array(hit.snippet.unicodeScalars)[$0])).lowercased().hasPrefix("recover") } } == true)
    }

    @Test func filtersAloneListParagraphsInDocumentOrder() throws {
        let r = try search("doc:A/RES/80/1", limit: 100)
        #expect(r.total == r.hits.count && r.hits.map(\.paragraph.ordinal) == Array(1...r.hits.count))
        #expect(r.hits.allSatisfy { $0.document.symbol == "A/RES/80/1" && $0.score == 0 })
        let zh = try search("lang:zh", limit: 5)
        #expect(zh.hits.count == 5 && zh.hits.allSatisfy { $0.document.language == .zh } && zh.total > 500)
        let dated = try search("date:2025-09", limit: 1000)
        #expect(!dated.hits.isEmpty && dated.hits.allSatisfy { $0.document.extra["date"]?.hasPrefix("2025-09") == true })
        #expect(try search("climate date:1990").hits.isEmpty)
        #expect(throws: ParaError(.notFound, "no document 'A/RES/99/1' in the index (doc: takes a document's id or any of its symbols)")) {
            try search("climate doc:A/RES/99/1")
        }
    }

    @Test func aSymbolNoParagraphCitesFindsItsDocument() throws {
        let cited = try search("A/80/534", limit: 3)
        #expect(cited.total == 44 && cited.hits.allSatisfy { $0.paragraph.text.contains("A/80/534") })
        let bearer = try search("A/RES/80/1", limit: 3)
        #expect(bearer.hits.map { $0.document.symbol } == ["A/RES/80/1", "A/RES/80/1", "A/RES/80/1"])
    }

    @Test func aCompoundWordWholeRanksAboveItsPartsApart() throws {
        // `19` alone fills short lines ("46th plenary meeting 19 November 2025"); the one
        // paragraph about COVID-19 must come first.
        let r = try search("COVID-19", limit: 3)
        #expect(r.hits.first?.citation.description.hasPrefix("A/RES/80/5 ¶33") == true)
        #expect(r.hits.first?.paragraph.text.contains("COVID‑19") == true)
        #expect(zip(r.hits, r.hits.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func pagingGivesTheNextHits() throws {
        let all = try search("development", limit: 20)
        var options = SearchOptions(limit: 10)
        options.offset = 10
        options.translate = false
        let second = try Searcher(snapshot: sampleIndex).search("development", options: options)
        #expect(second.hits.map(\.runID) == all.hits.dropFirst(10).map(\.runID))
        #expect(second.hits.first?.rank == 11 && second.total == all.total)
    }
}

@Suite struct SectionTests {
    static func numbers(_ q: String, limit: Int = 10, sectionWeight: Double) throws -> [String] {
        var options = SearchOptions(limit: limit)
        options.translate = false
        options.sectionWeight = sectionWeight
        return try Searcher(snapshot: sampleIndex).search(q, options: options).hits.map { $0.paragraph.number ?? "-" }
    }

    /// `旅游安全`: the section "D. 拉丁美洲国家的旅游安全" holds ¶48–53; ¶49, 52 and 53 say
    /// 旅游 or 安全 only in passing. Their heading brings them forward, past ¶40, 41 and 43 of
    /// the section on security technology.
    @Test func aSectionAboutTheQueryComesForward() throws {
        let q = "旅游安全 doc:unicri-report-ccpcj27-zh"
        #expect(try Self.numbers(q, sectionWeight: 0).prefix(9) == ["48", "51", "41", "49", "40", "5", "43", "7", "52"])
        #expect(Set(try Self.numbers(q, limit: 5, sectionWeight: 0.5)) == ["48", "49", "51", "52", "53"])
    }

    /// A heading never makes a paragraph a match: ¶50, in that section, holds neither 旅游 nor
    /// 安全, and the count is the same with and without section terms.
    @Test func aHeadingAloneMakesNoMatch() throws {
        let q = "旅游安全 doc:unicri-report-ccpcj27-zh"
        var options = SearchOptions(limit: 100)
        options.translate = false
        let with = try Searcher(snapshot: sampleIndex).search(q, options: options)
        options.sectionWeight = 0
        let without = try Searcher(snapshot: sampleIndex).search(q, options: options)
        #expect(with.total == without.total && with.hits.count == without.hits.count)
        #expect(!with.hits.contains { $0.paragraph.number == "50" })
        #expect(Set(with.hits.map(\.runID)) == Set(without.hits.map(\.runID)))
    }

    /// Within one section every paragraph gains alike (no length normalisation): the order of
    /// ¶54–57, all under "A. 阿拉伯之春国家资产追回试点项目", is their text's order.
    @Test func aSectionLiftsItsParagraphsAlike() throws {
        #expect(try Self.numbers("资产追回", limit: 4, sectionWeight: 0) == ["54", "56", "57", "55"])
        #expect(try Self.numbers("资产追回", limit: 4, sectionWeight: 0.5) == ["54", "56", "57", "55"])
    }

    @Test func inListsASectionsParagraphsAndNarrowsAQuery() throws {
        #expect(try Query(parsing: "in:旅游安全 heading:\"rule of law\" x") == Query(text: ["x"], sections: ["旅游安全", "rule of law"]))
        #expect(throws: ParaError(.badQuery, "in: wants the words of a heading: in:旅游安全 or in:\"rule of law\"")) { try Query(parsing: "in: x") }
        #expect(try Query(parsing: "in:“rule of law” x in:「旅游 安全」") == Query(text: ["x"], sections: ["rule of law", "旅游 安全"]))
        #expect(throws: ParaError(.badQuery, "in: needs words to look for in the headings, not only punctuation")) { try search("培训 in:—") }
        // Alone: the section's paragraphs in document order, ¶50 included.
        #expect(try Self.numbers("in:旅游安全", limit: 20, sectionWeight: 0.5) == ["48", "49", "50", "51", "52", "53"])
        // Words in order, in the headings: Goal 16's twelve targets, not Goal 1's.
        let goal16 = try Self.numbers("in:\"Goal 16\" doc:A/RES/70/1 lang:en", limit: 20, sectionWeight: 0.5)
        #expect(goal16 == ["16.1", "16.2", "16.3", "16.4", "16.5", "16.6", "16.7", "16.8", "16.9", "16.10", "16.a", "16.b"])
        // With words: only the paragraphs of those sections that match them.
        let r = try search("培训 in:旅游安全", limit: 20)
        #expect(!r.hits.isEmpty && r.hits.allSatisfy { ["48", "49", "50", "51", "52", "53"].contains($0.paragraph.number ?? "") })
        // A lone character: the headings holding it, wherever it stands in them.
        #expect(try Self.numbers("in:旅 doc:unicri-report-ccpcj27-zh", limit: 20, sectionWeight: 0.5) == ["48", "49", "50", "51", "52", "53"])
        #expect(try Self.numbers("in:nothing-of-the-kind", sectionWeight: 0.5).isEmpty)
    }
}

@Suite struct LoneCharacterTests {
    /// `核` alone: the report's nuclear paragraphs (`化学、生物、辐射和核`, where 核 is a word of
    /// its own) before ¶66's `核心任务` (core mandate) and ¶56's `核查` (verification), where it
    /// is part of a dictionary word. Plain BM25 put ¶66, a short paragraph, second.
    @Test func aCharacterStandingAloneRanksFirst() throws {
        let q = "核 doc:unicri-report-ccpcj27-zh"
        var options = SearchOptions(limit: 20)
        options.translate = false
        options.runsFirst = false
        let plain = try Searcher(snapshot: sampleIndex).search(q, options: options).hits.map { $0.paragraph.number ?? "-" }
        #expect(plain.prefix(2) == ["39", "66"])
        let ranked = try search(q, limit: 20).hits.map { $0.paragraph.number ?? "-" }
        #expect(Set(ranked) == Set(plain))
        let core = try #require(ranked.firstIndex(of: "66"))
        #expect(Set(ranked.prefix(4)) == ["34", "35", "37", "39"])
        #expect(["34", "35", "37", "39"].allSatisfy { ranked.firstIndex(of: $0)! < core })
        #expect(ranked.firstIndex(of: "56")! > core - 1)
    }
}

@Suite struct PhraseFirstTests {
    /// Paragraph "a" has 资产 and 追回 often but never together; "b" has 资产追回 once in a long
    /// text. Plain BM25 prefers "a"; a single-run Chinese query must put "b" first.
    @Test func aChineseRunFoundWholeRanksFirst() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        let texts = [
            ("a", "资产资产资产管理和追回追回追回工作以外"),
            ("b", "他们讨论了资产追回。这是一个很长的段落，其中包含许多其他的字和词，用来降低它的分数，例如会议、报告、项目、国家、合作、支持、培训、课程、研究、发展。"),
            ("c", "无关的段落"),
        ]
        for (id, text) in texts {
            let meta = DocumentMetadata(id: id, language: .zh, title: "", source: id)
            try writer.replace(source: id, with: [IndexableDocument(document: ExtractedDocument(metadata: meta, paragraphs: [
                Paragraph(ordinal: 1, number: nil, headings: [], text: text)]), contentHash: id)])
        }
        try writer.commit()
        let searcher = Searcher(snapshot: try IndexSnapshot.open(directory: dir))
        var plain = SearchOptions()
        plain.runsFirst = false
        plain.proximityWeight = 0
        #expect(try searcher.search("资产追回", options: plain).hits.map(\.runID) == ["a", "b"])
        let ranked = try searcher.search("资产追回")
        #expect(ranked.hits.map(\.runID) == ["b", "a"])
        #expect(ranked.hits[0].score > ranked.hits[1].score)
        // Still found apart: "a" is not dropped.
        #expect(ranked.total == 2)
    }
}

@Suite struct ConcurrencyTests {
    /// One snapshot searched from several threads at once gives every thread the same answers.
    @Test func threadsSharingASnapshotGetTheSameResults() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        let queries = ["资产追回", "核", "right to development", "\"资产追回\"", "development -rights lang:en", "資產 追回"]
        let expected = try queries.map { try searcher.search($0).hits.map(\.runID) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var mismatches = 0
            func record(_ ok: Bool) { lock.lock(); if !ok { mismatches += 1 }; lock.unlock() }
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<20 {
                let i = (worker + round) % queries.count
                let hits = (try? searcher.search(queries[i]).hits.map(\.runID)) ?? []
                results.record(hits == expected[i])
            }
        }
        #expect(results.mismatches == 0)
    }
}

@Suite struct ReadersAndWriterTests {
    /// Readers open and search in a loop while a writer commits, replaces, removes and merges:
    /// every snapshot is one commit, whole — no error, no mix of two commits.
    @Test func everySnapshotIsOneWholeCommit() throws {
        let dir = temporaryDirectory()
        func documents(_ k: Int) -> [(String, [String]?)] {
            let a = (0...k).map { "asset round \(k) paragraph \($0)" }
            let b: [String]? = k % 2 == 0 ? (0..<3).map { "asset round \(k) extra \($0)" } : nil
            return [("a", a), ("b", b)]
        }
        func commit(_ writer: IndexWriter, _ k: Int) throws {
            if k % 5 == 4 { writer.mergeAllSegments() }
            for (source, texts) in documents(k) {
                if let texts {
                    try writer.replace(source: source, with: [IndexableDocument(document: ExtractedDocument(
                        metadata: DocumentMetadata(id: source, language: .en, title: source, source: source),
                        paragraphs: texts.enumerated().map { Paragraph(ordinal: $0.offset + 1, number: nil, headings: [], text: $0.element) }),
                        contentHash: "\(source)\(k)")])
                } else {
                    writer.remove(source: source)
                }
            }
            try writer.commit()
        }
        let writer = try IndexWriter(directory: dir)
        try commit(writer, 0)
        let outcome = Outcome()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) { Self.read(dir, outcome) }
        }
        for k in 1..<40 { try commit(writer, k) }
        outcome.finish()
        group.wait()
        writer.close()
        #expect(outcome.problems == [])
        #expect(outcome.snapshots > 0)
    }

    final class Outcome: @unchecked Sendable {
        let lock = NSLock()
        var snapshots = 0, problems: [String] = []
        var done = false
        func record(_ problem: String?) { lock.lock(); snapshots += 1; if let problem { problems.append(problem) }; lock.unlock() }
        var finished: Bool { lock.lock(); defer { lock.unlock() }; return done }
        func finish() { lock.lock(); done = true; lock.unlock() }
    }

    static func expectedTotal(_ k: Int) -> Int { k + 1 + (k % 2 == 0 ? 3 : 0) }

    /// Opens and searches until the writer is done; at least one snapshot after that.
    static func read(_ dir: String, _ outcome: Outcome) {
        var last = false
        while !last {
            last = outcome.finished
            do {
                let results = try Searcher(snapshot: try IndexSnapshot.open(directory: dir)).search("asset", options: SearchOptions(limit: 1000))
                let roundsSeen = Set(results.hits.compactMap { $0.paragraph.text.split(separator: " ").dropFirst(2).first.flatMap { Int($0) } })
                if roundsSeen.count != 1 {
                    outcome.record("hits from rounds \(roundsSeen.sorted())")
                } else if results.total != Self.expectedTotal(roundsSeen.first!) || results.hits.count != results.total {
                    outcome.record("round \(roundsSeen.first!): \(results.total) hits, expected \(Self.expectedTotal(roundsSeen.first!))")
                } else {
                    outcome.record(nil)
                }
            } catch {
                outcome.record("\(error)")
            }
        }
    }
}

@Suite struct QueriesInCodeTests {
    @Test func aQueryBuiltInCodeIsNeverReadAsSyntax() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        var options = SearchOptions(limit: 5)
        options.translate = false
        // As syntax, `doc:nothing` names a document there is none of.
        #expect(performing: { _ = try searcher.search("doc:nothing asset", options: options) },
                throws: { ($0 as? ParaError)?.kind == .notFound })
        let inCode = try searcher.search(Query(text: ["doc:nothing asset"]), options: options)
        let escaped = try searcher.search(Query.escaped("doc:nothing asset"), options: options)
        #expect(!inCode.hits.isEmpty && inCode.hits.map(\.runID) == escaped.hits.map(\.runID))
        #expect(inCode.query == "doc nothing asset")

        var query = Query(text: ["资产追回"])
        query.languages = [.zh]
        query.excluded = ["利比亚"]
        let r = try searcher.search(query, options: options)
        #expect(r.query == "资产追回 -\"利比亚\" lang:zh")
        #expect(r.hits.map(\.runID) == (try searcher.search(r.query, options: options)).hits.map(\.runID))
        #expect(r.hits.allSatisfy { !$0.paragraph.text.contains("利比亚") })
    }

    @Test func theDescriptionParsesBackToTheSameQuery() throws {
        let q = Query(text: ["asset"], phrases: ["right to development", "A/RES/80/1"], excluded: ["nuclear", "arab spring"],
                      prefixes: ["terror", "联合"], requiredPrefixes: ["terror"], languages: [.en, .zh], documents: ["A/RES/70/1"],
                      dates: [.between("2018", "2020"), .after("2025-06")], sections: ["rule of law"])
        #expect(try Query(parsing: q.description) == q)
        // Quotes of any kind inside a phrase, a document name with spaces, a prefix with syntax.
        let hostile = Query(phrases: ["「安全」理事会", "say “no”"], excluded: ["a\"b"], prefixes: ["-x:y"], documents: ["my note", "A/RES/80/1"])
        let back = try Query(parsing: hostile.description)
        #expect(back.phrases == [" 安全 理事会", "say  no "], "\(back.phrases)")
        #expect(back.excluded == ["a b"] && back.documents == ["my note", "A/RES/80/1"], "\(back.excluded) \(back.documents)")
        #expect(back.prefixes.isEmpty && back.text.isEmpty)
    }

    @Test func aCharacterInsideARunMatchesOnce() throws {
        let plan = QueryPlan(try Query(parsing: "核"))
        let matches = Highlighter(plan: plan).matches(in: "和核心")
        #expect(matches.map(\.range) == [3..<6] && matches.map(\.term) == ["核"])
    }

    /// Whatever a user types, escaped it is free text with the same terms.
    @Test(arguments: 0..<40) func escapedTextIsFreeTextWithTheSameTerms(seed: Int) throws {
        var rng = SplitMix64(state: UInt64(seed) &+ 991)
        let pieces = ["doc:", "lang:zh", "in:", "\"", "“", "」", "-", "+", "*", "AND", "OR", "NOT", "A/RES/80/1", "资产", "追回",
                      "asset", "recovery", " ", " ", "：", "date:2025", "terror*", "-nuclear", "+x"]
        let text = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        let escaped = Query.escaped(text)
        let parsed = try Query(parsing: escaped)
        #expect(parsed == Query(text: parsed.text), "\(text) → \(escaped)")
        #expect(Analyzer().tokens(escaped).map(\.term) == Analyzer().tokens(text).map(\.term), "\(text) → \(escaped)")
    }

    @Test func limitZeroCountsAsAnyPageDoes() throws {
        let searcher = Searcher(snapshot: sampleIndex)
        var options = SearchOptions(limit: 0)
        let count = try searcher.search("development", options: options)
        options.limit = 10
        let page = try searcher.search("development", options: options)
        #expect(count.hits.isEmpty && count.total == page.total && page.total > 10)
    }
}

@Suite struct ResultsTests {
    /// What the command line prints is the library's encoding, and it reads back whole.
    @Test func resultsEncodeAndDecodeWhole() throws {
        var options = SearchOptions(limit: 5)
        options.parallel = true
        let results = try Searcher(snapshot: sampleIndex).search("asset recovery lang:zh", options: options)
        #expect(results.hits.contains { $0.foundThrough != nil } && results.hits.contains { !$0.parallel.isEmpty })
        #expect(!results.translations.isEmpty)
        let data = try JSONEncoder().encode(results)
        #expect(try JSONDecoder().decode(SearchResults.self, from: data) == results)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["query", "total", "took_ms", "hits", "translations", "partial"])
        #expect((object["translations"] as? [[String: Any]])?.first.map { Set($0.keys) } == ["from", "to"])
    }

    /// Matches name the query's words as written, over the paragraph's text; the snippet is
    /// as long as asked.
    @Test func matchesNameTheQueryWordsAndSnippetsTakeTheirLength() throws {
        var options = SearchOptions(limit: 3)
        options.translate = false
        options.snippetLength = 60
        let r = try Searcher(snapshot: sampleIndex).search("recovering assets", options: options)
        let hit = try #require(r.hits.first)
        let text = Array(hit.paragraph.text.unicodeScalars)
        #expect(!hit.matches.isEmpty && Set(hit.matches.map(\.term)).isSubset(of: ["recovering", "assets"]))
        for m in hit.matches {
            let found = String(String.UnicodeScalarView(text[m.range])).lowercased()
            #expect(found.hasPrefix("recover") || found.hasPrefix("asset"), "\(found) for \(m.term)")
        }
        #expect(r.hits.allSatisfy { $0.snippet.unicodeScalars.count <= 60 + 2 })
        #expect(r.hits.contains { $0.paragraph.text.unicodeScalars.count > 62 })
    }
}

@Suite struct SegmentationTests {
    /// The same corpus in one segment and in many (a small memory budget flushes often):
    /// global statistics make every score, order and count the same.
    @Test func oneSegmentAndManyRankAlike() throws {
        let corpus = repositoryRoot.appendingPathComponent("Corpus").path
        let many = temporaryDirectory("many"), one = temporaryDirectory("one")
        var indexer = Indexer(directory: many)
        indexer.memoryBudget = 64 << 10
        indexer.tiersOnly = true
        _ = try indexer.index(paths: [corpus])
        var merged = Indexer(directory: one)
        merged.mergeAll = true
        _ = try merged.index(paths: [corpus])
        let manySnapshot = try IndexSnapshot.open(directory: many), oneSnapshot = try IndexSnapshot.open(directory: one)
        #expect(manySnapshot.segments.count > 5 && oneSnapshot.segments.count == 1)
        var options = SearchOptions(limit: 20)
        options.translate = false
        for query in ["资产追回", "asset recovery", "核", "旅游安全 doc:unicri-report-ccpcj27-zh", "\"right to development\"",
                      "terrorism -nuclear", "development lang:en date:2025", "in:旅游安全", "COVID-19", "women girls education"] {
            let a = try Searcher(snapshot: manySnapshot).search(query, options: options)
            let b = try Searcher(snapshot: oneSnapshot).search(query, options: options)
            #expect(a.total == b.total, "\(query)")
            #expect(a.hits.map(\.runID) == b.hits.map(\.runID), "\(query)")
            #expect(zip(a.hits, b.hits).allSatisfy { abs($0.score - $1.score) <= 1e-9 * max(1, abs($1.score)) }, "\(query)")
        }
    }
}

@Suite struct BoundedQueryTests {
    @Test func aSearchPastItsTimeLimitStopsWithPartialResults() throws {
        var options = SearchOptions(limit: 10)
        options.translate = false
        options.timeLimit = .nanoseconds(1)
        let stopped = try Searcher(snapshot: sampleIndex).search("development", options: options)
        #expect(stopped.isPartial && stopped.hits.count < 10)
        options.timeLimit = nil
        let whole = try Searcher(snapshot: sampleIndex).search("development", options: options)
        #expect(!whole.isPartial && whole.hits.count == 10)
        #expect(Set(stopped.hits.map(\.runID)).isSubset(of: Set(try Searcher(snapshot: sampleIndex)
            .search("development", options: { var o = options; o.limit = 10_000; return o }()).hits.map(\.runID))))
    }

    /// Stopped part-way, a search's hits are some of the matches, each with the score the whole
    /// search gives it, best first: never a wrong score.
    @Test(arguments: [RetrievalStrategy.exhaustive, .maxScore], [2, 3, 5])
    func aSearchStoppedPartWayScoresWhatItFoundRightly(strategy: RetrievalStrategy, checks: Int) throws {
        var options = SearchOptions(limit: 20)
        options.translate = false
        options.strategy = strategy
        options.proximityWeight = 0
        options.runsFirst = false
        options.limit = 10_000
        let whole = try Searcher(snapshot: sampleIndex).search("development women", options: options)
        let scores = Dictionary(uniqueKeysWithValues: whole.hits.map { ($0.runID, $0.score) })
        options.limit = 20
        options.stopAfterChecks = checks
        let part = try Searcher(snapshot: sampleIndex).search("development women", options: options)
        #expect(part.isPartial && part.total <= whole.total)
        #expect(part.hits.allSatisfy { scores[$0.runID] == $0.score })
        #expect(part.hits.map(\.score) == part.hits.map(\.score).sorted(by: >))
    }

    @Test func aPhraseGivenManyTimesIsOnePhrase() throws {
        let once = try search("\"right to development\"", limit: 30)
        let many = try search(Array(repeating: "\"right to development\"", count: 1000).joined(separator: " "), limit: 30)
        #expect(many.hits.map(\.runID) == once.hits.map(\.runID) && many.total == once.total && !once.hits.isEmpty)
        let plan = QueryPlan(try Query(parsing: Array(repeating: "\"right to development\" -nuclear", count: 50).joined(separator: " ")))
        #expect(plan.phrases.count == 1 && plan.exclusions.count == 1)
    }

    @Test func tooManyTermsOrTooLongAPhraseIsAClearError() throws {
        let words = (0..<1100).map { "w\($0)x" }.joined(separator: " ")
        #expect(throws: ParaError(.badQuery, "the query has 1100 different terms; at most 1024 are searched at once (shorten it, or search its parts)")) {
            try search(words)
        }
        let phrase = "\"" + (0..<70).map { "w\($0)x" }.joined(separator: " ") + "\""
        #expect(throws: ParaError(.badQuery, "a phrase of 70 terms; at most 64 (quote fewer words)")) { try search(phrase) }
    }
}

@Suite struct DocumentWriterRulesTests {
    /// An index built by other analysis rules is refused, not emptied.
    @Test func anIndexOfOtherRulesIsRefusedAndKept() throws {
        let dir = temporaryDirectory("rules")
        let writer = try DocumentWriter(directory: dir)
        try writer.put(ExtractedDocument(metadata: DocumentMetadata(id: "a", language: .en, title: "", source: ""),
                                         paragraphs: [Paragraph(ordinal: 1, number: nil, headings: [], text: "kept")]))
        try writer.commit()
        writer.close()
        var manifest = try #require(try Manifest.read(directory: dir))
        manifest.analyzer = "other-rules/1"
        try manifest.publish(directory: dir, keepingPrevious: true) {}
        #expect(performing: { _ = try DocumentWriter(directory: dir) }, throws: { ($0 as? ParaError)?.kind == .incompatible })
        manifest.analyzer = Analyzer.identity
        try manifest.publish(directory: dir, keepingPrevious: true) {}
        #expect(try IndexSnapshot.open(directory: dir).documentCount == 1)
    }
}

@Suite struct SymbolTests {
    /// The hand-written check agrees with the pattern it replaces, on symbols and near misses.
    @Test func symbolsAreRecognisedAsThePatternSays() {
        let pattern = #"^[A-Z][A-Z0-9.]{0,9}(/[A-Z0-9][A-Za-z0-9.()]*){2,}$"#
        var samples = ["A/RES/80/1", "E/CN.15/2018/12", "A/79/947-S/2025/372", "GC(69)/RES/7", "S/RES/2720(2023)", "A/C.3/80/L.5",
                       "A/RES", "a/res/80/1", "A//80/1", "A/RES/x/1", "ABCDEFGHIJK/1/2", "A/RES/ABC", "/A/1/2", "A/1/2/", "A/Rés/1/2",
                       "E/2025/SR.12", "UNEP/EA.6/Res.1", "1/2/3", "A.B/C/D9"]
        var rng = SplitMix64(state: 42)
        let alphabet = Array("AZ09/.()-aé")
        for _ in 0..<2000 { samples.append(String((0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })) }
        for w in samples {
            let expected = w.range(of: pattern, options: .regularExpression) != nil && w.contains(where: { $0.isASCII && $0.isNumber })
            #expect(Query.isSymbol(w) == expected, "\(w)")
        }
    }
}
