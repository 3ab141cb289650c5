import Foundation
import ParaCore
import ParaAnalysis
import ParaExtraction

/// One ranked paragraph, with what a reader needs to cite it and see why it was found.
///
/// `Codable` as the command line's JSON gives a hit: flat, with snake-case keys
/// (`rank`, `score`, `document`, `symbol`, `language`, `title`, `number`, `ordinal`,
/// `citation`, `headings`, `text`, `snippet`, `highlights`, `matches`, `source`, `pages`,
/// `notes`, `extra`, `document_paragraphs`, `found_through`, `parallel`). A name holding bytes
/// that are not UTF-8 (a file name) is written, and read back, with them as `\xNN`.
public struct SearchHit: Sendable, Hashable {
    /// A query term found in the paragraph's text.
    public struct Match: Sendable, Hashable, Codable {
        /// Where: Unicode scalar offsets into the paragraph's ``Paragraph/text``.
        public var range: Range<Int>
        /// The query's word it matched, as the query wrote it: `recovering` for the text's
        /// `recovery`, one bigram of a Chinese run (`资产`), `terror*`, a translation's word.
        public var term: String

        /// A match of `term` at `range`.
        public init(range: Range<Int>, term: String) {
            self.range = range
            self.term = term
        }
    }

    /// 1 for the best hit (counting the pages passed over with ``SearchOptions/offset``).
    public var rank: Int
    /// The ranking score: BM25 with the section and proximity terms; only the order means
    /// something, not the number.
    public var score: Double
    /// The document the paragraph belongs to.
    public var document: DocumentMetadata
    /// The paragraph found.
    public var paragraph: Paragraph
    /// A window of the paragraph around the matches (the whole paragraph when short; see
    /// ``SearchOptions/snippetLength``), marked `…` where cut.
    public var snippet: String
    /// Matched spans in `snippet`, as offsets in Unicode scalars, merged where they touch.
    public var highlights: [Range<Int>]
    /// Every query term found in the paragraph's text, in order (overlapping where a Chinese
    /// run's bigrams do). Empty when ``SearchOptions/snippets`` is off.
    public var matches: [Match] = []
    /// How many paragraphs the document has (a one-paragraph document is cited by its id alone).
    public var documentParagraphCount: Int
    /// How the paragraph was found when the query did not match it directly.
    public var foundThrough: FoundThrough? = nil
    /// The aligned paragraphs of the document's other language versions (filled when
    /// ``SearchOptions/parallel`` is set; empty when there is none).
    public var parallel: [ParallelParagraph] = []

    /// A hit of these parts.
    public init(rank: Int, score: Double, document: DocumentMetadata, paragraph: Paragraph, snippet: String,
                highlights: [Range<Int>], documentParagraphCount: Int) {
        self.rank = rank
        self.score = score
        self.document = document
        self.paragraph = paragraph
        self.snippet = snippet
        self.highlights = highlights
        self.documentParagraphCount = documentParagraphCount
    }

    /// How to cite the paragraph: `A/RES/70/1 ¶16.4 — Goal 16. …`.
    public var citation: Citation { Citation(metadata: document, paragraph: paragraph) }

    /// The id used in TREC runs: the document id for a one-paragraph document, else `ID#ORDINAL`.
    public var runID: String {
        documentParagraphCount == 1 ? document.id : "\(document.id)#\(paragraph.ordinal)"
    }
}

/// The answer to one query.
///
/// `Codable` as the command line's JSON: `query`, `total`, `took_ms`, `partial`, `hits` (see
/// ``SearchHit``), `translations` (`[{"from", "to"}]`).
public struct SearchResults: Sendable, Hashable, Codable {
    /// The query as written (or, for a ``Query`` built in code, its ``Query/description``).
    public var query: String
    /// Paragraphs matching the query (0 when counting was turned off). With paragraphs found
    /// through translation or versions it is an estimate (their lists' matches added).
    public var total: Int
    /// How long the search took.
    public var tookMilliseconds: Double
    /// The page of hits asked for, best first.
    public var hits: [SearchHit]
    /// The dictionary translations the query was also searched with (empty when none): the
    /// glosses as the dictionary gives them, of which the search leaves out the notation
    /// (`sth`) and, into English, common words of longer glosses
    /// (``SearchOptions/commonGlossWords``).
    public var translations: [Translation] = []
    /// Whether the search stopped at ``SearchOptions/timeLimit``: the hits are the best found
    /// by then, and `total` counts what was seen.
    public var isPartial = false

    /// Results of these parts.
    public init(query: String, total: Int, tookMilliseconds: Double, hits: [SearchHit], translations: [Translation] = []) {
        self.query = query
        self.total = total
        self.tookMilliseconds = tookMilliseconds
        self.hits = hits
        self.translations = translations
    }

    enum CodingKeys: String, CodingKey {
        case query, total, tookMilliseconds = "took_ms", hits, translations, isPartial = "partial"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(query: try c.decode(String.self, forKey: .query), total: try c.decode(Int.self, forKey: .total),
                  tookMilliseconds: try c.decode(Double.self, forKey: .tookMilliseconds),
                  hits: try c.decode([SearchHit].self, forKey: .hits),
                  translations: try c.decode([Translation].self, forKey: .translations))
        isPartial = try c.decodeIfPresent(Bool.self, forKey: .isPartial) ?? false
    }
}

