import Foundation
import Testing
import ParaTestSupport
@testable import ParaIndex
import ParaAnalysis
import ParaCore


func document(_ id: String, source: String, language: Language = .en, _ texts: [String], numbered: Bool = true) -> IndexableDocument {
    let paragraphs = texts.enumerated().map { i, t in
        Paragraph(ordinal: i + 1, number: numbered ? String(i + 1) : nil, headings: ["A. Section"], text: t)
    }
    return IndexableDocument(document: ExtractedDocument(
        metadata: DocumentMetadata(id: id, symbol: "X/\(id)", language: language, title: "Title \(id)", source: source,
                                   extra: ["date": "2025-01-01"]),
        paragraphs: paragraphs), contentHash: "h-\(id)")
}

@Suite struct IndexRoundTripTests {
    @Test func whatWasAddedIsWhatIsReadBack() throws {
        let dir = temporaryDirectory()
        let docs = [
            document("b", source: "b.md", ["Asset recovery in the Arab Spring countries.", "Second paragraph about assets."]),
            document("a", source: "a.txt", language: .zh, ["资产追回试点项目", "核风险"], numbered: false),
        ]
        let writer = try IndexWriter(directory: dir)
        for d in docs { try writer.replace(source: d.document.metadata.source, with: [d]) }
        let summary = try writer.commit()
        writer.close()
        #expect(summary == CommitSummary(generation: 1, addedDocuments: 2, removedDocuments: 0, segments: 1, paragraphs: 4))

        let snap = try IndexSnapshot.open(directory: dir)
        #expect(snap.documentCount == 2 && snap.paragraphCount == 4)
        let seg = snap.segments[0]
        // Documents keep the order they were added in.
        #expect(try seg.documents.map(\.metadata.id) == ["b", "a"])
        #expect(try seg.documents[0].metadata == docs[0].document.metadata)
        #expect(try seg.documents[0].contentHash == "h-b")
        #expect(try seg.paragraph(0) == docs[0].document.paragraphs[0])
        #expect(try seg.paragraph(3) == docs[1].document.paragraphs[1])

        // Every term's postings and positions equal what the analyzer produces.
        var expected: [String: [(Int, [Int])]] = [:]
        var lengths: [Int] = []
        let texts = docs[0].document.paragraphs.map(\.text) + docs[1].document.paragraphs.map(\.text)
        for (local, text) in texts.enumerated() {
            let tokens = Analyzer().tokens(text)
            lengths.append(tokens.count)
            var byTerm: [String: [Int]] = [:]
            for t in tokens { byTerm[t.term, default: []].append(t.position) }
            // Then the section path, title first, each after a gap of 16 positions, its terms
            // marked; not part of the length.
            var next = (tokens.last?.position ?? -1) + 1
            for heading in ["Title \(local < 2 ? "b" : "a")", "A. Section"] {
                let base = next + 16
                for t in Analyzer().tokens(heading) {
                    byTerm["\u{1}" + t.term, default: []].append(base + t.position)
                    next = base + t.position + 1
                }
            }
            for (term, ps) in byTerm { expected[term, default: []].append((local, ps)) }
        }
        #expect((0..<4).map { seg.length(of: $0) } == lengths)
        #expect(seg.termCount == expected.count)
        for (term, postings) in expected {
            let info = try #require(try seg.lookup(Array(term.utf8)))
            #expect(info.documentFrequency == postings.count)
            var cursor = seg.cursor(info)
            for (local, positions) in postings {
                #expect(cursor.doc == local)
                #expect(cursor.frequency == positions.count)
                #expect(cursor.positions() == positions)
                cursor.next()
            }
            #expect(cursor.doc == PostingsCursor.end)
            #expect(!cursor.isCorrupt)
        }
        #expect(try seg.lookup(Array("absent".utf8)) == nil)
        var prefixed: [String] = []
        try seg.terms(withPrefix: Array("资".utf8)) { name, _ in prefixed.append(String(decoding: name, as: UTF8.self)) }
        #expect(prefixed == ["资产"])
    }

