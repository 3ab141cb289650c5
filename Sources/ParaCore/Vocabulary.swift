import Foundation

/// The language of a document or paragraph, as far as indexing is concerned.
public enum Language: String, Sendable, Codable, CaseIterable, Hashable {
    /// Chinese (Simplified or Traditional; the index folds Traditional to Simplified).
    case zh
    /// English.
    case en
}

/// What is known about one document: who it is, where it came from, how to cite it.
public struct DocumentMetadata: Sendable, Hashable, Codable {
    /// Stable identifier inside an index (file stem, JSON Lines `id`, …).
    public var id: String
    /// The UN document symbol (`A/RES/80/1`) when the document states one; never invented.
    public var symbol: String?
    /// The document's language.
    public var language: Language
    /// Its title (a document without one is given the opening of its first paragraph).
    public var title: String
    /// Path of the file the document was read from, as given to the indexer.
    public var source: String
    /// Free-form extra fields from front matter or a sidecar (`date`, `session`, …).
    public var extra: [String: String]

    /// Metadata of these parts.
    public init(id: String, symbol: String? = nil, language: Language, title: String,
                source: String, extra: [String: String] = [:]) {
        self.id = id
        self.symbol = symbol
        self.language = language
        self.title = title
        self.source = source
        self.extra = extra
    }

    /// What a citation names the document by: its symbol, or its id when it has none.
    public var citationName: String { symbol ?? id }

    /// Every symbol of the document: ``symbol`` first, then the others a joint document
    /// carries (`extra["symbols"]`, separated by spaces).
    public var symbols: [String] {
        var out = symbol.map { [$0] } ?? []
        for s in (extra["symbols"] ?? "").split(separator: " ").map(String.init) where !out.contains(s) { out.append(s) }
        return out
    }

    /// Whether `name` is the document's id or any of its symbols (symbols without regard to case).
    public func isNamed(_ name: String) -> Bool {
        name == id || symbols.contains { $0.lowercased() == name.lowercased() }
    }
}

/// One paragraph of a document: the unit that is indexed, ranked and cited.
public struct Paragraph: Sendable, Hashable, Codable {
    /// 1-based position of the paragraph in its document.
    public var ordinal: Int
    /// The number printed in the document (`"54"`), or `nil` for unnumbered text.
    public var number: String?
    /// The section path as printed, outermost first (`["三. 犯罪和司法", "A. …"]`).
    public var headings: [String]
    /// The paragraph's text (its number and footnote marks left out).
    public var text: String
    /// The pages of the source PDF the paragraph spans (`[7, 8]`); empty for other formats.
    public var pages: [Int]
    /// The footnotes the paragraph cites, in the order of their markers.
    public var notes: [Note]

    /// A paragraph of these parts.
    public init(ordinal: Int, number: String?, headings: [String], text: String,
                pages: [Int] = [], notes: [Note] = []) {
        self.ordinal = ordinal
        self.number = number
        self.headings = headings
        self.text = text
        self.pages = pages
        self.notes = notes
    }
}

/// A footnote kept with the paragraph that cites it: its mark (`3`, `*`) and its text.
public struct Note: Sendable, Hashable, Codable {
    /// The mark as printed (`3`, `*`).
    public var mark: String
    /// The note's text.
    public var text: String

    /// A note of this mark and text.
    public init(mark: String, text: String) {
        self.mark = mark
        self.text = text
    }
}

/// A document as the extractor hands it to the indexer.
public struct ExtractedDocument: Sendable, Hashable {
    /// Who the document is.
    public var metadata: DocumentMetadata
    /// Its paragraphs in order (ordinals 1, 2, …).
    public var paragraphs: [Paragraph]
    /// What went wrong in reading the file without losing it (bytes not valid in the declared
    /// charset, markup the parser had to repair), for the user to see.
    public var warnings: [String]

    /// A document of these parts.
    public init(metadata: DocumentMetadata, paragraphs: [Paragraph], warnings: [String] = []) {
        self.metadata = metadata
        self.paragraphs = paragraphs
        self.warnings = warnings
    }
}

/// How a researcher cites a paragraph: document, paragraph number (or ordinal), section path.
public struct Citation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The document's symbol, or its id when it has none.
    public var document: String
    /// The paragraph's number as printed, or nil for unnumbered text.
    public var number: String?
    /// The paragraph's 1-based place in the document (`show DOC #N`).
    public var ordinal: Int
    /// The section path, outermost first.
    public var headings: [String]

    /// A citation of these parts.
    public init(document: String, number: String?, ordinal: Int, headings: [String]) {
        self.document = document
        self.number = number
        self.ordinal = ordinal
        self.headings = headings
    }

    /// The citation of `paragraph` of the document `metadata` describes.
    public init(metadata: DocumentMetadata, paragraph: Paragraph) {
        self.init(document: metadata.citationName, number: paragraph.number,
                  ordinal: paragraph.ordinal, headings: paragraph.headings)
    }

    /// How a paragraph number is cited: a UN paragraph number takes a ¶ (`¶54`, `¶5.2.3`); a
    /// law's article or an item is quoted as written (`第十二条`, `（三）`).
    public static func label(_ number: String) -> String {
        guard let first = number.unicodeScalars.first, first.isASCII, first.properties.numericType != nil else { return number }
        return "¶" + number
    }

    /// `A/RES/80/1 ¶3`, or `doc-id (unnumbered text, #2)` for unnumbered text (as `show` takes it); the heading
    /// path follows after ` — `.
    public var description: String {
        var out = document + " "
        if let number {
            out += Citation.label(number)
        } else {
            out += "(unnumbered text, #\(ordinal))"
        }
        if !headings.isEmpty { out += " — " + headings.joined(separator: " › ") }
        return out
    }
}

/// One indexed term occurrence: the term's bytes, its position, and where it sits in the original text.
package struct Token: Sendable, Hashable {
    /// The normalised term, UTF-8.
    package var term: String
    /// Position in the paragraph's token stream (stop words leave gaps).
    package var position: Int
    /// UTF-8 byte range in the original paragraph text.
    package var byteRange: Range<Int>

    package init(term: String, position: Int, byteRange: Range<Int>) {
        self.term = term
        self.position = position
        self.byteRange = byteRange
    }
}

/// An error a user can act on: what kind of problem it is, the file it concerns (when there is
/// one) and a message that says what to do.
///
/// `description` and `localizedDescription` are `file: message`, the line the command-line tool
/// prints. Switch on ``kind`` to act on the error in code.
public struct ParaError: Error, LocalizedError, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, for a caller that acts on it.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// No such index, document, paragraph or path.
        case notFound
        /// The index is damaged (a checksum, a bound or a structure does not hold); rebuild it.
        case corrupt
        /// The index is of another format version or built with other analysis rules; rebuild it.
        case incompatible
        /// Another process holds the index's write lock.
        case locked
        /// An input file cannot be read as a document (format, encoding, size, damage).
        case unreadableInput
        /// The query's syntax is wrong, or it asks for nothing.
        case badQuery
        /// A request that cannot be done as made (the same source given twice in one commit).
        case invalidRequest
        /// The file system refused an operation (open, write, sync, rename, a missing tool).
        case io
    }

    /// What went wrong.
    public var kind: Kind
    /// The file or directory concerned, as given.
    public var file: String?
    /// What went wrong and, where there is something to do, what to do.
    public var message: String

    /// An error of `kind` about `file`.
    public init(_ kind: Kind, file: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    /// `file: message`, or the message alone.
    public var description: String {
        if let file { return "\(file): \(message)" }
        return message
    }

    /// The same as ``description``.
    public var errorDescription: String? { description }
}
