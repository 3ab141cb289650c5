import ParaCore
import ParaAnalysis

/// An immutable view of one commit of an index. Any number of threads may search it at once,
/// and a writer committing meanwhile never changes what it sees: segment files are never
/// rewritten, and unlinked files stay readable while mapped.
public final class IndexSnapshot: Sendable {
    /// The index directory.
    public let directory: String
    /// The commit this snapshot shows; each commit of a writer increases it.
    public let generation: Int
    /// The analyzer the index was built with.
    package let analyzer: String
    package let segments: [SegmentReader]
    /// Paragraphs in all segments.
    public let paragraphCount: Int
    /// Documents in all segments.
    public let documentCount: Int
    /// Sum of paragraph lengths in all segments.
    package let totalLength: UInt64

    /// Average paragraph length, the BM25 length norm's reference.
    package var averageLength: Double { paragraphCount == 0 ? 0 : Double(totalLength) / Double(paragraphCount) }

    init(directory: String, generation: Int, analyzer: String, segments: [SegmentReader]) {
        self.directory = directory
        self.generation = generation
        self.analyzer = analyzer
        self.segments = segments
        paragraphCount = segments.reduce(0) { $0 + $1.paragraphCount }
        documentCount = segments.reduce(0) { $0 + $1.documentCount }
        totalLength = segments.reduce(0) { $0 + $1.totalLength }
    }

    /// Sets the process's allocator to keep freed memory for the next search (see
    /// ``FileSystem/keepFreedMemoryForSearches()``): for a process that runs many searches,
    /// as `parasearch batch` does. Not done by the library itself, since it changes the whole
    /// process.
    package static func keepFreedMemoryForSearches() { FileSystem.keepFreedMemoryForSearches() }

    /// Documents, paragraphs and segments of the latest commit, from the manifest alone
    /// (nothing else is opened or verified).
    package static func counts(directory: String) throws -> (documents: Int, paragraphs: Int, segments: Int) {
        guard let m = try Manifest.read(directory: directory) else {
            throw ParaError(.notFound, file: directory, "no index here (run `parasearch index` first)")
        }
        return (m.segments.reduce(0) { $0 + $1.documents }, m.segments.reduce(0) { $0 + $1.paragraphs }, m.segments.count)
    }

    /// Whether `directory` holds a committed index.
    package static func exists(directory: String) -> Bool {
        FileSystem.exists(directory + "/" + Manifest.fileName)
    }

    /// Opens the latest commit in `directory`.
    ///
    /// - Throws: ``ParaError`` naming the file when the index is missing, damaged, of another
    ///   format version, or built with a different analyzer.
    public static func open(directory: String) throws -> IndexSnapshot {
        var attempt = 0
        while true {
            attempt += 1
            guard let manifest = try Manifest.read(directory: directory) else {
                throw ParaError(.notFound, file: directory, "no index here (run `parasearch index` first)")
            }
            guard manifest.analyzer == Analyzer.identity else {
                throw ParaError(.incompatible, file: directory, "index was built with analyzer '\(manifest.analyzer)', this ParaSearch uses '\(Analyzer.identity)'; rebuild it with `parasearch index --rebuild`")
            }
            do {
                let segments = try manifest.segments.map {
                    try SegmentReader(directory: directory, name: $0.name, verified: $0.files,
                                      languages: $0.languages.map { Set($0.compactMap(Language.init(rawValue:))) })
                }
                return IndexSnapshot(directory: directory, generation: manifest.generation, analyzer: manifest.analyzer,
                                     segments: segments)
            } catch let error as ParaError {
                // A writer may have published a new manifest and removed old segments between
                // our reading the manifest and opening them: read it again.
                if attempt < 20, let again = try? Manifest.read(directory: directory), again.generation != manifest.generation {
                    continue
                }
                // A file the manifest lists that cannot be opened: the index is damaged.
                throw error.kind == .io ? ParaError(.corrupt, file: error.file, error.message) : error
            }
        }
    }

    /// Sizes of the index files on disk, by kind.
    package func fileSizes() -> [String: Int] {
        var sizes: [String: Int] = [:]
        for s in segments {
            for (ext, key) in [("terms", "dictionary"), ("postings", "postings"), ("positions", "positions"),
                               ("stored", "stored"), ("norms", "other")] {
                sizes[key, default: 0] += FileSystem.fileSize(directory + "/" + s.name + "." + ext)
            }
        }
        sizes["other", default: 0] += FileSystem.fileSize(directory + "/" + Manifest.fileName)
        return sizes
    }

    /// Number of distinct terms over all segments (a term in two segments counts twice).
    package var termCount: Int { segments.reduce(0) { $0 + $1.termCount } }
}
