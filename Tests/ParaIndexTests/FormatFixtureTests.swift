import Foundation
import Testing
import ParaTestSupport
@testable import ParaIndex
import ParaCore

/// The committed indexes of each format version (see OnDiskFormat.md's worked example).
@Suite struct FormatFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let document = IndexableDocument(
        document: ExtractedDocument(
            metadata: DocumentMetadata(id: "a", symbol: "X/1", language: .zh, title: "Example", source: "a.md"),
            paragraphs: [Paragraph(ordinal: 1, number: "54", headings: [], text: "资产追回")]),
        contentHash: "5a6a469b2680e19a-66")

    @Test func version1IsRefusedWithAClearMessage() {
        let dir = Self.fixtures.appendingPathComponent("v1").path
        #expect(throws: ParaError(file: dir + "/manifest",
                                  "index format version 1 is not supported (this ParaSearch reads version 2); rebuild the index")) {
            _ = try IndexSnapshot.open(directory: dir)
        }
    }

    @Test func version2FixtureIsReadable() throws {
        let snapshot = try IndexSnapshot.open(directory: Self.fixtures.appendingPathComponent("v2").path)
        #expect(snapshot.generation == 1)
        let segment = snapshot.segments[0]
        #expect(try segment.documents.map(\.metadata) == [Self.document.document.metadata])
        #expect(try segment.paragraph(0) == Self.document.document.paragraphs[0])
        let info = try #require(try segment.lookup(Array("追回".utf8)))
        var cursor = segment.cursor(info)
        #expect(cursor.doc == 0 && cursor.frequency == 1 && cursor.positions() == [2])
        #expect(segment.length(of: 0) == 3)
    }

    @Test func writingTheSameInputGivesTheFixtureBytes() throws {
        // The content hash of the fixture's source file is what the indexer stored.
        let source = try Data(contentsOf: Self.fixtures.appendingPathComponent("a.md"))
        #expect(source.withUnsafeBytes { contentHash($0) } == Self.document.contentHash)
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "a.md", with: [Self.document])
        try writer.commit()
        for name in ["manifest", "seg-000001.terms", "seg-000001.postings", "seg-000001.positions",
                     "seg-000001.norms", "seg-000001.stored"] {
            let written = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            let fixture = try Data(contentsOf: Self.fixtures.appendingPathComponent("v2/" + name))
            #expect(written == fixture, "\(name) differs from the version 2 fixture")
        }
    }
}

@Suite struct RebuildTests {
    @Test func anIndexOfAnotherVersionIsReplacedWhenRebuilding() throws {
        let dir = temporaryDirectory()
        for name in ["manifest", "seg-000001.terms", "seg-000001.postings", "seg-000001.positions", "seg-000001.norms", "seg-000001.stored"] {
            try FileManager.default.copyItem(at: FormatFixtureTests.fixtures.appendingPathComponent("v1/" + name),
                                             to: URL(fileURLWithPath: dir + "/" + name))
        }
        #expect(throws: ParaError.self) { _ = try IndexWriter(directory: dir) }
        let writer = try IndexWriter(directory: dir, discardingUnreadable: true)
        try writer.replace(source: "a.md", with: [FormatFixtureTests.document])
        try writer.commit()
        writer.close()
        let snapshot = try IndexSnapshot.open(directory: dir)
        #expect(snapshot.documentCount == 1)
        #expect(try snapshot.segments[0].paragraph(0).text == "资产追回")
    }
}
