import Foundation
import Testing
import ParaTestSupport
import ParaSearch

/// The library as an embedding tool uses it: only `import ParaSearch`, documents held in
/// memory, searches from several tasks while a writer commits, errors switched on by kind.
@Suite struct DocumentWriterTests {
    static func note(_ id: String, _ text: String, title: String = "", language: Language = .en) -> ExtractedDocument {
        ExtractedDocument(metadata: DocumentMetadata(id: id, language: language, title: title, source: ""),
                          paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: text)])
    }

    static func ids(_ snapshot: IndexSnapshot, _ query: String) throws -> [String] {
        var options = SearchOptions(limit: 100)
        options.translate = false
        return try Searcher(snapshot: snapshot).search(query, options: options).hits.map(\.document.id).sorted()
    }

    @Test func putReplacesByIdDeleteRemovesAndTheLastChangeWins() throws {
        let dir = temporaryDirectory("writer")
        let writer = try DocumentWriter(directory: dir)
        try writer.put(Self.note("a", "stolen assets returned"))
        try writer.put(Self.note("b", "nuclear security"))
        #expect(writer.stagedChanges == 2)
        #expect(try writer.commit() == 1)
        #expect(try Self.ids(writer.snapshot(), "assets") == ["a"])
        // Nothing of the source is left: the id is the key.
        #expect(try writer.snapshot().documentCount == 2)

        try writer.put(Self.note("a", "asset recovery in practice"))
        try writer.delete(id: "b")
        try writer.put(Self.note("c", "first version"))
        try writer.put(Self.note("c", "second version"))
        try writer.put(Self.note("d", "never committed"))
        try writer.delete(id: "d")
        try writer.commit()
        let snapshot = try writer.snapshot()
        #expect(snapshot.generation == 2 && snapshot.documentCount == 2)
        #expect(try Self.ids(snapshot, "recovery") == ["a"])
        #expect(try Self.ids(snapshot, "stolen").isEmpty)
        #expect(try Self.ids(snapshot, "nuclear").isEmpty)
        #expect(try Self.ids(snapshot, "version") == ["c"])
        #expect(try Self.ids(snapshot, "first").isEmpty)
        // A commit with nothing staged writes nothing new.
        #expect(try writer.commit() == 2)
        writer.close()
        #expect(try IndexSnapshot.open(directory: dir).generation == 2)
    }

    @Test func searchesFromSeveralTasksWhileTheWriterCommits() async throws {
        let dir = temporaryDirectory("tasks")
        let writer = try DocumentWriter(directory: dir)
        try writer.put(Self.note("n0", "round 0 of the shared notes"))
        try writer.commit()
        // Each commit adds one note: every snapshot a task opens holds one note per commit.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 1...5 {
                    try writer.put(Self.note("n\(round)", "round \(round) of the shared notes"))
                    try writer.commit()
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<20 {
                        let snapshot = try IndexSnapshot.open(directory: dir)
                        let found = try Self.ids(snapshot, "shared notes")
                        #expect(found.count == snapshot.generation && snapshot.documentCount == snapshot.generation)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try Self.ids(writer.snapshot(), "notes").count == 6)
    }

    @Test func errorsHaveKinds() throws {
        let dir = temporaryDirectory("kinds")
        #expect(performing: { _ = try IndexSnapshot.open(directory: dir) }, throws: { ($0 as? ParaError)?.kind == .notFound })
        let writer = try DocumentWriter(directory: dir)
        #expect(performing: { _ = try DocumentWriter(directory: dir) }, throws: { ($0 as? ParaError)?.kind == .locked })
        #expect(performing: { try writer.put(Self.note("", "no id")) }, throws: { ($0 as? ParaError)?.kind == .invalidRequest })
        try writer.put(Self.note("a", "text"))
        try writer.commit()
        let searcher = Searcher(snapshot: try writer.snapshot())
        #expect(performing: { _ = try searcher.search("\"unclosed") }, throws: { ($0 as? ParaError)?.kind == .badQuery })
        #expect(performing: { _ = try searcher.search("text doc:nothing") }, throws: { ($0 as? ParaError)?.kind == .notFound })
        writer.close()
        #expect(performing: { try writer.commit() }, throws: { ($0 as? ParaError)?.kind == .invalidRequest })
        // What a user reads, whichever way it is asked for.
        let error = ParaError(.corrupt, file: "seg-000001.terms", "index file is damaged (checksum mismatch)")
        #expect(error.localizedDescription == "seg-000001.terms: index file is damaged (checksum mismatch)")
        #expect("\(error)" == error.localizedDescription)
    }
}

@Suite struct DocumentWriterLifeTests {
    @Test func tasksPutAtOnceAndTheLockGoesWithTheWriter() async throws {
        let dir = temporaryDirectory("puts")
        do {
            let writer = try DocumentWriter(directory: dir)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<4 {
                    group.addTask {
                        for k in 0..<25 { try writer.put(DocumentWriterTests.note("t\(t)-\(k)", "note \(k) of task \(t)")) }
                    }
                }
                group.addTask { for _ in 0..<3 { try writer.commit() } }
                try await group.waitForAll()
            }
            try writer.commit()
            let snapshot = try writer.snapshot()
            #expect(snapshot.documentCount == 100)
            let hits = try Searcher(snapshot: snapshot).search("task", options: SearchOptions(limit: 1)).hits
            #expect(hits.first.map { $0.document.source == $0.document.id } == true)
            #expect(performing: { try writer.put(DocumentWriterTests.note("empty", "x").withoutParagraphs) },
                    throws: { ($0 as? ParaError)?.kind == .invalidRequest })
        }
        // The writer went out of scope: its lock with it.
        let again = try DocumentWriter(directory: dir)
        #expect(try again.snapshot().documentCount == 100)
        again.close()
    }
}

extension ExtractedDocument {
    var withoutParagraphs: ExtractedDocument { ExtractedDocument(metadata: metadata, paragraphs: []) }
}