    /// Look-ups over many dictionary blocks of terms that share their first 8 bytes (the block
    /// keys say nothing between them) or are prefixes of one another: every term is found with
    /// what a scan of the dictionary gives, no other byte string is, and a prefix finds the
    /// terms that begin with it.
    @Test func lookUpsFindWhatAScanOfTheDictionaryFinds() throws {
        var random = SplitMix64(state: 7)
        let letters = Array("abz".utf8), hans = ["资", "产", "追"]
        func word() -> String {
            if random.next() % 5 == 0 { return (0..<2).map { _ in hans[Int(random.next() % 3)] }.joined() }
            let n = Int(random.next() % 14) + 1
            return String(decoding: (0..<n).map { _ in letters[Int(random.next() % 3)] }, as: UTF8.self)
        }
        let texts = (0..<600).map { _ in (0..<8).map { _ in word() }.joined(separator: " ") }
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "s", with: [document("d", source: "s", texts)])
        try writer.commit()
        let seg = try IndexSnapshot.open(directory: dir).segments[0]
        var terms: [[UInt8]: TermInfo] = [:]
        try seg.allTerms { terms[$0] = $1 }
        #expect(terms.count > 1_500 && seg.blockCount > 40)
        var probes = Array(terms.keys)
        for term in terms.keys {
            probes.append(term + [UInt8(ascii: "a")])
            probes.append(Array(term.dropLast()))
            probes.append(Array(term.dropLast()) + [term.last! &+ 1])
            probes.append([0] + term)
        }
        probes += [[], [0], [0xFF], Array(repeating: UInt8(ascii: "z"), count: 20)]
        let wrong = try probes.filter { try seg.lookup($0) != terms[$0] }
        #expect(wrong.count == 0, "\(wrong.prefix(3))")
        for prefix in [[], Array("a".utf8), Array("abza".utf8), Array("abzabzab".utf8), Array("abzabzabz".utf8),
                       Array("zzzzzzzzz".utf8), Array("资".utf8), [0xFF]] {
            var listed: [[UInt8]] = []
            try seg.terms(withPrefix: prefix) { name, _ in listed.append(name) }
            let expected = terms.keys.filter { $0.starts(with: prefix) }.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(listed == expected, "\(prefix)")
        }
    }

    @Test func cursorAdvanceNeverMovesBackAndIsLegalAfterTheEnd() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "s", with: [document("d", source: "s", (0..<300).map { $0 % 3 == 0 ? "common rare\($0)" : "common" })])
        try writer.commit()
        let seg = try IndexSnapshot.open(directory: dir).segments[0]
        var c = seg.cursor(try #require(try seg.lookup(Array("common".utf8))))
        c.advance(to: 150)
        #expect(c.doc == 150)
        c.advance(to: 10)
        #expect(c.doc == 150)
        c.advance(to: 299)
        #expect(c.doc == 299)
        c.next()
        #expect(c.doc == PostingsCursor.end)
        c.advance(to: 5)
        c.next()
        #expect(c.doc == PostingsCursor.end)
    }

    @Test func incrementalReplaceAndRemoveKeepOldSnapshotsReadable() throws {
        let dir = temporaryDirectory()
        var writer = try IndexWriter(directory: dir)
        try writer.replace(source: "a", with: [document("a", source: "a", ["alpha one"])])
        try writer.replace(source: "b", with: [document("b", source: "b", ["beta two"])])
        try writer.commit()
        writer.close()
        let old = try IndexSnapshot.open(directory: dir)

        writer = try IndexWriter(directory: dir)
        try writer.replace(source: "c", with: [document("c", source: "c", ["gamma three"])])
        try writer.commit()
        try writer.replace(source: "a", with: [document("a2", source: "a", ["alpha changed"])])
        writer.remove(source: "b")
        let s = try writer.commit()
        writer.close()
        #expect(s.removedDocuments == 2 && s.addedDocuments == 1)

        let new = try IndexSnapshot.open(directory: dir)
        #expect(try Set(new.segments.flatMap { try $0.documents.map(\.metadata.id) }) == ["a2", "c"])
        #expect(new.paragraphCount == 2)
        // The old snapshot still reads its files.
        #expect(try old.segments.flatMap { try $0.documents.map(\.metadata.id) } == ["a", "b"])
        #expect(try old.segments[0].paragraph(1).text == "beta two")
        // Only the live segment files remain, and those of the commit before (kept for
        // check --repair); one more commit and the older ones go too, while the snapshot
        // that maps them still reads them.
        func segmentFiles() throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("seg-") }.map { String($0.split(separator: ".")[0]) })
        }
        let previous = try #require(try Manifest.read(directory: dir, fileName: Manifest.previousFileName))
        #expect(try segmentFiles() == Set(new.segments.map(\.name) + previous.segments.map(\.name)))
        writer = try IndexWriter(directory: dir)
        try writer.replace(source: "d", with: [document("d", source: "d", ["delta four"])])
        try writer.commit()
        writer.close()
        let newest = try IndexSnapshot.open(directory: dir)
        #expect(try segmentFiles() == Set(newest.segments.map(\.name) + new.segments.map(\.name)))
        #expect(try old.segments[0].paragraph(1).text == "beta two")
    }

    @Test func segmentCountStaysBounded() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        for i in 0..<20 {
            try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", ["text number \(i)"])])
            try writer.commit()
        }
        let snap = try IndexSnapshot.open(directory: dir)
        // Ten one-paragraph segments merge into one of tier 1: 20 commits leave 2 segments.
        #expect(snap.segments.count == 2)
        #expect(snap.segments.map(\.paragraphCount) == [10, 10])
        #expect(snap.documentCount == 20)
        #expect(try Set(snap.segments.flatMap { try $0.documents.map(\.metadata.id) }) == Set((0..<20).map { "d\($0)" }))
    }

    @Test func segmentsMergedWithinOneCommitLeaveNoFiles() throws {
        // Documents over the smallest budget (64 KB), so that each is flushed on its own: 25
        // segments in one commit, merged by tiers before it is published.
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir, memoryBudget: 1)
        writer.tiersOnly = true
        for i in 0..<25 {
            let text = (0..<3000).map { "w\(i)x\($0)" }.joined(separator: " ")
            try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", [text])])
        }
        try writer.commit()
        writer.close()
        let snap = try IndexSnapshot.open(directory: dir)
        #expect(snap.segments.count < 25 && snap.documentCount == 25)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("seg-") }
        #expect(files.count == 5 * snap.segments.count)
        #expect(Set(files.map { String($0.split(separator: ".")[0]) }) == Set(snap.segments.map(\.name)))
    }
}

