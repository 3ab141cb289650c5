// Indexes notes held in memory and searches them from several tasks while more are added:
// what a tool that embeds ParaSearch does. Run: swift run notes-search [INDEX-DIRECTORY]
import Foundation
import ParaSearch

let directory = CommandLine.arguments.count > 1
    ? CommandLine.arguments[1]
    : FileManager.default.temporaryDirectory.appendingPathComponent("notes-search-\(getpid())").path

/// A researcher's notes: an id, a language, a title and numbered paragraphs.
let notes: [(id: String, language: Language, title: String, paragraphs: [String])] = [
    ("n1", .en, "Asset recovery", [
        "The pilot project helped Egypt, Libya and Tunisia trace and recover illicitly acquired assets.",
        "Training on financial analysis was given to asset recovery stakeholders.",
    ]),
    ("n2", .en, "Nuclear security", [
        "Centres of excellence reduce chemical, biological, radiological and nuclear risks.",
    ]),
    ("n3", .zh, "资产追回", [
        "犯罪司法所继续协助埃及、利比亚和突尼斯追查和追回非法获得的资产。",
    ]),
]

func document(_ note: (id: String, language: Language, title: String, paragraphs: [String])) -> ExtractedDocument {
    ExtractedDocument(
        metadata: DocumentMetadata(id: note.id, language: note.language, title: note.title, source: ""),
        paragraphs: note.paragraphs.enumerated().map { i, text in
            Paragraph(ordinal: i + 1, number: String(i + 1), headings: [note.title], text: text)
        })
}

do {
    let writer = try DocumentWriter(directory: directory)
    defer { writer.close() }
    for note in notes { try writer.put(document(note)) }
    try writer.commit()

    // Four tasks search the latest commit while one adds a note and commits again. Each
    // search reads one snapshot: a whole commit, never half of one.
    let queries = ["asset recovery", "资产追回", "nuclear risks", "recovering assets lang:en"]
    let answers = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
        group.addTask {
            try writer.put(ExtractedDocument(
                metadata: DocumentMetadata(id: "n4", language: .en, title: "Tourism security", source: ""),
                paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: "Safety at tourist destinations in Latin America.")]))
            try writer.commit()
            return ("(added n4)", [])
        }
        for query in queries {
            group.addTask {
                let searcher = Searcher(snapshot: try IndexSnapshot.open(directory: directory))
                var options = SearchOptions(limit: 3)
                options.translate = false
                let results = try searcher.search(query, options: options)
                return (query, results.hits.map { "\($0.citation)  [\($0.matches.map(\.term).joined(separator: ", "))]" })
            }
        }
        var out: [(String, [String])] = []
        for try await answer in group { out.append(answer) }
        return out.sorted { $0.0 < $1.0 }
    }
    for (query, hits) in answers where !hits.isEmpty {
        print(query)
        for hit in hits { print("  " + hit) }
    }

    // User text is never read as syntax when the query is built in code.
    let searcher = Searcher(snapshot: try writer.snapshot())
    let typed = "doc:nothing tourist"
    let results = try searcher.search(Query(text: [typed]))
    print("\(typed) → \(results.hits.map(\.citation.description))")
    print("\(try writer.snapshot().documentCount) notes")
} catch let error as ParaError {
    // Errors say what kind they are.
    FileHandle.standardError.write(Data("notes-search: \(error.kind): \(error)\n".utf8))
    exit(1)
}
