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

    @Test(arguments: [1, 2, 3]) func olderVersionsAreRefusedWithAClearMessage(version: Int) {
        let dir = Self.fixtures.appendingPathComponent("v\(version)").path
        #expect(throws: ParaError(.incompatible, file: dir + "/manifest",
                                  "index format version \(version) is not supported (this ParaSearch reads versions 4 and 5); rebuild the index")) {
            _ = try IndexSnapshot.open(directory: dir)
        }
    }

    /// Version 5 (the current one) and version 4, whose lengths file has no languages: each
    /// document's language then comes from its record.
    @Test(arguments: [4, 5]) func fixtureIsReadable(version: Int) throws {
        let snapshot = try IndexSnapshot.open(directory: Self.fixtures.appendingPathComponent("v\(version)").path)
        #expect(snapshot.generation == 1)
        let segment = snapshot.segments[0]
        #expect(try segment.documents.map(\.metadata) == [Self.document.document.metadata])
        #expect(try segment.paragraph(0) == Self.document.document.paragraphs[0])
        let info = try #require(try segment.lookup(Array("追回".utf8)))
        var cursor = segment.cursor(info)
        #expect(cursor.doc == 0 && cursor.frequency == 1 && cursor.positions() == [2])
        #expect(segment.length(of: 0) == 3)
        // (Version 4 makes the table from the records on first need only.)
        #expect((segment.madeDocumentLanguageCodes != nil) == (version == 5))
        #expect(try segment.documentLanguageCode(0) == Language.code(of: .zh))
        #expect(try segment.documentLanguageCodes == [Language.code(of: .zh)])
        let copy = temporaryDirectory()
        for name in ["manifest", "seg-000001.terms", "seg-000001.postings", "seg-000001.positions", "seg-000001.norms", "seg-000001.stored"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("v\(version)/" + name), to: URL(fileURLWithPath: copy + "/" + name))
        }
        #expect(IndexCheck.run(directory: copy).problems.isEmpty)
    }

    /// A language byte that is no language, or another language than the document's record
    /// says (bytes that pass the checksum): reading it is an error, not a trap, and `check`
    /// names the lengths file and marks the segment damaged.
    @Test(arguments: [7, 1]) func aWrongLanguageByteIsReported(code: UInt8) throws {
        let dir = temporaryDirectory()
        for name in ["manifest", "seg-000001.terms", "seg-000001.postings", "seg-000001.positions", "seg-000001.norms", "seg-000001.stored"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("v5/" + name), to: URL(fileURLWithPath: dir + "/" + name))
        }
        let norms = URL(fileURLWithPath: dir + "/seg-000001.norms")
        var bytes = [UInt8](try Data(contentsOf: norms))
        bytes.removeLast(8)
        #expect(bytes.last == Language.code(of: .zh))
        bytes[bytes.count - 1] = code
        let crc = CRC32.checksum(bytes)
        bytes += withUnsafeBytes(of: crc.littleEndian) { Array($0) } + Array("PEND".utf8)
        try Data(bytes).write(to: norms)

        let segment = try IndexSnapshot.open(directory: dir).segments[0]
        if code == 7 {
            #expect(throws: ParaError.self) { _ = try segment.documentLanguageCode(0) }
            #expect(throws: ParaError.self) { _ = try segment.documentLanguageCodes }
            #expect(segment.madeDocumentLanguageCodes == nil)
        } else {
            #expect(try segment.documentLanguageCode(0) == code)
        }
        let report = IndexCheck.run(directory: dir)
        #expect(report.damagedSegments == ["seg-000001"])
        #expect(report.problems.contains { $0.file?.hasSuffix("seg-000001.norms") == true && $0.message.contains("language") })
    }

    /// A version 4 index takes new documents (in version 5 segments) without a rebuild, and a
    /// merge writes their languages, the old segment's read from its records.
    @Test func aVersion4IndexTakesNewDocumentsAndMerges() throws {
        let dir = temporaryDirectory()
        for name in ["manifest", "seg-000001.terms", "seg-000001.postings", "seg-000001.positions", "seg-000001.norms", "seg-000001.stored"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("v4/" + name), to: URL(fileURLWithPath: dir + "/" + name))
        }
        let english = IndexableDocument(
            document: ExtractedDocument(
                metadata: DocumentMetadata(id: "b", symbol: nil, language: .en, title: "B", source: "b.md"),
                paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: "asset recovery")]),
            contentHash: "b")
        do {
            let writer = try IndexWriter(directory: dir)
            try writer.replace(source: "b.md", with: [english])
            try writer.commit()
            writer.close()
        }
        var snapshot = try IndexSnapshot.open(directory: dir)
        #expect(snapshot.segments.count == 2)
        #expect(snapshot.segments.map { $0.madeDocumentLanguageCodes != nil } == [false, true])
        #expect(try snapshot.segments.map { try $0.documentLanguageCodes } == [[0], [1]])
        do {
            let writer = try IndexWriter(directory: dir)
            writer.mergeAllSegments()
            try writer.commit()
            writer.close()
        }
        snapshot = try IndexSnapshot.open(directory: dir)
        #expect(snapshot.segments.count == 1)
        #expect(try snapshot.segments[0].documentLanguageCodes == [Language.code(of: .zh), Language.code(of: .en)])
        #expect(snapshot.segments[0].madeDocumentLanguageCodes == [0, 1])
        #expect(IndexCheck.run(directory: dir).problems.isEmpty)
    }

    /// Writes the fixture's input and compares every file with the committed bytes. With
    /// PARASEARCH_WRITE_FIXTURES=1 it writes them instead (after a deliberate format change).
    @Test func writingTheSameInputGivesTheFixtureBytes() throws {
        // The content hash of the fixture's source file is what the indexer stored.
        let source = try Data(contentsOf: Self.fixtures.appendingPathComponent("a.md"))
        #expect(source.withUnsafeBytes { contentHash($0) } == Self.document.contentHash)
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "a.md", with: [Self.document])
        try writer.commit()
        let update = ProcessInfo.processInfo.environment["PARASEARCH_WRITE_FIXTURES"] == "1"
        // The manifest records each file's fingerprint (device, inode, change time): compare
        // the rest, and that every file has one.
        var written = try #require(try Manifest.read(directory: dir))
        #expect(written.segments.allSatisfy { Set(($0.files ?? [:]).keys) == ["terms", "postings", "positions", "norms", "stored"] })
        for i in written.segments.indices { written.segments[i].files = nil }
        if update {
            try written.publish(directory: Self.fixtures.appendingPathComponent("v5").path, keepingPrevious: true) {}
        }
        let fixture = try #require(try Manifest.read(directory: Self.fixtures.appendingPathComponent("v5").path))
        #expect(written == fixture)
        for name in ["seg-000001.terms", "seg-000001.postings", "seg-000001.positions",
                     "seg-000001.norms", "seg-000001.stored"] {
            let written = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            let path = Self.fixtures.appendingPathComponent("v5/" + name)
            if update {
                try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
                try written.write(to: path)
            }
            #expect(written == (try Data(contentsOf: path)), "\(name) differs from the version 5 fixture")
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
