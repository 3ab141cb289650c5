import ParaCore

/// The kind of a term, as the query planner needs to know it.
package enum TermKind: UInt8, Sendable {
    /// A Latin/digit word (stemmed when it is all letters).
    case word
    /// Two adjacent CJK characters.
    case bigram
    /// A CJK character standing alone between non-CJK characters.
    case unigram
    /// An English stop word: indexed, so that phrases match exactly, but not ranked by.
    case stopWord
}

/// Turns paragraph text into terms: CJK bigrams and English words.
///
/// Works on UTF-8 bytes. Each scalar is folded one-to-one (full-width → half-width, lower
/// case, Traditional → Simplified) and classified; runs of CJK characters become overlapping
/// bigrams (a lone character a unigram, never a bigram across a non-CJK character); runs of
/// letters and digits become words, stemmed with Porter's algorithm when they are all ASCII
/// letters; stop words are kept unstemmed and marked ``TermKind/stopWord``. Positions count
/// the terms; a CJK run of two or more characters is followed by a gap of one position. Byte ranges point into the original
/// text.
package struct Analyzer: Sendable {
    /// Name and version of the rules; stored with every index commit. Change the version
    /// whenever a rule changes the terms of any text.
    package static let identity = "parasearch-bigram-porter/2"

    /// Words longer than this many bytes are skipped (they still take a position).
    package static let maxWordBytes = 100

    /// The English stop words not ranked by (Lucene's classic English set).
    package static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
        "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
        "these", "they", "this", "to", "was", "will", "with",
    ]

    package init() {}

    /// Calls `body` for each term in order: the term's UTF-8 bytes (valid only during the
    /// call), its kind, position, and byte range in `text`.
    package func analyze(
        _ text: String,
        _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void
    ) {
        var copy = text
        copy.withUTF8 { bytes in analyze(utf8: bytes, body) }
    }

    /// The terms of `text` as values.
    package func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        analyze(text) { term, _, position, range in
            out.append(Token(term: String(decoding: term, as: UTF8.self), position: position, byteRange: range))
        }
        return out
    }

    /// Terms with their kinds, for the query planner.
    package func terms(_ text: String) -> [(token: Token, kind: TermKind)] {
        var out: [(Token, TermKind)] = []
        analyze(text) { term, kind, position, range in
            out.append((Token(term: String(decoding: term, as: UTF8.self), position: position, byteRange: range), kind))
        }
        return out
    }

    /// The byte-level core. Invalid UTF-8 sequences are treated as separators.
    /// For many texts in a row, reuse one ``AnalysisSession`` instead: it keeps its buffers
    /// and a cache of stems.
    package func analyze(
        utf8 input: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void
    ) {
        AnalysisSession(cachingStems: input.count > 16 << 10).analyze(utf8: input, body)
    }
}

/// Decodes one UTF-8 scalar at `i` (not ASCII). Returns length 0 for an invalid sequence.
@inline(__always)
func decodeScalar(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let n = p.count
    let b0 = UInt32(p[i])
    @inline(__always) func cont(_ k: Int) -> UInt32? {
        guard k < n else { return nil }
        let c = p[k]
        return c & 0xC0 == 0x80 ? UInt32(c & 0x3F) : nil
    }
    if b0 >= 0xC2 && b0 <= 0xDF {
        guard let c1 = cont(i + 1) else { return (0, 0) }
        return ((b0 & 0x1F) << 6 | c1, 2)
    }
    if b0 >= 0xE0 && b0 <= 0xEF {
        guard let c1 = cont(i + 1), let c2 = cont(i + 2) else { return (0, 0) }
        let v = (b0 & 0x0F) << 12 | c1 << 6 | c2
        if v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) { return (0, 0) }
        return (v, 3)
    }
    if b0 >= 0xF0 && b0 <= 0xF4 {
        guard let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) else { return (0, 0) }
        let v = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
        if v < 0x10000 || v > 0x10FFFF { return (0, 0) }
        return (v, 4)
    }
    return (0, 0)
}

@inline(__always)
func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    switch v {
    case 0..<0x80:
        out.append(UInt8(v))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    default:
        out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | v >> 12 & 0x3F))
        out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    }
}

