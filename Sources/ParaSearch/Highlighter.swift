import ParaCore
import ParaAnalysis

/// Finds the query's terms in a paragraph's original text and cuts a snippet around them.
struct Highlighter {
    /// Terms to mark, as analysed bytes, each with the query's word it stands for.
    let terms: [[UInt8]: String]
    /// Lone CJK characters of the query: marked wherever they occur inside bigrams.
    let characters: [[UInt8]: String]
    /// Beginnings of words (`terror*`): any term that starts with one is marked.
    let prefixes: [(bytes: [UInt8], written: String)]
    /// Snippet length in Unicode scalars.
    let window: Int

    init(plan: QueryPlan, window: Int = 160) {
        var terms: [[UInt8]: String] = [:]
        var characters: [[UInt8]: String] = [:]
        var prefixes: [(bytes: [UInt8], written: String)] = []
        func written(_ bytes: [UInt8]) -> String { plan.written[bytes] ?? String(decoding: bytes, as: UTF8.self) }
        for t in plan.scoring {
            let term = plan.terms[t]
            if let prefix = term.prefix {
                prefixes.append((prefix, written(term.bytes)))
            } else if !term.alternatives.isEmpty {
                for a in term.alternatives { terms[a] = written(a) }
            } else if term.isUnion {
                characters[term.bytes] = written(term.bytes)
            } else {
                terms[term.bytes] = written(term.bytes)
            }
        }
        self.terms = terms
        self.characters = characters
        self.prefixes = prefixes
        self.window = max(1, window)
    }

    /// Every match in `text`, in order: its byte range and the query's word it matched. A
    /// Chinese run's bigrams overlap by a character.
    func matches(in text: String) -> [(range: Range<Int>, term: String)] {
        var out: [(range: Range<Int>, term: String)] = []
        Analyzer().analyze(text) { term, kind, _, range in
            let bytes = Array(term)
            if let w = terms[bytes] { out.append((range, w)); return }
            if let p = prefixes.first(where: { bytes.starts(with: $0.bytes) }) { out.append((range, p.written)); return }
            guard !characters.isEmpty else { return }
            if kind == .unigram, let w = characters[bytes] { out.append((range, w)); return }
            if kind == .bigram {
                // Which half matches: the original range splits after its first scalar.
                let firstLength = scalarLength(originalByte(text, range.lowerBound))
                let split = scalarLength(bytes[0])
                // (The character inside a run is the second half of one bigram and the first of
                // the next: one match.)
                if let w = characters[Array(bytes[..<split])] {
                    let r = range.lowerBound..<(range.lowerBound + firstLength)
                    if out.last?.range != r { out.append((r, w)) }
                }
                if let w = characters[Array(bytes[split...])] { out.append(((range.lowerBound + firstLength)..<range.upperBound, w)) }
            }
        }
        return out
    }

    /// Ranges merged where they touch or overlap, in order.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        let ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for r in ranges {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    /// The snippet, its highlights, and every match in the whole text (``matches(in:)``), all
    /// in scalar offsets: the text is analysed once for the three.
    func snippet(of text: String) -> (snippet: String, highlights: [Range<Int>], matches: [SearchHit.Match]) {
        let scalars = Array(text.unicodeScalars)
        let scalarAt = ScalarOffsets(text)
        let found = matches(in: text).map { SearchHit.Match(range: scalarAt[$0.range.lowerBound]..<scalarAt[$0.range.upperBound], term: $0.term) }
        let ranges = Self.merged(found.map(\.range))
        if scalars.count <= window {
            return (text, ranges, found)
        }
        // The window that holds the most highlights; start a little before the first of them.
        var bestStart = 0, bestCount = -1
        for (i, r) in ranges.enumerated() {
            let start = max(0, r.lowerBound - window / 5)
            let count = ranges[i...].prefix { $0.upperBound <= start + window }.count
            if count > bestCount { bestCount = count; bestStart = start }
        }
        if ranges.isEmpty { bestStart = 0 }
        bestStart = min(bestStart, scalars.count - window)
        let (unsnappedStart, unsnappedEnd) = (bestStart, bestStart + window)
        var end = bestStart + window
        // Start and end on a word's edge (or a sentence's, when one is near): never in the
        // middle of a word. CJK text has no spaces, and any character is an edge.
        func isWordScalar(_ s: Unicode.Scalar) -> Bool {
            (s.properties.isAlphabetic || s.properties.numericType != nil) && !isCJKScalarForSnippet(s)
        }
        if bestStart > 0 {
            let firstHit = ranges.first { $0.lowerBound >= bestStart }?.lowerBound ?? end
            var k = bestStart
            // Back to a sentence start when one is within a fifth of the window, else forward
            // to the next word's start (never past the first highlight).
            var sentence = k
            while sentence > max(0, bestStart - window / 5), !".。;；!?！？".unicodeScalars.contains(scalars[sentence - 1]) { sentence -= 1 }
            if sentence > 0, ".。;；!?！？".unicodeScalars.contains(scalars[sentence - 1]) {
                k = sentence
                while k < scalars.count, scalars[k].properties.isWhitespace { k += 1 }
            } else {
                while k < firstHit, k > 0, isWordScalar(scalars[k - 1]), isWordScalar(scalars[k]) { k += 1 }
                while k < firstHit, scalars[k].properties.isWhitespace { k += 1 }
            }
            end += k - bestStart
            bestStart = k
        }
        end = min(end, scalars.count)
        if end < scalars.count {
            let lastHit = ranges.last { $0.upperBound <= end }?.upperBound ?? bestStart
            var k = end
            while k > lastHit, k > bestStart, isWordScalar(scalars[k - 1]), isWordScalar(scalars[k]) { k -= 1 }
            while k > lastHit, k > bestStart, scalars[k - 1].properties.isWhitespace { k -= 1 }
            end = k
        }
        // A window that is one long word: cut it where it falls after all.
        if end <= bestStart { (bestStart, end) = (unsnappedStart, unsnappedEnd) }
        var snippet = String.UnicodeScalarView()
        let prefix = bestStart > 0
        if prefix { snippet.append("…") }
        snippet.append(contentsOf: scalars[bestStart..<end])
        if end < scalars.count { snippet.append("…") }
        let shift = (prefix ? 1 : 0) - bestStart
        let inside = ranges.filter { $0.lowerBound >= bestStart && $0.upperBound <= end }
            .map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
        return (String(snippet), inside, found)
    }
}

/// Byte offset → scalar offset in one text: the non-continuation bytes before it.
struct ScalarOffsets {
    private var scalarAt: [Int]

    init(_ text: String) {
        let utf8 = Array(text.utf8)
        scalarAt = [Int](repeating: 0, count: utf8.count + 1)
        var n = 0
        for (i, b) in utf8.enumerated() {
            scalarAt[i] = n
            if b & 0xC0 != 0x80 { n += 1 }
        }
        scalarAt[utf8.count] = n
    }

    subscript(_ byte: Int) -> Int { scalarAt[byte] }
}

@inline(__always)
func scalarLength(_ lead: UInt8) -> Int {
    lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
}

private func originalByte(_ text: String, _ offset: Int) -> UInt8 {
    var t = text
    return t.withUTF8 { $0[offset] }
}

/// Han, kana and hangul: text without spaces between words, where any character is a word edge.
func isCJKScalarForSnippet(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x323AF: return true
    default: return false
    }
}