@Suite struct IndexFailureTests {
    func build() throws -> String {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "a", with: [document("a", source: "a", ["asset recovery", "资产追回"])])
        try writer.commit()
        writer.close()
        return dir
    }

    func openError(_ dir: String) -> String? {
        do { _ = try IndexSnapshot.open(directory: dir); return nil } catch { return "\(error)" }
    }

    @Test(arguments: ["terms", "postings", "positions", "norms", "stored"])
    func aFlippedBitIsReportedNamingTheFile(ext: String) throws {
        let dir = try build()
        let path = dir + "/seg-000001." + ext
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(openError(dir) == "\(path): index file is damaged (checksum mismatch)")
    }

    @Test func aParagraphNamingNoDocumentIsReported() throws {
        let dir = try build()
        let paragraphs = try IndexSnapshot.open(directory: dir).segments[0].paragraphCount
        let path = dir + "/seg-000001.norms"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // The last paragraph's document index (after the width and the lengths) names document
        // 65,535, and the checksum is made again: only the open's own check can tell.
        let h = IndexFormat.headerSize
        let width = Int(bytes[h]) | Int(bytes[h + 1]) << 8
        let at = h + 4 + width * paragraphs + 4 * (paragraphs - 1)
        bytes.replaceSubrange(at..<(at + 4), with: [0xFF, 0xFF, 0, 0])
        let crc = CRC32.checksum(Array(bytes[..<(bytes.count - IndexFormat.footerSize)]))
        bytes.replaceSubrange((bytes.count - IndexFormat.footerSize)..<(bytes.count - IndexFormat.footerSize + 4),
                              with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(openError(dir) == "\(path): index file is damaged: paragraph \(paragraphs - 1) names document 65535")
    }

    @Test(arguments: ["terms", "postings", "stored", "manifest"])
    func aTruncatedFileIsReportedNamingTheFile(ext: String) throws {
        let dir = try build()
        let path = ext == "manifest" ? dir + "/manifest" : dir + "/seg-000001." + ext
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: path))
        let message = try #require(openError(dir))
        #expect(message.hasPrefix(path + ": index file is"))
    }

    @Test func aForeignFileIsRefused() throws {
        let dir = try build()
        let path = dir + "/seg-000001.norms"
        try Data("hello, this is not an index file at all".utf8).write(to: URL(fileURLWithPath: path))
        #expect(openError(dir) == "\(path): not a ParaSearch index file (bad magic)")
    }

    @Test func aSecondWriterGetsAClearError() throws {
        let dir = try build()
        let first = try IndexWriter(directory: dir)
        do {
            _ = try IndexWriter(directory: dir)
            Issue.record("second writer opened")
        } catch {
            #expect("\(error)".contains("another process is writing to this index"))
            // The holder is named: this process, this host, held for seconds.
            #expect("\(error)".contains("held by process \(getpid()) on "))
            #expect(!"\(error)".contains("no longer runs"))
        }
        first.close()
        _ = try IndexWriter(directory: dir)   // free again
    }

    @Test func filesOfAnUnfinishedCommitAreIgnoredAndCleanedUp() throws {
        let dir = try build()
        // A writer killed after writing segment files and a temporary manifest, before the rename.
        try Data("partial".utf8).write(to: URL(fileURLWithPath: dir + "/seg-000002.terms"))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: dir + "/manifest.tmp"))
        let snap = try IndexSnapshot.open(directory: dir)
        #expect(snap.documentCount == 1)
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "b", with: [document("b", source: "b", ["more"])])
        try writer.commit()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!names.contains("manifest.tmp"))
        #expect(try IndexSnapshot.open(directory: dir).documentCount == 2)
    }

    @Test func missingIndexIsAClearError() {
        let dir = temporaryDirectory()
        #expect(openError(dir) == "\(dir): no index here (run `parasearch index` first)")
    }
}

