import Foundation
import Testing
import ParaTestSupport
import ParaSearch

/// The code of the DocC article "Getting started", compiled and run: the region between the
/// markers below must be the article's code blocks after its first, line for line.
@Suite struct GettingStartedTests {
    static let article = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ParaSearch/ParaSearch.docc/GettingStarted.md")

    func run(directory: String) throws -> (SearchResults, SearchResults, Int, SearchResults, Int, Int) {
        // article:begin
        let writer = try DocumentWriter(directory: directory)
        try writer.put(ExtractedDocument(
            metadata: DocumentMetadata(id: "A/80/62", symbol: "A/80/62", language: .en,
                                       title: "Asset recovery", source: "", extra: ["date": "2025-08-01"]),
            paragraphs: [
                Paragraph(ordinal: 1, number: "1", headings: ["I. Introduction"],
                          text: "The pilot project helps States trace and recover stolen assets."),
                Paragraph(ordinal: 2, number: "2", headings: ["II. Recovery of assets"],
                          text: "Recovered assets were returned to Tunisia in 2025."),
                Paragraph(ordinal: 3, number: "3", headings: ["II. Recovery of assets"],
                          text: "Training on financial investigations reached 120 practitioners."),
            ]))
        try writer.put(ExtractedDocument(
            metadata: DocumentMetadata(id: "A/80/71", symbol: "A/80/71", language: .en, title: "Nuclear security", source: ""),
            paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: "Nuclear security and the recovery of radioactive sources.")]))
        try writer.commit()

        let searcher = Searcher(snapshot: try writer.snapshot())
        var options = SearchOptions(limit: 2)
        let firstPage = try searcher.search("asset recovery", options: options)
        for hit in firstPage.hits {
            print(hit.citation, hit.matches.map(\.term))   // A/80/62 ¶2 — II. Recovery of assets ["recovery", "asset"] …
        }
        options.offset = 2                                  // the next page
        let secondPage = try searcher.search("asset recovery", options: options)
        options.limit = 0                                   // the count alone
        let count = try searcher.search("asset recovery", options: options).total

        var query = Query(text: ["doc:A/80/62 returned"])   // two words, not a filter
        query.dates = [.after("2025-06")]
        let typed = try searcher.search(query)

        try writer.delete(id: "A/80/71")
        try writer.commit()
        let before = try searcher.search("nuclear").hits.count      // the old snapshot: 1
        let after = try Searcher(snapshot: try writer.snapshot()).search("nuclear").hits.count   // 0
        writer.close()
        // article:end
        return (firstPage, secondPage, count, typed, before, after)
    }

    @Test func theArticlesCodeIsThisCode() throws {
        let markdown = try String(contentsOf: Self.article, encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]? = nil
        for line in markdown.components(separatedBy: "\n") {
            if line == "```swift" { current = [] } else if line == "```", let c = current { blocks.append(c); current = nil } else { current?.append(line) }
        }
        let article = blocks.dropFirst().map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let region = source.components(separatedBy: "// article:begin\n")[1].components(separatedBy: "        // article:end")[0]
        let code = region.components(separatedBy: "\n").map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : $0 }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
        #expect(code == article)
    }

    @Test func theArticlesCodeRunsAsItSays() throws {
        let (firstPage, secondPage, count, typed, before, after) = try run(directory: temporaryDirectory("article"))
        #expect(firstPage.hits.map(\.citation.description) == ["A/80/62 ¶2 — II. Recovery of assets", "A/80/62 ¶1 — I. Introduction"])
        #expect(firstPage.hits[0].matches.map(\.term) == ["recovery", "asset"])
        #expect(secondPage.hits.map(\.citation.description) == ["A/80/71 ¶1"] && secondPage.hits[0].rank == 3)
        #expect(count == 3 && firstPage.total == 3)
        #expect(typed.hits.map(\.citation.description) == ["A/80/62 ¶2 — II. Recovery of assets"])
        #expect(before == 1 && after == 0)
    }
}
