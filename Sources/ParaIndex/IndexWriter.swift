import ParaCore
import ParaAnalysis

/// What one commit changed.
public struct CommitSummary: Sendable, Equatable {
    public var generation: Int
    public var addedDocuments: Int
    public var removedDocuments: Int
    public var segments: Int
    public var paragraphs: Int
}

/// The single writer of an index directory.
///
/// Opening takes an exclusive lock (`write.lock`, `flock`): a second writer gets a clear error,
/// readers are never blocked. Changes are staged with ``replace(source:with:)`` and
/// ``remove(source:)`` and become visible to new snapshots only at ``commit()``.
///
/// Segments are write-once. A commit writes one new segment holding the added documents plus
/// the surviving documents of every segment that lost one (so no segment ever carries
/// deletions and statistics stay exact), then publishes the manifest, then deletes the files
/// of segments no longer listed. When more than ``maxSegments`` would remain, all of them are
/// merged into the new one.
public final class IndexWriter {
    public let directory: String
    public static let maxSegments = 8
    private let lock: WriterLock
    private var manifest: Manifest
    private var readers: [String: SegmentReader] = [:]
    private var staged: [String: [IndexableDocument]] = [:]
    private var removed: Set<String> = []
    private var forceRebuild = false

    /// Opens (creating if needed) the index in `directory` for writing.
    public init(directory: String) throws {
        self.directory = directory
        try FileSystem.createDirectory(directory)
        lock = try WriterLock(path: directory + "/write.lock", directory: directory)
        if let m = try Manifest.read(directory: directory) {
            manifest = m
            if m.analyzer == Analyzer.identity {
                for s in m.segments { readers[s.name] = try SegmentReader(directory: directory, name: s.name) }
            } else {
                // Built by other analysis rules: nothing in it can be reused.
                manifest.segments = []
                forceRebuild = true
            }
        } else {
            manifest = Manifest(generation: 0, analyzer: Analyzer.identity, nextSegment: 1, segments: [])
        }
    }

    /// The documents currently committed, with the source each came from.
    public var documents: [StoredDocument] {
        manifest.segments.flatMap { readers[$0.name]!.documents }
    }

    /// Stages `documents` as the new content of `source`, replacing what it held.
    public func replace(source: String, with documents: [IndexableDocument]) {
        removed.remove(source)
        staged[source] = documents
    }

    /// Stages the removal of every document read from `source`.
    public func remove(source: String) {
        staged[source] = nil
        removed.insert(source)
    }

    /// Drops every committed document at the next commit.
    public func removeAll() {
        for d in documents { removed.insert(d.metadata.source) }
        forceRebuild = true
    }

    public var hasChanges: Bool { !staged.isEmpty || !removed.isEmpty || forceRebuild }

    /// Writes the staged changes and publishes them atomically.
    @discardableResult
    public func commit() throws -> CommitSummary {
        let replacedSources = removed.union(staged.keys)
        var keep: [Manifest.Segment] = []
        var rebuild: [Manifest.Segment] = []
        var removedCount = 0
        for s in manifest.segments {
            let docs = readers[s.name]!.documents
            let hits = docs.filter { replacedSources.contains($0.metadata.source) }.count
            removedCount += hits
            if hits > 0 { rebuild.append(s) } else { keep.append(s) }
        }
        let added = staged.values.flatMap { $0 }
        if keep.count + 1 > Self.maxSegments {
            rebuild += keep
            keep = []
        }
        var writer = SegmentWriter()
        var carried: [IndexableDocument] = []
        for s in rebuild {
            let reader = readers[s.name]!
            for d in reader.documents where !replacedSources.contains(d.metadata.source) {
                var paragraphs: [Paragraph] = []
                for i in d.firstParagraph..<(d.firstParagraph + d.paragraphCount) { paragraphs.append(try reader.paragraph(i)) }
                carried.append(IndexableDocument(document: ExtractedDocument(metadata: d.metadata, paragraphs: paragraphs),
                                                 contentHash: d.contentHash))
            }
        }
        writer.add(carried + added)
        var next = manifest
        next.generation += 1
        next.analyzer = Analyzer.identity
        next.segments = keep
        var written: [String] = []
        if writer.paragraphCount > 0 {
            let name = segmentName(next.nextSegment)
            next.nextSegment += 1
            written = try writer.write(directory: directory, name: name)
            next.segments.append(Manifest.Segment(name: name, paragraphs: writer.paragraphCount, documents: writer.documents.count))
        }
        do {
            try FileSystem.syncDirectory(directory)
            try next.publish(directory: directory)
        } catch {
            for f in written { FileSystem.remove(f) }
            throw error
        }
        // Published: the dropped segments' files can go (open snapshots keep their mappings).
        let live = Set(next.segments.map(\.name))
        for s in manifest.segments where !live.contains(s.name) {
            readers[s.name] = nil
            for ext in ["terms", "postings", "positions", "norms", "stored"] { FileSystem.remove(directory + "/" + s.name + "." + ext) }
        }
        removeOrphans(live: live)
        manifest = next
        for s in next.segments where readers[s.name] == nil {
            readers[s.name] = try SegmentReader(directory: directory, name: s.name)
        }
        staged = [:]
        removed = []
        forceRebuild = false
        return CommitSummary(generation: next.generation, addedDocuments: added.count, removedDocuments: removedCount,
                             segments: next.segments.count, paragraphs: next.segments.reduce(0) { $0 + $1.paragraphs })
    }

    /// Files left by a writer that died before publishing (segments not in the manifest).
    private func removeOrphans(live: Set<String>) {
        for name in FileSystem.list(directory) where name.hasPrefix("seg-") {
            let stem = String(name.split(separator: ".").first ?? "")
            if !live.contains(stem) { FileSystem.remove(directory + "/" + name) }
        }
        FileSystem.remove(directory + "/" + Manifest.fileName + ".tmp")
    }

    /// Releases the writer lock. Uncommitted changes are dropped.
    public func close() { lock.release() }
}

/// `seg-000042`: segment names are never reused, so a reader's mapped files are never
/// overwritten.
func segmentName(_ n: Int) -> String {
    let digits = String(n)
    return "seg-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