/// How a paragraph the query did not match directly was found.
///
/// `Codable` as `{"kind": "version", "language", "citation", "document", "number", "ordinal",
/// "headings"}` or `{"kind": "translation"}`.
public enum FoundThrough: Sendable, Hashable, Codable {
    /// Its version in another language matched: that paragraph's citation and language.
    case version(Citation, Language)
    /// The query's dictionary translation matched it.
    case translation

    enum CodingKeys: String, CodingKey {
        case kind, language, citation, document, number, ordinal, headings
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .version(let citation, let language):
            try c.encode("version", forKey: .kind)
            try c.encode(language, forKey: .language)
            try c.encode(InputFiles.shown(citation.description), forKey: .citation)
            try c.encode(InputFiles.shown(citation.document), forKey: .document)
            try c.encode(citation.number, forKey: .number)
            try c.encode(citation.ordinal, forKey: .ordinal)
            try c.encode(citation.headings, forKey: .headings)
        case .translation:
            try c.encode("translation", forKey: .kind)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "translation":
            self = .translation
        case "version":
            self = .version(Citation(document: try c.decode(String.self, forKey: .document),
                                     number: try c.decodeIfPresent(String.self, forKey: .number),
                                     ordinal: try c.decode(Int.self, forKey: .ordinal),
                                     headings: try c.decode([String].self, forKey: .headings)),
                            try c.decode(Language.self, forKey: .language))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown kind '\(other)'")
        }
    }
}

/// The fields a hit and an aligned paragraph share in JSON, flat: who the document is and the
/// paragraph (`document`, `symbol`, `language`, `title`, `number`, `ordinal`, `citation`,
/// `headings`, `text`, `source`, `pages`, `notes`, `extra`). Names are written with bytes that
/// are not UTF-8 as `\xNN`.
struct FlatParagraph: Codable {
    var document: DocumentMetadata
    var paragraph: Paragraph

    init(document: DocumentMetadata, paragraph: Paragraph) {
        self.document = document
        self.paragraph = paragraph
    }

    enum CodingKeys: String, CodingKey {
        case document, symbol, language, title, number, ordinal, citation, headings, text, source, pages, notes, extra
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(InputFiles.shown(document.id), forKey: .document)
        try c.encode(document.symbol, forKey: .symbol)
        try c.encode(document.language, forKey: .language)
        try c.encode(document.title, forKey: .title)
        try c.encode(paragraph.number, forKey: .number)
        try c.encode(paragraph.ordinal, forKey: .ordinal)
        try c.encode(InputFiles.shown(Citation(metadata: document, paragraph: paragraph).description), forKey: .citation)
        try c.encode(paragraph.headings, forKey: .headings)
        try c.encode(paragraph.text, forKey: .text)
        try c.encode(InputFiles.shown(document.source), forKey: .source)
        try c.encode(paragraph.pages, forKey: .pages)
        try c.encode(paragraph.notes, forKey: .notes)
        try c.encode(document.extra, forKey: .extra)
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        document = DocumentMetadata(id: try c.decode(String.self, forKey: .document),
                                    symbol: try c.decodeIfPresent(String.self, forKey: .symbol),
                                    language: try c.decode(Language.self, forKey: .language),
                                    title: try c.decode(String.self, forKey: .title),
                                    source: try c.decode(String.self, forKey: .source),
                                    extra: try c.decode([String: String].self, forKey: .extra))
        paragraph = Paragraph(ordinal: try c.decode(Int.self, forKey: .ordinal),
                              number: try c.decodeIfPresent(String.self, forKey: .number),
                              headings: try c.decode([String].self, forKey: .headings),
                              text: try c.decode(String.self, forKey: .text),
                              pages: try c.decode([Int].self, forKey: .pages),
                              notes: try c.decode([Note].self, forKey: .notes))
    }
}

extension SearchHit: Codable {
    /// The hit's own keys; the document's and paragraph's are ``FlatParagraph``'s.
    enum CodingKeys: String, CodingKey {
        case rank, score, snippet, highlights, matches
        case documentParagraphs = "document_paragraphs", foundThrough = "found_through", parallel
    }

    public func encode(to encoder: Encoder) throws {
        try FlatParagraph(document: document, paragraph: paragraph).encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(score, forKey: .score)
        try c.encode(snippet, forKey: .snippet)
        try c.encode(highlights.map { [$0.lowerBound, $0.upperBound] }, forKey: .highlights)
        try c.encode(matches, forKey: .matches)
        try c.encode(documentParagraphCount, forKey: .documentParagraphs)
        try c.encode(foundThrough, forKey: .foundThrough)
        try c.encode(parallel, forKey: .parallel)
    }

    public init(from decoder: Decoder) throws {
        let flat = try FlatParagraph(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let highlights = try c.decode([[Int]].self, forKey: .highlights).map { pair -> Range<Int> in
            guard pair.count == 2, pair[0] <= pair[1] else {
                throw DecodingError.dataCorruptedError(forKey: .highlights, in: c, debugDescription: "a highlight is [start, end]")
            }
            return pair[0]..<pair[1]
        }
        self.init(rank: try c.decode(Int.self, forKey: .rank), score: try c.decode(Double.self, forKey: .score),
                  document: flat.document, paragraph: flat.paragraph, snippet: try c.decode(String.self, forKey: .snippet),
                  highlights: highlights, documentParagraphCount: try c.decode(Int.self, forKey: .documentParagraphs))
        matches = try c.decode([Match].self, forKey: .matches)
        foundThrough = try c.decodeIfPresent(FoundThrough.self, forKey: .foundThrough)
        parallel = try c.decode([ParallelParagraph].self, forKey: .parallel)
    }
}
