import Foundation
import Testing
import ParaTestSupport
@testable import ParaIndex
import ParaCore

/// `check` on sound and damaged indexes: every damaged file is reported by name, by `check`
/// and by a reader opening the index, and nothing traps.
@Suite struct CheckTests {
    /// An index of two segments with pages and notes, as a realistic small update leaves it.
    func build() throws -> String {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        var texts: [String] = []
        for i in 0..<300 { texts.append("Paragraph \(i) on asset recovery 资产追回 and the rule of law, case \(i % 17).") }
        try writer.replace(source: "a", with: [document("a", source: "a", texts)])
        try writer.commit()
        let p = Paragraph(ordinal: 1, number: "1", headings: [], text: "Notes on sanctions.", pages: [3, 4],
                          notes: [Note(mark: "1", text: "See the annex.")])
        try writer.replace(source: "b", with: [IndexableDocument(document: ExtractedDocument(
            metadata: DocumentMetadata(id: "b", language: .en, title: "B", source: "b"), paragraphs: [p]), contentHash: "hb")])
        try writer.commit()
        writer.close()
        return dir
    }

    @Test func aSoundIndexIsSoundAndEveryPostingIsWalked() throws {
        let dir = try build()
        let report = IndexCheck.run(directory: dir, sample: 50)
        #expect(report.problems == [])
        #expect(report.segments == 2 && report.documents == 2 && report.paragraphs == 301)
        #expect(report.paragraphsRederived >= 50)
        #expect(report.postings > 3000)
    }

