import Foundation
import ParaCore
import ParaExtraction
import ParaIndex

/// What an indexing run did.
public struct IndexingReport: Sendable {
    /// Files indexed for the first time.
    public var added = 0
    /// Files indexed again because they changed.
    public var updated = 0
    /// Files whose documents were removed (gone from the folders given, or asked to be).
    public var removed = 0
    /// Files skipped because they had not changed.
    public var unchanged = 0
    /// Files that could not be read, each with a message naming it. A file that failed keeps
    /// whatever version of it the index already had.
    public var failures: [ParaError] = []
    /// Files indexed with something to tell (bad bytes read as U+FFFD, repaired markup).
    public var warnings: [ParaError] = []
    /// What was done that the user did not ask for in so many words (a path given that no
    /// longer exists had its documents removed).
    public var notices: [ParaError] = []
    /// Documents in the index after the run.
    public var documents = 0
    /// Paragraphs in the index after the run.
    public var paragraphs = 0
    /// Segments in the index after the run.
    public var segments = 0
    /// How long the run took.
    public var seconds = 0.0
}

/// Brings an index up to date with files on disk: new files are added, changed files
/// replaced, files gone from the given folders removed, unchanged files skipped.
public struct Indexer: Sendable {
    /// The index directory.
    public let directory: String
    package var extractor = DocumentExtractor()

    /// An indexer of the index in `directory` (created by the first run).
    public init(directory: String) {
        self.directory = directory
    }

    /// Bytes the in-memory segment may use before it is written out.
    public var memoryBudget = IndexWriter.defaultMemoryBudget
    /// Merge the whole index into one segment at the end. (A run that writes the whole index
    /// anew, a first build or a rebuild, ends with one segment anyway.)
    public var mergeAll = false
    /// Merge by size tiers only, even in a run that writes the whole index anew (tests of
    /// many segments).
    package var tiersOnly = false

