import ParaCore
import ParaAnalysis

/// What one commit changed.
package struct CommitSummary: Sendable, Equatable {
    package var generation: Int
    package var addedDocuments: Int
    package var removedDocuments: Int
    package var segments: Int
    package var paragraphs: Int
}

/// The single writer of an index directory.
///
/// Opening takes an exclusive lock (`write.lock`, `flock`): a second writer gets a clear error,
/// readers are never blocked. Changes are staged with ``replace(source:with:)`` (or
/// ``beginReplacing(source:)`` and ``add(_:)`` for a stream of documents) and
/// ``remove(source:)``, and become visible to new snapshots only at ``commit()``.
///
/// Memory is bounded: added documents are analysed into an in-memory segment that is written
/// out as soon as it reaches the memory budget. Segments are write-once. A commit rebuilds
/// every old segment that lost a document (its surviving documents are analysed again, so no
/// segment ever carries deletions and statistics stay exact), merges segments so that their
/// number stays logarithmic in the index size (tiers of ten by size, merged without
/// re-analysis by ``SegmentMerger``), publishes the manifest, and only then deletes the files
/// of segments no longer listed.
package final class IndexWriter {
    package let directory: String
    /// Segments of one size tier (by powers of ten of paragraphs) merged together.
    package static let mergeFactor = 10
    /// The default budget for the in-memory segment.
    package static let defaultMemoryBudget = 256 << 20

    /// Sets the process's allocator so that the buffers of an indexing run go back to the
    /// system when freed (see ``FileSystem/mapLargeAllocations()``): for a process that indexes
    /// large corpora, as `parasearch index` does. Not done by the writer itself, since it
    /// changes the whole process.
    package static func mapLargeAllocations() { FileSystem.mapLargeAllocations() }
    package let memoryBudget: Int
    private let lock: WriterLock
    private var manifest: Manifest
    private var readers: [String: SegmentReader] = [:]
    private var buffer = SegmentWriter()
    /// Segments written since the last commit (not yet in the manifest).
    private var pending: [Manifest.Segment] = []
    /// The sources of each pending segment's documents (its reader is opened only to merge).
    private var pendingSources: [String: Set<String>] = [:]
    private var pendingFiles: [String] = []
    private var nextSegment: Int
    /// Sources whose committed documents go at the next commit (replaced or removed).
    private var replaced: Set<String> = []
    /// Sources given new documents since the last commit.
    private var added: Set<String> = []
    /// Sources whose new documents failed part-way: dropped at commit, the old ones kept.
    private var abandoned: Set<String> = []
    private var addedDocuments = 0
    private var forceRebuild = false
    /// Segments whose files could not be opened when the writer was opened with
    /// `discardingUnreadable`: dropped, with their documents, at the next commit.
    package private(set) var unreadableSegments: [(name: String, paragraphs: Int, documents: Int)] = []
    /// Segments dropped whole at the next commit (``dropSegments(_:)``).
    private var dropped = Set<String>()
    private var mergeAllRequested = false
    /// Merge by size tiers only, even in a commit that writes every segment anew.
    package var tiersOnly = false

    /// Opens (creating if needed) the index in `directory` for writing.
    /// - Parameter memoryBudget: bytes the in-memory segment may use before it is written out.
    /// - Parameter discardingUnreadable: start afresh when the existing index cannot be read
    ///   (another format version, damage) instead of failing — what `--rebuild` asks for.
    package init(directory: String, memoryBudget: Int = IndexWriter.defaultMemoryBudget,
                discardingUnreadable: Bool = false) throws {
        self.directory = directory
        self.memoryBudget = max(64 << 10, memoryBudget)
        try FileSystem.createDirectory(directory)
        lock = try WriterLock(path: directory + "/write.lock", directory: directory)
        var existing: Manifest? = nil
        do {
            existing = try Manifest.read(directory: directory)
        } catch where discardingUnreadable {
            existing = nil
        }
        // Files the published manifest lists stay until a commit replaces it, whatever this
        // writer means to drop; so do those of the commit before it (for `check --repair`).
        let previousManifest: Manifest? = (try? Manifest.read(directory: directory, fileName: Manifest.previousFileName)) ?? nil
        let previous = previousManifest?.segments ?? []
        let published = Set((existing?.segments ?? []).map(\.name) + previous.map(\.name))
        publishedSegments = Set((existing?.segments ?? []).map(\.name))
        if var m = existing, discardingUnreadable {
            // Keep the segments that open; the others are lost (and listed).
            let lost = m.segments.filter { (try? SegmentReader(directory: directory, name: $0.name, residency: .sequentialOnce)) == nil }
            unreadableSegments = lost.map { ($0.name, $0.paragraphs, $0.documents) }
            m.segments.removeAll { s in lost.contains { $0.name == s.name } }
            existing = m
        }
        if let m = existing {
            manifest = m
            if m.analyzer == Analyzer.identity {
                for s in m.segments { readers[s.name] = try SegmentReader(directory: directory, name: s.name, residency: .sequentialOnce) }
            } else {
                // Built by other analysis rules: nothing in it can be reused.
                builtByOtherRules = m.analyzer
                manifest.segments = []
                forceRebuild = true
            }
        } else {
            manifest = Manifest(generation: 0, analyzer: Analyzer.identity, nextSegment: 1, segments: [])
        }
        // Never reuse a name: not one a manifest gave out, nor one a file on disk has (a
        // manifest that could not be read, a rolled-back commit).
        let onDisk = FileSystem.list(directory).compactMap { name -> Int? in
            guard name.hasPrefix("seg-") else { return nil }
            return Int(name.dropFirst(4).prefix { $0.isNumber })
        }.max() ?? 0
        nextSegment = max(manifest.nextSegment, (previousManifest?.nextSegment ?? 1), onDisk + 1)
        // A commit whose directory sync failed may not be durable yet: sync before deleting
        // what it replaced.
        try FileSystem.syncDirectory(directory)
        removeOrphans(live: published.union(manifest.segments.map(\.name)))
    }

    deinit {
        // Uncommitted segment files are not referenced by any manifest.
        for f in pendingFiles { FileSystem.remove(f) }
    }

    /// The folder that sources are relative to, as the index records it; set it to record one
    /// (it is published with the next commit).
    package var root: String? {
        get { manifest.root }
        set { if manifest.root != newValue { manifest.root = newValue; rootChanged = true } }
    }
    private var rootChanged = false
    /// The segments of the manifest on disk (the commit the next one will replace).
    private var publishedSegments = Set<String>()

    /// The documents currently committed, with the source each came from.
    package var documents: [StoredDocument] {
        get throws { try manifest.segments.flatMap { try reader($0.name).documents } }
    }

    /// Stages `documents` as the new content of `source`, replacing what it held.
    package func replace(source: String, with documents: [IndexableDocument]) throws {
        try beginReplacing(source: source)
        for d in documents { try add(d) }
    }

    /// Starts replacing `source`: its committed documents go at the next commit; add the new
    /// ones with ``add(_:)``.
    package func beginReplacing(source: String) throws {
        guard added.insert(source).inserted else {
            throw ParaError(.invalidRequest, file: source, "given twice before one commit")
        }
        replaced.insert(source)
    }

    /// Adds one document (of a source passed to ``beginReplacing(source:)``), writing the
    /// in-memory segment out when it reaches the memory budget.
    package func add(_ document: IndexableDocument) throws {
        buffer.add(document)
        addedDocuments += 1
        if buffer.estimatedBytes >= memoryBudget { try flush() }
    }

    /// Gives up on the documents added for `source` since ``beginReplacing(source:)`` (its
    /// file failed part-way): they are dropped at commit and its committed documents kept.
    package func abandon(source: String) {
        abandoned.insert(source)
        replaced.remove(source)
    }

    /// Stages the removal of every document read from `source`.
    package func remove(source: String) {
        replaced.insert(source)
    }

    /// Drops every committed document at the next commit.
    package func removeAll() throws {
        for d in try documents { replaced.insert(d.metadata.source) }
        forceRebuild = true
    }

    /// Asks the next commit to merge every segment into one (fewer, larger segments answer
    /// queries faster and share one dictionary; it costs a pass over the whole index).
    package func mergeAllSegments() {
        mergeAllRequested = true
    }

    /// The analysis rules of the index found, when they are not this version's: its documents
    /// are dropped at the next commit (an indexer of files adds them again from the files).
    package private(set) var builtByOtherRules: String? = nil

    /// The generation of the last commit (0 before the first).
    package var committedGeneration: Int { manifest.generation }

    package var hasChanges: Bool {
        !replaced.isEmpty || addedDocuments > 0 || forceRebuild || mergeAllRequested || rootChanged
            || !dropped.isEmpty || !unreadableSegments.isEmpty
    }

    /// Drops whole segments, and every document in them, at the next commit: what `check
    /// --repair` does with a segment found damaged.
    package func dropSegments(_ names: Set<String>) {
        dropped.formUnion(names.filter { n in manifest.segments.contains { $0.name == n } })
    }

    private func newSegmentName() -> String {
        defer { nextSegment += 1 }
        return segmentName(nextSegment)
    }

    /// The reader of a segment, opened on first use. The writer reads a segment once, front
    /// to back (to merge or rebuild it), so its pages are not kept resident.
    private func reader(_ name: String) throws -> SegmentReader {
        if let r = readers[name] { return r }
        let r = try SegmentReader(directory: directory, name: name, residency: .sequentialOnce)
        readers[name] = r
        return r
    }

    /// Writes the in-memory segment out as a pending segment.
    private func flush() throws {
        guard buffer.paragraphCount > 0 else { buffer = SegmentWriter(); return }
        let name = newSegmentName()
        let files = try buffer.write(directory: directory, name: name)
        pendingFiles += files
        pending.append(Manifest.Segment(name: name, paragraphs: buffer.paragraphCount, documents: buffer.documents.count,
                                        languages: Set(buffer.documents.map(\.metadata.language.rawValue)).sorted()))
        // (Inserted one by one: `Set(array)` reserves room for every document, and a buffer of
        // 75,000 records from one file kept 2.3 MB per segment until the commit.)
        var sources = Set<String>()
        for d in buffer.documents { sources.insert(d.metadata.source) }
        pendingSources[name] = sources
        buffer = SegmentWriter()
        FileSystem.returnFreedMemory()
    }

    /// Writes the staged changes and publishes them atomically.
    @discardableResult
    package func commit() throws -> CommitSummary {
        guard !failed else { throw ParaError(.invalidRequest, file: directory, "a commit of this writer failed; open a new writer") }
        do {
            return try commitChanges()
        } catch {
            // Its staged state no longer matches the directory: a retry could double or drop
            // documents. A new writer starts from what was published.
            failed = true
            throw error
        }
    }

    private var failed = false

    private func commitChanges() throws -> CommitSummary {
        // (Nothing committed yet, or nothing left: this commit writes the whole index.)
        let firstCommit = manifest.segments.isEmpty
        // Pending segments (and the buffer) may hold documents of abandoned sources.
        try flush()
        var keep: [Manifest.Segment] = []
        var removedCount = 0
        var rebuild: [(SegmentReader, Set<String>)] = []
        for s in manifest.segments where !dropped.contains(s.name) {
            let docs = try reader(s.name).documents
            let hits = docs.filter { replaced.contains($0.metadata.source) }.count
            removedCount += hits
            if hits > 0 { rebuild.append((try reader(s.name), replaced)) } else { keep.append(s) }
        }
        var fresh: [Manifest.Segment] = []
        for s in pending {
            if !abandoned.isEmpty, !(pendingSources[s.name] ?? []).isDisjoint(with: abandoned) {
                rebuild.append((try reader(s.name), abandoned))
            } else {
                fresh.append(s)
            }
        }
        pending = fresh
        // Survivors of segments that lost documents are analysed again into new segments.
        for (reader, drop) in rebuild {
            for index in 0..<reader.documentCount {
                let d = try reader.document(at: index)
                if drop.contains(d.metadata.source) { continue }
                var paragraphs: [Paragraph] = []
                for i in d.firstParagraph..<(d.firstParagraph + d.paragraphCount) { paragraphs.append(try reader.paragraph(i)) }
                buffer.add(IndexableDocument(document: ExtractedDocument(metadata: d.metadata, paragraphs: paragraphs),
                                             contentHash: d.contentHash))
                if buffer.estimatedBytes >= memoryBudget { try flush() }
            }
        }
        try flush()
        var segments = keep + pending
        // A commit to an empty index (the first build), or a rebuild, ends with one segment:
        // its tier merges would copy the paragraphs about as often as one merge of all
        // (measured on the perf corpus: 43 s with tiers, 40 s with one merge), and one segment
        // is the smaller index (one dictionary) and the faster to search. Later commits keep
        // the tiers, so that a small change stays cheap.
        let mergeAll = mergeAllRequested || (firstCommit || forceRebuild) && !tiersOnly
        // Merging everything into one segment anyway: tier merges first would copy it twice.
        if !mergeAll { try mergeTiers(&segments) }
        if mergeAll && segments.count > 1 {
            let name = newSegmentName()
            let output = try SegmentMerger.merge(try segments.map { try reader($0.name) }, directory: directory, name: name)
            pendingFiles += output.files
            segments = [Manifest.Segment(name: name, paragraphs: output.paragraphs, documents: output.documents,
                                         languages: Manifest.Segment.languages(of: segments))]
        }
        // New segments: record how their files look now that they are written whole and
        // synced, so that readers need not read every byte to trust them.
        // The fingerprint is taken from the very mapping whose checksum was just verified, so
        // that what the manifest vouches for is what was checked.
        for i in segments.indices where segments[i].files == nil {
            var files: [String: String] = [:]
            for (ext, kind) in [("terms", IndexFormat.Kind.terms), ("postings", .postings), ("positions", .positions),
                                ("norms", .norms), ("stored", .stored)] {
                let file = try MappedFile(path: directory + "/" + segments[i].name + "." + ext)
                _ = try IndexFormat.validate(file.bytes, kind: kind, file: file.path) { file.dropResidentPages($0) }
                files[ext] = file.fingerprint
            }
            segments[i].files = files
        }
        var next = manifest
        next.generation += 1
        next.analyzer = Analyzer.identity
        next.nextSegment = nextSegment
        next.segments = segments
        try FileSystem.syncDirectory(directory)
        // Once the manifest is renamed into place the commit is live, even if the directory
        // sync after it fails: its files stop being this writer's to delete.
        let replacedCommit = publishedSegments
        try next.publish(directory: directory) {
            manifest = next
            publishedSegments = Set(next.segments.map(\.name))
            pendingFiles = []
            rootChanged = false
        }
        // Published: the dropped segments' files can go (open snapshots keep their mappings) —
        // the replaced segments of the commit before last, and segments written since and
        // merged away. The last commit's stay, as the previous one.
        let live = Set(next.segments.map(\.name)).union(replacedCommit)
        for name in Array(readers.keys) where !next.segments.contains(where: { $0.name == name }) { readers[name] = nil }
        removeOrphans(live: live)
        let summary = CommitSummary(generation: next.generation, addedDocuments: addedDocuments, removedDocuments: removedCount,
                                    segments: next.segments.count, paragraphs: next.segments.reduce(0) { $0 + $1.paragraphs })
        pending = []
        pendingSources = [:]
        replaced = []
        added = []
        abandoned = []
        mergeAllRequested = false
        addedDocuments = 0
        forceRebuild = false
        dropped = []
        unreadableSegments = []
        return summary
    }

    /// Merges segments of the same size tier (10^k ≤ paragraphs < 10^(k+1)) in groups of
    /// ``mergeFactor``, smallest tier first, until no tier is full: with n paragraphs there are
    /// at most (mergeFactor − 1) segments per tier and log10(n) tiers.
    private func mergeTiers(_ segments: inout [Manifest.Segment]) throws {
        func tier(_ s: Manifest.Segment) -> Int {
            var t = 0, n = max(1, s.paragraphs)
            while n >= 10 { n /= 10; t += 1 }
            return t
        }
        while true {
            let byTier = Dictionary(grouping: segments, by: tier)
            guard let (_, group) = byTier.filter({ $0.value.count >= Self.mergeFactor }).min(by: { $0.key < $1.key }) else { return }
            let chosen = Array(group.sorted { $0.name < $1.name }.prefix(Self.mergeFactor))
            let name = newSegmentName()
            let output = try SegmentMerger.merge(try chosen.map { try reader($0.name) }, directory: directory, name: name)
            pendingFiles += output.files
            let merged = Set(chosen.map(\.name))
            // Merged parts are no longer needed in memory (their files go after the commit).
            for m in merged where manifest.segments.allSatisfy({ $0.name != m }) { readers[m] = nil }
            // The merged segment takes the place of the first of its parts (order is stable).
            var result: [Manifest.Segment] = []
            var placed = false
            for s in segments {
                if merged.contains(s.name) {
                    if !placed {
                        result.append(Manifest.Segment(name: name, paragraphs: output.paragraphs, documents: output.documents,
                                                       languages: Manifest.Segment.languages(of: chosen)))
                        placed = true
                    }
                } else {
                    result.append(s)
                }
            }
            segments = result
        }
    }

    /// Segment files no commit lists: those of a writer that died before publishing, and after a
    /// commit those it replaced (files still being written, `pendingFiles`, are kept).
    private func removeOrphans(live: Set<String>) {
        for name in FileSystem.list(directory) where name.hasPrefix("seg-") {
            let stem = String(name.split(separator: ".").first ?? "")
            if !live.contains(stem) && !pendingFiles.contains(directory + "/" + name) { FileSystem.remove(directory + "/" + name) }
        }
        FileSystem.remove(directory + "/" + Manifest.fileName + ".tmp")
        FileSystem.remove(directory + "/" + Manifest.previousFileName + ".tmp")
    }

    /// Releases the writer lock. Uncommitted changes are dropped.
    package func close() { lock.release() }
}

/// `seg-000042`: segment names are never reused, so a reader's mapped files are never
/// overwritten.
func segmentName(_ n: Int) -> String {
    let digits = String(n)
    return "seg-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
