import Foundation
import ParaCore

/// The list of live segments: the one file a commit replaces atomically.
struct Manifest: Codable, Equatable {
    struct Segment: Codable, Equatable {
        var name: String
        var paragraphs: Int
        var documents: Int
        /// Each file's fingerprint (by extension) as the writer left it, its checksum verified:
        /// a reader whose file still has it skips reading the whole file for the checksum.
        var files: [String: String]? = nil
        /// The languages of its documents (codes, sorted), so that a search knows them without
        /// reading every document's record. Absent in manifests written before it was kept.
        var languages: [String]? = nil

        /// The languages of merged segments: every part's, when every part has them.
        static func languages(of parts: [Segment]) -> [String]? {
            var all: Set<String> = []
            for p in parts {
                guard let l = p.languages else { return nil }
                all.formUnion(l)
            }
            return all.sorted()
        }
    }

    var generation: Int
    var analyzer: String
    var nextSegment: Int
    var segments: [Segment]
    /// The folder that documents' sources are relative to, recorded by the first indexing run:
    /// relative to the index directory when it contains the index (`..`), else absolute.
    var root: String?

    static let fileName = "manifest"
    /// The commit before the newest, kept (with its files) so that `check --repair` can roll
    /// back to it when the newest is damaged.
    static let previousFileName = "manifest.previous"

    static func read(directory: String, fileName: String = Manifest.fileName) throws -> Manifest? {
        let path = directory + "/" + fileName
        guard FileSystem.exists(path) else { return nil }
        let file = try MappedFile(path: path)
        let body = try IndexFormat.validate(file.bytes, kind: .manifest, file: path)
        let data = Data(file.bytes[body])
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw ParaError(.corrupt, file: path, "index manifest is damaged (not the expected JSON)")
        }
    }

    /// Publishes the manifest: write a temporary file and fsync it, rename it over the old
    /// one (the commit point), fsync the directory. A crash at any point leaves either the old
    /// or the new manifest, both complete. `published` runs right after the rename, before the
    /// directory sync: from then on the new commit is the live one even if the sync fails, and
    /// its files must be kept.
    func publish(directory: String, keepingPrevious: Bool = false, published: () -> Void) throws {
        var w = IndexFormat.header(.manifest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        w.raw(Array(try encoder.encode(self)))
        IndexFormat.finish(&w)
        let tmp = directory + "/" + Self.fileName + ".tmp"
        // The commit being replaced becomes the previous one (a second name for its file).
        let current = directory + "/" + Self.fileName
        if !keepingPrevious, FileSystem.exists(current) {
            try FileSystem.keepLink(current, as: directory + "/" + Self.previousFileName)
        }
        try FileSystem.writeDurably(w.bytes, to: tmp)
        try FileSystem.rename(tmp, as: directory + "/" + Self.fileName)
        published()
        try FileSystem.syncDirectory(directory)
    }
}