    /// Indexes `paths` (files or folders, searched recursively).
    /// - Parameters:
    ///   - rebuild: drop everything in the index first.
    ///   - progress: called now and then with a line for the user.
    public func index(paths: [String], rebuild: Bool = false,
                      progress: ((String) -> Void)? = nil) throws -> IndexingReport {
        let start = Date()
        var report = IndexingReport()
        // Nothing to read and no index to update: say so, and create nothing.
        if !IndexSnapshot.exists(directory: directory), !paths.isEmpty,
           paths.allSatisfy({ if case .missing = InputFiles.kind(of: $0) { return true } else { return false } }) {
            let first = paths[0]
            if case .missing(let why) = InputFiles.kind(of: first) { throw ParaError(.notFound, file: first, "cannot read: \(why)") }
        }
        let writer = try IndexWriter(directory: directory, memoryBudget: memoryBudget, discardingUnreadable: rebuild)
        defer { writer.close() }
        if rebuild { try writer.removeAll() }
        if mergeAll { writer.mergeAllSegments() }
        writer.tiersOnly = tiersOnly
        var known: [String: String] = [:]   // source → content hash
        for d in try writer.documents where !rebuild { known[d.metadata.source] = d.contentHash }
        let root = sourceRoot(writer)
        func key(for path: String) -> String { Self.key(for: path, root: root) }
        func path(ofKey key: String) -> String { Self.path(ofKey: key, root: root) }

        // Every file is known by its source key (see `key(for:)`): the same file reached by
        // two spellings or through a link is one document.
        var files: [String] = []
        var keys: [String] = []
        var seen = Set<String>()
        var roots: [String] = []
        func take(_ path: String) {
            let k = key(for: path)
            if seen.insert(k).inserted { files.append(path); keys.append(k) }
        }
        for p in paths {
            let path = p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p
            switch InputFiles.kind(of: path) {
            case .directory:
                roots.append(key(for: path))
                for f in Self.inputFiles(under: path, failures: &report.failures) { take(f) }
            case .regular:
                roots.append(key(for: path))
                take(path)
            case .special(let what):
                report.failures.append(ParaError(.unreadableInput, file: path, "is \(what), not a regular file"))
            case .unreachable(let why):
                // There but unreadable (permission, I/O): what was indexed from it stays.
                report.failures.append(ParaError(.unreadableInput, file: path, "cannot read: \(why)"))
            case .missing(let why):
                // Gone: what was indexed from it goes too. Never indexed: a failure.
                let k = key(for: path)
                let stale = known.keys.filter { Self.source($0, isUnder: k) }
                if stale.isEmpty {
                    report.failures.append(ParaError(.unreadableInput, file: path, "cannot read: \(why)"))
                } else {
                    for source in stale { writer.remove(source: source) }
                    report.removed += stale.count
                    report.notices.append(ParaError(.notFound, file: path, "no longer exists; removed \(stale.count) indexed file\(stale.count == 1 ? "" : "s") read from it"))
                }
            }
        }
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
                prepared = prepare(files[n..<end], keys: keys[n..<end], startingAt: n, known: known)
                nextWindow = end
            }
            if let progress, Date().timeIntervalSince(lastReport) > 1 {
                progress("indexing: \(n) of \(files.count) files read")
                lastReport = Date()
            }
            let source = keys[n]
            do {
                let ready = prepared.removeValue(forKey: n)
                let hash = try ready?.hash.get() ?? Self.hash(file, limit: extractor.readLimit(for: file))
                if known[source] == hash { report.unchanged += 1; continue }
                try writer.beginReplacing(source: source)
                do {
                    var documents = 0
                    let each: ((ExtractedDocument) throws -> Void) throws -> Void = { body in
                        if let extracted = ready?.documents {
                            for d in try extracted.get() { try body(d) }
                        } else {
                            try extractor.forEachDocument(path: file, displayPath: source, body)
                        }
                    }
                    try each { doc in
                            for w in doc.warnings { report.warnings.append(ParaError(.unreadableInput, file: source, w)) }
                        try writer.add(IndexableDocument(document: doc, contentHash: hash))
                        documents += 1
                        if let progress, documents % 1000 == 0, Date().timeIntervalSince(lastReport) > 2 {
                            progress("indexing: \(file): \(documents) documents so far (file \(n + 1) of \(files.count))")
                            lastReport = Date()
                        }
                    }
                } catch {
                    // Part of the file may be in the index buffer: drop it, keep the old version.
                    writer.abandon(source: source)
                    throw error
                }
                if known[source] != nil { report.updated += 1 } else { report.added += 1 }
            } catch let error as ParaError {
                report.failures.append(error)
            } catch {
                report.failures.append(ParaError(.unreadableInput, file: file, "cannot read: \(error.localizedDescription)"))
            }
        }
        // Files that were indexed from these roots and are gone now.
        for source in known.keys where !seen.contains(source) {
            if roots.contains(where: { Self.source(source, isUnder: $0) }),
               case .missing = InputFiles.kind(of: path(ofKey: source)) {
                writer.remove(source: source)
                report.removed += 1
            }
        }
        if writer.hasChanges || !IndexSnapshot.exists(directory: directory) { try writer.commit() }
        report.failures.sort { ($0.file ?? "", $0.message) < ($1.file ?? "", $1.message) }
        return try finished(report, since: start)
    }

    /// The report with the index's counts after the run and the time it took.
    private func finished(_ report: IndexingReport, since start: Date) throws -> IndexingReport {
        var report = report
        let counts = try IndexSnapshot.counts(directory: directory)
        report.documents = counts.documents
        report.paragraphs = counts.paragraphs
        report.segments = counts.segments
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// The folder sources are relative to: the working folder of the index's first indexing
    /// run, recorded in the index — relative to the index directory when it holds the index
    /// (`..` for `Index/` in a project), so that moving the whole project keeps every source.
    func sourceRoot(_ writer: IndexWriter) -> String {
        let indexDirectory = InputFiles.canonicalPath(directory)
        if writer.root == nil {
            let cwd = InputFiles.canonicalPath(".")
            let prefix = cwd == "/" ? "/" : cwd + "/"
            if indexDirectory.hasPrefix(prefix) {
                let depth = indexDirectory.dropFirst(prefix.count).split(separator: "/").count
                writer.root = Array(repeating: "..", count: depth).joined(separator: "/")
            } else {
                writer.root = cwd
            }
        }
        let recorded = writer.root!
        return recorded.hasPrefix("/") ? recorded : InputFiles.canonicalPath(indexDirectory + "/" + recorded)
    }

    /// Whether a source key is the file `key` or lies in the folder `key` (`.` is the root).
    static func source(_ source: String, isUnder key: String) -> Bool {
        if key == "." { return !source.hasPrefix("/") }
        return source == key || source.hasPrefix(key == "/" ? "/" : key + "/")
    }

    /// Removes documents from the index: each name is a document's id or symbol (the whole
    /// file it came from goes), or a path (a file, or a folder and everything indexed from
    /// it; the path may no longer exist). Names that match nothing are failures.
    public func remove(_ names: [String]) throws -> IndexingReport {
        let start = Date()
        var report = IndexingReport()
        guard IndexSnapshot.exists(directory: directory) else { throw ParaError(.notFound, file: directory, "no index here") }
        let writer = try IndexWriter(directory: directory, memoryBudget: memoryBudget)
        defer { writer.close() }
        let documents = try writer.documents
        let root = sourceRoot(writer)
        var gone = Set<String>()
        for name in names {
            var sources = Set(documents.filter { $0.metadata.isNamed(name) }.map(\.metadata.source))
            if sources.isEmpty {
                let k = Self.key(for: name, root: root)
                sources = Set(documents.map(\.metadata.source).filter { Self.source($0, isUnder: k) })
            }
            if sources.isEmpty {
                report.failures.append(ParaError(.notFound, file: name, "no document or indexed path of that name"))
                continue
            }
            for source in sources where gone.insert(source).inserted {
                writer.remove(source: source)
                report.removed += 1
            }
        }
        if writer.hasChanges { try writer.commit() }
        return try finished(report, since: start)
    }

    /// A file's source key: its canonical path (links, `.` and `..` resolved) relative to
    /// the index's root folder when it lies under it (`Corpus/report.txt`), else absolute.
    public static func key(for path: String, root: String) -> String {
        let canonical = InputFiles.canonicalPath(path)
        if canonical == root { return "." }
        let prefix = root == "/" ? "/" : root + "/"
        return canonical.hasPrefix(prefix) ? String(canonical.dropFirst(prefix.count)) : canonical
    }

    /// The path a source key stands for.
    public static func path(ofKey key: String, root: String) -> String {
        if key.hasPrefix("/") { return key }
        return key == "." ? root : (root == "/" ? "/" : root + "/") + key
    }

    /// A file hashed and, unless unchanged or streamed, extracted ahead of the writer.
    struct Prepared {
        var hash: Result<String, Error>
        var documents: Result<[ExtractedDocument], Error>?
    }

    /// At most this many bytes of files are extracted ahead, in parallel; a larger file and
    /// JSON Lines are read when their turn comes, so that memory stays bounded.
    static let prefetchBytes = 32 << 20

    /// A file's size, through symbolic links.
    static func size(_ path: String) -> Int {
        InputFiles.size(path)
    }

    /// Hashes and extracts `files` on every core; keyed by their index in the whole list.
    func prepare(_ files: ArraySlice<String>, keys: ArraySlice<String>, startingAt first: Int, known: [String: String]) -> [Int: Prepared] {
        final class Results: @unchecked Sendable {   // written under the lock, read after the join
            let lock = NSLock()
            var slots: [Prepared?]
            init(_ n: Int) { slots = Array(repeating: nil, count: n) }
            func set(_ i: Int, _ p: Prepared) { lock.lock(); slots[i] = p; lock.unlock() }
        }
        let list = Array(files), sources = Array(keys)
        let results = Results(list.count)
        let extractor = self.extractor
        DispatchQueue.concurrentPerform(iterations: list.count) { i in
            let file = list[i]
            let hash = Result { try Self.hash(file, limit: extractor.readLimit(for: file)) }
            var documents: Result<[ExtractedDocument], Error>? = nil
            if case .success(let h) = hash, known[sources[i]] != h, InputFormat(path: file) != .jsonLines, Self.size(file) <= Self.prefetchBytes {
                documents = Result { try extractor.extract(path: file, displayPath: sources[i]) }
            }
            results.set(i, Prepared(hash: hash, documents: documents))
        }
        var out: [Int: Prepared] = [:]
        for (i, p) in results.slots.enumerated() { if let p { out[first + i] = p } }
        return out
    }

    /// The content hash of a file, read in chunks (a large file never sits in memory whole).
    static func hash(_ path: String, limit: Int) throws -> String {
        if let refusal = InputFiles.refusal(for: path) { throw refusal }
        guard let handle = InputFiles.openForReading(path) else {
            throw ParaError(.unreadableInput, file: path, "cannot read file: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        var hasher = ContentHasher()
        var total = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 8 << 20) ?? Data() } catch {
                throw ParaError(.unreadableInput, file: path, "cannot read file (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            total += chunk.count
            if total > limit { throw ParaError(.unreadableInput, file: path, "file is over the \(limit >> 20) MB limit") }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.value
    }

    /// Input files under a folder, sorted; hidden entries and sidecars skipped.
    static func inputFiles(under root: String, failures: inout [ParaError]) -> [String] {
        InputFiles.find(under: root, failures: &failures)
    }
}