@Suite struct BoundedMemoryTests {
    /// A small memory budget flushes many segments and merges them by tier; the merged index
    /// holds exactly the postings of an index built in one piece.
    @Test func flushedAndMergedSegmentsEqualOneBigSegment() throws {
        var docs: [IndexableDocument] = []
        let words = ["asset", "recovery", "资产追回", "核风险", "court", "justice", "国际刑事", "LITMAS"]
        for i in 0..<3000 {
            let text = (0..<(5 + i % 17)).map { words[($0 * 7 + i * 13) % words.count] }.joined(separator: " ")
            docs.append(document("d\(i)", source: "s\(i / 10)", [text, "paragraph \(i)"]))
        }
        let small = temporaryDirectory(), big = temporaryDirectory()
        for (dir, budget) in [(small, 64 << 10), (big, 1 << 30)] {
            let writer = try IndexWriter(directory: dir, memoryBudget: budget)
            for source in 0..<300 {
                try writer.replace(source: "s\(source)", with: Array(docs[(source * 10)..<(source * 10 + 10)]))
                // (The small index is built in two commits: the second adds to a committed
                // segment, so its many flushed segments merge by tiers, not all into one.)
                if dir == small && source == 0 { try writer.commit() }
            }
            try writer.commit()
        }
        let a = try IndexSnapshot.open(directory: small), b = try IndexSnapshot.open(directory: big)
        #expect(b.segments.count == 1)
        #expect(a.segments.count > 1 && a.segments.count < 2 * IndexWriter.mergeFactor)
        #expect(a.paragraphCount == b.paragraphCount && a.totalLength == b.totalLength)
        // Every term's global postings (by document id and ordinal) are the same.
        func postings(_ snap: IndexSnapshot, _ term: String) throws -> [String] {
            var out: [String] = []
            for s in snap.segments {
                guard let info = try s.lookup(Array(term.utf8)) else { continue }
                var c = s.cursor(info)
                while c.doc != PostingsCursor.end {
                    let d = try s.document(at: s.documentIndex(of: c.doc))
                    out.append("\(d.metadata.id)#\(try s.paragraph(c.doc).ordinal):\(c.positions())")
                    c.next()
                }
            }
            return out.sorted()
        }
        for term in ["asset", "资产", "产追", "核", "litma", "paragraph", "2999"] {
            #expect(try postings(a, term) == postings(b, term), "\(term)")
        }
    }
}

