import ParaCore
import ParaAnalysis

/// One ranked paragraph.
public struct SearchHit: Sendable {
    public var rank: Int
    public var score: Double
    public var document: DocumentMetadata
    public var paragraph: Paragraph
    /// A window of the paragraph around the matches (the whole paragraph when short).
    public var snippet: String
    /// Matched spans in `snippet`, as offsets in Unicode scalars.
    public var highlights: [Range<Int>]
    /// How many paragraphs the document has (a one-paragraph document is cited by its id alone).
    public var documentParagraphCount: Int
    /// How the paragraph was found when the query did not match it directly.
    public var foundThrough: FoundThrough? = nil
    /// The aligned paragraphs of the document's other language versions (filled when
    /// ``SearchOptions/parallel`` is set; empty when there is none).
    public var parallel: [ParallelParagraph] = []

    public var citation: Citation { Citation(metadata: document, paragraph: paragraph) }

    /// The id used in TREC runs: the document id for a one-paragraph document, else `ID#ORDINAL`.
    public var runID: String {
        documentParagraphCount == 1 ? document.id : "\(document.id)#\(paragraph.ordinal)"
    }
}

/// The answer to one query.
public struct SearchResults: Sendable {
    public var query: String
    /// Paragraphs matching the query (0 when counting was turned off).
    public var total: Int
    public var tookMilliseconds: Double
    public var hits: [SearchHit]
    /// The dictionary translations the query was also searched with (empty when none).
    public var translations: [Translation] = []
}

/// How a paragraph the query did not match directly was found.
public enum FoundThrough: Sendable, Hashable {
    /// Its version in another language matched: that paragraph's citation and language.
    case version(Citation, Language)
    /// The query's dictionary translation matched it.
    case translation
}