    @Test func everyFileTruncatedZeroedOrFlippedIsReportedByName() throws {
        let dir = try build()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("seg-") || $0 == "manifest" }.sorted()
        #expect(names.count == 11)
        var rng = SplitMix64(state: 20261130)
        var tried = 0
        for name in names {
            let path = dir + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            var damaged: [Data] = []
            damaged.append(original.prefix(original.count / 2))                                  // truncated
            var zeroed = original
            let start = Int.random(in: 0..<original.count, using: &rng)
            for i in start..<min(original.count, start + 64) { zeroed[i] = 0 }
            if zeroed != original { damaged.append(zeroed) }                                       // a block zeroed
            for _ in 0..<4 {
                var flipped = original
                let i = Int.random(in: 0..<original.count, using: &rng)
                flipped[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                damaged.append(flipped)                                                            // one bit flipped
            }
            for bytes in damaged {
                try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
                tried += 1
                let report = IndexCheck.run(directory: dir, sample: 20)
                #expect(!report.isSound, "\(name): damage not found")
                #expect(report.problems.contains { ($0.file ?? "").hasSuffix(name) || ($0.file ?? "").hasSuffix(name.split(separator: ".")[0]) },
                        "\(name): \(report.problems)")
                do {
                    _ = try IndexSnapshot.open(directory: dir)
                    Issue.record("\(name): opened although damaged")
                } catch let e as ParaError {
                    #expect(e.file?.hasSuffix(name) == true, "\(name): \(e)")
                }
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(tried >= 60)
        #expect(IndexCheck.run(directory: dir).isSound)
    }

    /// One file's documents spread over several segments (the buffer flushed between two of
    /// them, as with a large JSON Lines file) is sound, and repair leaves it alone.
    @Test func aFilesDocumentsOverSeveralSegmentsAreSound() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir, memoryBudget: 64 << 10)
        writer.tiersOnly = true
        let docs = (0..<400).map { i in
            IndexableDocument(document: ExtractedDocument(
                metadata: DocumentMetadata(id: "q\(i)", language: .en, title: "q", source: "corpus.jsonl"),
                paragraphs: [Paragraph(ordinal: 1, number: nil, headings: [], text: "record \(i) on asset recovery and the rule of law")]),
                contentHash: "h")
        }
        try writer.replace(source: "corpus.jsonl", with: docs)
        try writer.commit()
        writer.close()
        #expect(try IndexSnapshot.open(directory: dir).segments.count > 1)
        let report = IndexCheck.run(directory: dir, sample: 20)
        #expect(report.problems == [] && report.documents == 400)
        #expect(try IndexRepair.run(directory: dir).droppedSegments.isEmpty)
        #expect(IndexCheck.run(directory: dir).documents == 400)
    }

    /// Opening trusts a file whose fingerprint (device, inode, size, change time) is the one
    /// the writer recorded and reads only its header and footer; `check` reads every byte.
    /// Damage that kept the fingerprint (as rot on the medium would) is found by `check`.
    @Test func openTrustsUnchangedFilesAndCheckReadsEverything() throws {
        let dir = try build()
        var manifest = try #require(try Manifest.read(directory: dir))
        let segment = manifest.segments[0]
        let path = dir + "/" + segment.name + ".stored"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        // Changed through the file system: the fingerprint differs, and opening reads it all.
        #expect(throws: ParaError.self) { _ = try IndexSnapshot.open(directory: dir) }
        // As if the medium had changed the byte under the same fingerprint.
        manifest.segments[0].files?["stored"] = try MappedFile(path: path).fingerprint
        try manifest.publish(directory: dir) {}
        _ = try IndexSnapshot.open(directory: dir)
        let report = IndexCheck.run(directory: dir, sample: 10)
        #expect(report.problems.map(\.file) == [path])
    }

    @Test func repairRollsBackToTheCommitBeforeWhenTheNewestIsDamaged() throws {
        let dir = try build()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".postings") }.sorted()
        // Damage the segment only the newest commit has (document b), and leave a dead run's leftover.
        let path = dir + "/" + names[1]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/seg-000099.terms"))
        #expect(!IndexCheck.run(directory: dir).isSound)
        let report = try IndexRepair.run(directory: dir)
        #expect(report.rolledBackTo == 1 && report.paragraphsLost == 1 && report.droppedSegments.isEmpty)
        #expect(report.after.isSound && report.after.generation == 3)
        #expect(report.after.documents == 1 && report.after.paragraphs == 300)
        #expect(!FileManager.default.fileExists(atPath: dir + "/seg-000099.terms"))
        let snapshot = try IndexSnapshot.open(directory: dir)
        #expect(try snapshot.segments.flatMap { try $0.documents.map(\.metadata.id) } == ["a"])
        // Indexing goes on after the rollback, under names never used before.
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "c", with: [document("c", source: "c", ["after the rollback"])])
        try writer.commit()
        writer.close()
        let names2 = try IndexSnapshot.open(directory: dir).segments.map(\.name)
        #expect(names2.count == 2 && !names2.contains(String(names[1].split(separator: ".")[0])))
        #expect(IndexCheck.run(directory: dir).isSound && IndexCheck.run(directory: dir).documents == 2)
    }

    @Test func repairDropsADamagedSegmentBothCommitsShare() throws {
        let dir = try build()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".postings") }.sorted()
        let path = dir + "/" + names[0]                  // document a's, in both commits
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        let report = try IndexRepair.run(directory: dir)
        #expect(report.rolledBackTo == nil)
        #expect(report.droppedSegments.map(\.name) == [String(names[0].split(separator: ".")[0])])
        #expect(report.droppedSegments.map(\.documents) == [1])
        #expect(report.after.isSound && report.after.documents == 1 && report.after.paragraphs == 1)
        #expect(try IndexSnapshot.open(directory: dir).segments.flatMap { try $0.documents.map(\.metadata.id) } == ["b"])
    }

    @Test func aDamagedManifestIsRolledBackToThePreviousCommit() throws {
        let dir = try build()
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/manifest"))
        #expect(throws: ParaError.self) { _ = try IndexSnapshot.open(directory: dir) }
        let report = try IndexRepair.run(directory: dir)
        #expect(report.rolledBackTo == 1 && report.after.isSound && report.after.documents == 1)
        #expect(report.paragraphsLost == nil)          // the damaged manifest cannot say what it held
    }
}