@Suite struct MergeAllTests {
    /// A first build (or a rebuild) that flushed many segments ends with one; a later commit
    /// that adds to it merges by tiers and leaves the first segment as it is.
    @Test func aBuildFromNothingEndsInOneSegmentAndLaterCommitsKeepTiers() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir, memoryBudget: 1)
        func text(_ i: Int) -> String { (0..<3000).map { "w\(i)x\($0)" }.joined(separator: " ") }
        for i in 0..<12 { try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", [text(i)])]) }
        #expect(try writer.commit().segments == 1)
        let first = try IndexSnapshot.open(directory: dir).segments[0].name
        for i in 12..<15 { try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", [text(i)])]) }
        try writer.commit()
        let snap = try IndexSnapshot.open(directory: dir)
        #expect(snap.segments.count == 4 && snap.segments[0].name == first && snap.documentCount == 15)
        // Replacing a document of every segment rewrites them all, but is no rebuild: tiers.
        for i in [0, 12, 13, 14] { try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", [text(i + 100)])]) }
        try writer.commit()
        let replaced = try IndexSnapshot.open(directory: dir)
        #expect(replaced.segments.count > 1 && replaced.documentCount == 15)
    }


    @Test func mergingEverythingKeepsEveryDocumentInOneSegment() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        for i in 0..<5 {
            try writer.replace(source: "s\(i)", with: [document("d\(i)", source: "s\(i)", ["资产追回 asset \(i)", "second \(i)"])])
            try writer.commit()
        }
        #expect(try IndexSnapshot.open(directory: dir).segments.count == 5)
        writer.mergeAllSegments()
        let summary = try writer.commit()
        #expect(summary.segments == 1 && summary.paragraphs == 10)
        let snap = try IndexSnapshot.open(directory: dir)
        let seg = snap.segments[0]
        #expect(try seg.documents.map(\.metadata.id) == ["d0", "d1", "d2", "d3", "d4"])
        #expect(try seg.paragraph(9).text == "second 4")
        let info = try #require(try seg.lookup(Array("资产".utf8)))
        var c = seg.cursor(info)
        var docs: [Int] = []
        while c.doc != PostingsCursor.end { docs.append(c.doc); c.next() }
        #expect(docs == [0, 2, 4, 6, 8])
        #expect(info.documentFrequency == 5)
    }
}

@Suite struct PagesAndNotesTests {
    /// Pages and notes are stored with the paragraph, survive a merge (which copies records
    /// without decoding them), and a note's words find the paragraph that cites it.
    @Test func pagesAndNotesSurviveAMergeAndNotesAreSearchable() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        for i in 0..<3 {
            let p = Paragraph(ordinal: 1, number: "\(i + 1)", headings: ["I. Section"], text: "Asset recovery \(i).",
                              pages: [i + 7, i + 8], notes: [Note(mark: "\(i + 1)", text: "See footnote source\(i) for details."),
                                                               Note(mark: "*", text: "Issued late.")])
            let doc = IndexableDocument(document: ExtractedDocument(
                metadata: DocumentMetadata(id: "d\(i)", language: .en, title: "T", source: "s\(i)"), paragraphs: [p]), contentHash: "h\(i)")
            try writer.replace(source: "s\(i)", with: [doc])
            try writer.commit()
        }
        writer.mergeAllSegments()
        #expect(try writer.commit().segments == 1)
        let seg = try IndexSnapshot.open(directory: dir).segments[0]
        for i in 0..<3 {
            let p = try seg.paragraph(i)
            #expect(p.pages == [i + 7, i + 8])
            #expect(p.notes == [Note(mark: "\(i + 1)", text: "See footnote source\(i) for details."), Note(mark: "*", text: "Issued late.")])
            #expect(p.text == "Asset recovery \(i).")
        }
        // "source1" is only in paragraph 1's note.
        let info = try #require(try seg.lookup(Array("source1".utf8)))
        let c = seg.cursor(info)
        #expect(c.doc == 1 && info.documentFrequency == 1)
    }
}

