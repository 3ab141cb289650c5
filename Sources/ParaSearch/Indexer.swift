import Foundation
import ParaCore
import ParaExtraction
import ParaIndex

/// What an indexing run did.
public struct IndexingReport: Sendable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    /// Files that could not be read, each with a message naming it. A file that failed keeps
    /// whatever version of it the index already had.
    public var failures: [ParaError] = []
    /// Files indexed with something to tell (bad bytes read as U+FFFD, repaired markup).
    public var warnings: [ParaError] = []
    public var documents = 0
    public var paragraphs = 0
    public var segments = 0
    public var seconds = 0.0
}

/// Brings an index up to date with files on disk: new files are added, changed files
/// replaced, files gone from the given folders removed, unchanged files skipped.
public struct Indexer {
    public let directory: String
    public var extractor = DocumentExtractor()

    public init(directory: String) {
        self.directory = directory
    }

    /// Bytes the in-memory segment may use before it is written out.
    public var memoryBudget = IndexWriter.defaultMemoryBudget
    /// Merge the whole index into one segment at the end.
    public var mergeAll = false

    /// Indexes `paths` (files or folders, searched recursively).
    /// - Parameters:
    ///   - rebuild: drop everything in the index first.
    ///   - progress: called now and then with a line for the user.
    public func index(paths: [String], rebuild: Bool = false,
                      progress: ((String) -> Void)? = nil) throws -> IndexingReport {
        let start = Date()
        var report = IndexingReport()
        let writer = try IndexWriter(directory: directory, memoryBudget: memoryBudget, discardingUnreadable: rebuild)
        defer { writer.close() }
        if rebuild { try writer.removeAll() }
        if mergeAll { writer.mergeAllSegments() }
        var known: [String: String] = [:]   // source → content hash
        for d in try writer.documents where !rebuild { known[d.metadata.source] = d.contentHash }

        var files: [String] = []
        var roots: [String] = []
        for p in paths {
            let path = p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                report.failures.append(ParaError(file: path, "no such file or folder"))
                continue
            }
            if isDir.boolValue {
                roots.append(path)
                files += Self.inputFiles(under: path, failures: &report.failures)
            } else {
                roots.append(path)
                files.append(path)
            }
        }
        let seen = Set(files)
        var lastReport = Date()
        // Files are read and extracted on every core, a window at a time, and handed to the
        // writer in order (the writer is single-threaded; JSON Lines stream on this thread).
        let window = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2
        var prepared: [Int: Prepared] = [:]
        var nextWindow = 0
        for (n, file) in files.enumerated() {
            if n == nextWindow {
                // Up to `window` files, and no more than `prefetchBytes` of them at once.
                var end = n, bytes = 0
                while end < files.count, end - n < window {
                    bytes += Self.size(files[end])
                    if end > n, bytes > Self.prefetchBytes { break }
                    end += 1
                }
                prepared = prepare(files[n..<end], startingAt: n, known: known)
                nextWindow = end
            }
            if let progress, Date().timeIntervalSince(lastReport) > 1 {
                progress("indexing: \(n) of \(files.count) files read")
                lastReport = Date()
            }
            do {
                let ready = prepared.removeValue(forKey: n)
                let hash = try ready?.hash.get() ?? Self.hash(file, limit: extractor.maxFileBytes)
                if known[file] == hash { report.unchanged += 1; continue }
                try writer.beginReplacing(source: file)
                do {
                    var documents = 0
                    let each: ((ExtractedDocument) throws -> Void) throws -> Void = { body in
                        if let extracted = ready?.documents {
                            for d in try extracted.get() { try body(d) }
                        } else {
                            try extractor.forEachDocument(path: file, body)
                        }
                    }
                    try each { doc in
                        for w in doc.warnings { report.warnings.append(ParaError(file: file, w)) }
                        try writer.add(IndexableDocument(document: doc, contentHash: hash))
                        documents += 1
                        if let progress, documents % 1000 == 0, Date().timeIntervalSince(lastReport) > 2 {
                            progress("indexing: \(file): \(documents) documents so far (file \(n + 1) of \(files.count))")
                            lastReport = Date()
                        }
                    }
                } catch {
                    // Part of the file may be in the index buffer: drop it, keep the old version.
                    writer.abandon(source: file)
                    throw error
                }
                if known[file] != nil { report.updated += 1 } else { report.added += 1 }
            } catch let error as ParaError {
                report.failures.append(error)
            } catch {
                report.failures.append(ParaError(file: file, "cannot read: \(error.localizedDescription)"))
            }
        }
        // Files that were indexed from these roots and are gone now.
        for source in known.keys where !seen.contains(source) {
            if roots.contains(where: { source == $0 || source.hasPrefix($0 == "." ? "./" : $0 + "/") }) && !FileManager.default.fileExists(atPath: source) {
                writer.remove(source: source)
                report.removed += 1
            }
        }
        if writer.hasChanges || !IndexSnapshot.exists(directory: directory) { try writer.commit() }
        report.failures.sort { ($0.file ?? "", $0.message) < ($1.file ?? "", $1.message) }
        let counts = try IndexSnapshot.counts(directory: directory)
        report.documents = counts.documents
        report.paragraphs = counts.paragraphs
        report.segments = counts.segments
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// A file hashed and, unless unchanged or streamed, extracted ahead of the writer.
    struct Prepared {
        var hash: Result<String, Error>
        var documents: Result<[ExtractedDocument], Error>?
    }

