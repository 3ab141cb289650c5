import ParaCore
import ParaIndex

/// Looks documents and paragraphs up by id or symbol in a snapshot.
public struct Library: Sendable {
    public let snapshot: IndexSnapshot

    public init(snapshot: IndexSnapshot) { self.snapshot = snapshot }

    /// The document whose id or symbol is `name`, with its paragraphs in order.
    public func document(_ name: String) throws -> (DocumentMetadata, [Paragraph])? {
        for segment in snapshot.segments {
            for d in try segment.documents where d.metadata.isNamed(name) {
                var paragraphs: [Paragraph] = []
                for i in d.firstParagraph..<(d.firstParagraph + d.paragraphCount) { paragraphs.append(try segment.paragraph(i)) }
                return (d.metadata, paragraphs)
            }
        }
        return nil
    }
}