@Suite struct SkipTests {
    /// `advance(to:)` jumps blocks with the skip entries; it must land where a plain scan lands,
    /// with the right frequency and positions, for any target.
    @Test(arguments: [1, 2, 3, 7, 50, 127, 128, 129, 300])
    func advanceWithSkipsEqualsALinearScan(stride: Int) throws {
        let dir = temporaryDirectory("skips\(stride)")
        let writer = try IndexWriter(directory: dir)
        var texts: [String] = []
        for i in 0..<2000 {
            texts.append(i % stride == 0 ? "common word \(i) " + String(repeating: "common ", count: i % 4) : "other \(i)")
        }
        try writer.replace(source: "s", with: [document("d", source: "s", texts)])
        try writer.commit()
        let seg = try IndexSnapshot.open(directory: dir).segments[0]
        let info = try #require(try seg.lookup(Array("common".utf8)))
        // The truth, by scanning.
        var truth: [(Int, Int, [Int])] = []
        var scan = seg.cursor(info)
        while scan.doc != PostingsCursor.end { truth.append((scan.doc, scan.frequency, scan.positions())); scan.next() }
        #expect(truth.count == (2000 + stride - 1) / stride)
        var rng = SplitMix64(state: UInt64(stride))
        for _ in 0..<40 {
            var c = seg.cursor(info)
            var target = 0
            while true {
                target += Int.random(in: 0...400, using: &rng)
                c.advance(to: target)
                guard let expected = truth.first(where: { $0.0 >= target }) else {
                    #expect(c.doc == PostingsCursor.end)
                    break
                }
                #expect(c.doc == expected.0)
                #expect(c.frequency == expected.1)
                if Bool.random(using: &rng) { #expect(c.positions() == expected.2) }
                target = c.doc + 1
            }
            #expect(!c.isCorrupt)
        }
    }
}


@Suite struct ManifestLanguagesTests {
    /// The manifest lists each segment's languages (merged segments the union of their
    /// parts'); a snapshot takes them from it; a manifest without them (an older index) is read
    /// from the records; `check` finds a list that disagrees with the records.
    @Test func segmentsListTheirLanguagesAndCheckComparesThem() throws {
        let dir = temporaryDirectory()
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "a", with: [document("a", source: "a", language: .en, ["asset recovery"])])
        try writer.commit()
        try writer.replace(source: "b", with: [document("b", source: "b", language: .zh, ["资产追回"])])
        try writer.commit()
        writer.mergeAllSegments()
        try writer.commit()
        writer.close()
        var manifest = try #require(try Manifest.read(directory: dir))
        #expect(manifest.segments.map(\.languages) == [["en", "zh"]])
        #expect(try IndexSnapshot.open(directory: dir).segments[0].languages == [.en, .zh])
        #expect(IndexCheck.run(directory: dir).problems.isEmpty)

        // An older manifest: no list, the records read instead.
        manifest.segments[0].languages = nil
        try manifest.publish(directory: dir, keepingPrevious: true) {}
        #expect(try IndexSnapshot.open(directory: dir).segments[0].languages == [.en, .zh])
        #expect(IndexCheck.run(directory: dir).problems.isEmpty)

        // A list that disagrees with the records.
        manifest.segments[0].languages = ["en"]
        try manifest.publish(directory: dir, keepingPrevious: true) {}
        let problems = IndexCheck.run(directory: dir).problems
        #expect(problems.count == 1 && problems[0].message.contains("the manifest says its documents are in en, they are in en, zh"))
    }
}

@Suite struct BigramEndingTests {
    /// The index of bigrams by their last character, made on two cores for a dictionary of
    /// 64 blocks or more, lists what a scan of every term finds, in dictionary order.
    @Test func bigramsEndingWithACharacterAreThoseAScanFinds() throws {
        let dir = temporaryDirectory("bigram-endings")
        var random = SplitMix64(state: 14)
        let pool = Array("资产追回洗钱恐怖主义和平发展人权儿童教育卫生水资源能源经济增长就业工业创新基础设施城市消费气候海洋森林正义伙伴关系目标指标国家区域全球贫困饥饿粮食农业健康疾病死亡妇女女孩性别平等暴力歧视青年老人残疾移民难民数据统计技术贸易债务援助")
        let texts = (0..<300).map { _ in String((0..<80).map { _ in pool[Int(random.next() % UInt64(pool.count))] }) }
        let writer = try IndexWriter(directory: dir)
        try writer.replace(source: "s", with: [document("d", source: "s", language: .zh, texts)])
        try writer.commit()
        writer.close()
        let segment = try IndexSnapshot.open(directory: dir).segments[0]
        #expect(segment.blockCount >= 64)
        var all: [[UInt8]] = []
        try segment.allTerms { name, _ in all.append(name) }
        for c in Set(pool).sorted() {
            let character = Array(String(c).utf8)
            let scanned = all.filter { $0.count == 2 * character.count && $0.first != IndexFormat.sectionMark && $0.suffix(character.count).elementsEqual(character) }
            #expect(try segment.bigrams(endingWith: character[...]) == scanned, "\(c)")
            #expect(!scanned.isEmpty)
        }
    }
}