    /// At most this many bytes of files are extracted ahead, in parallel; a larger file and
    /// JSON Lines are read when their turn comes, so that memory stays bounded.
    static let prefetchBytes = 32 << 20

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    /// Hashes and extracts `files` on every core; keyed by their index in the whole list.
    func prepare(_ files: ArraySlice<String>, startingAt first: Int, known: [String: String]) -> [Int: Prepared] {
        final class Results: @unchecked Sendable {   // written under the lock, read after the join
            let lock = NSLock()
            var slots: [Prepared?]
            init(_ n: Int) { slots = Array(repeating: nil, count: n) }
            func set(_ i: Int, _ p: Prepared) { lock.lock(); slots[i] = p; lock.unlock() }
        }
        let list = Array(files)
        let results = Results(list.count)
        let extractor = self.extractor
        DispatchQueue.concurrentPerform(iterations: list.count) { i in
            let file = list[i]
            let hash = Result { try Self.hash(file, limit: extractor.maxFileBytes) }
            var documents: Result<[ExtractedDocument], Error>? = nil
            if case .success(let h) = hash, known[file] != h, InputFormat(path: file) != .jsonLines, Self.size(file) <= Self.prefetchBytes {
                documents = Result { try extractor.extract(path: file) }
            }
            results.set(i, Prepared(hash: hash, documents: documents))
        }
        var out: [Int: Prepared] = [:]
        for (i, p) in results.slots.enumerated() { if let p { out[first + i] = p } }
        return out
    }

    /// The content hash of a file, read in chunks (a large file never sits in memory whole).
    static func hash(_ path: String, limit: Int) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ParaError(file: path, "no such file") }
        if isDir.boolValue { throw ParaError(file: path, "is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ParaError(file: path, "cannot read file: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        var hasher = ContentHasher()
        var total = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 8 << 20) ?? Data() } catch {
                throw ParaError(file: path, "cannot read file (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            total += chunk.count
            if total > limit { throw ParaError(file: path, "file is over the \(limit >> 20) MB limit") }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.value
    }

    /// Input files under a folder, sorted; hidden entries and sidecars skipped.
    static func inputFiles(under root: String, failures: inout [ParaError]) -> [String] {
        InputFiles.find(under: root, failures: &failures)
    }
}
