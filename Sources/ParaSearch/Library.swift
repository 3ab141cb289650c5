import ParaCore
import ParaIndex

/// Looks documents and paragraphs up by id or symbol in a snapshot, with their language
/// versions.
public struct Library: Sendable {
    /// The commit looked in.
    public let snapshot: IndexSnapshot

    /// Documents and paragraphs of `snapshot`.
    public init(snapshot: IndexSnapshot) { self.snapshot = snapshot }

    /// The document whose id or symbol is `name`, with its paragraphs in order. A symbol names
    /// every language version of a document: `language` picks one (else the first indexed).
    public func document(_ name: String, language: Language? = nil) throws -> (DocumentMetadata, [Paragraph])? {
        guard let location = try locate(name, language: language) else { return nil }
        let versions = Versions(unlinked: snapshot)
        return (try versions.stored(location).metadata, try versions.paragraphs(location))
    }

    /// The other language versions of the document `name` (see ``document(_:language:)``).
    public func versions(of name: String, language: Language? = nil) throws -> [DocumentMetadata] {
        guard let location = try locate(name, language: language) else { return [] }
        let versions = try Versions(snapshot: snapshot)
        return try versions.versions(of: location).map { try versions.stored($0).metadata }
    }

    /// The paragraphs of the other language versions aligned with paragraph `ordinal`
    /// (1-based) of the document `name`; empty when there is no version or no aligned paragraph.
    public func parallel(_ name: String, ordinal: Int, language: Language? = nil) throws -> [ParallelParagraph] {
        try parallel(name, ordinals: [ordinal], language: language)[0]
    }

    /// ``parallel(_:ordinal:language:)`` for several paragraphs of one document, aligning the
    /// versions once.
    public func parallel(_ name: String, ordinals: [Int], language: Language? = nil) throws -> [[ParallelParagraph]] {
        guard let location = try locate(name, language: language) else { return ordinals.map { _ in [] } }
        let versions = try Versions(snapshot: snapshot)
        var cache: [Versions.PairKey: [Int: Int]?] = [:]
        return try ordinals.map { ordinal in
            try versions.aligned(location, ordinal: ordinal, cache: &cache).map {
                ParallelParagraph(document: try versions.stored($0.0).metadata, paragraph: $0.2)
            }
        }
    }

    private func locate(_ name: String, language: Language?) throws -> DocumentLocation? {
        for (s, segment) in snapshot.segments.enumerated() {
            for (i, d) in try segment.documents.enumerated()
            where d.metadata.isNamed(name) && (language == nil || d.metadata.language == language) {
                return DocumentLocation(segment: s, index: i)
            }
        }
        return nil
    }
}
