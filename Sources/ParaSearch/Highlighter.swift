import ParaCore
import ParaAnalysis

/// Finds the query's terms in a paragraph's original text and cuts a snippet around them.
struct Highlighter {
    /// Terms to mark, as analysed bytes.
    let terms: Set<[UInt8]>
    /// Lone CJK characters of the query: marked wherever they occur inside bigrams.
    let characters: Set<[UInt8]>
    /// Beginnings of words (`terror*`): any term that starts with one is marked.
    let prefixes: [[UInt8]]
    /// Snippet length in Unicode scalars.
    let window: Int

    init(plan: QueryPlan, window: Int = 160) {
        var terms = Set<[UInt8]>()
        var characters = Set<[UInt8]>()
        var prefixes: [[UInt8]] = []
        for t in plan.scoring {
            if let prefix = plan.terms[t].prefix {
                prefixes.append(prefix)
            } else if !plan.terms[t].alternatives.isEmpty {
                terms.formUnion(plan.terms[t].alternatives)
            } else if plan.terms[t].isUnion {
                characters.insert(plan.terms[t].bytes)
            } else {
                terms.insert(plan.terms[t].bytes)
            }
        }
        self.terms = terms
        self.characters = characters
        self.prefixes = prefixes
        self.window = window
    }

    /// Byte ranges of matches in `text`, merged where they touch or overlap.
    func matchRanges(in text: String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        Analyzer().analyze(text) { term, kind, _, range in
            let bytes = Array(term)
            if terms.contains(bytes) || prefixes.contains(where: { bytes.starts(with: $0) }) { ranges.append(range); return }
            guard !characters.isEmpty else { return }
            if kind == .unigram, characters.contains(bytes) { ranges.append(range); return }
            if kind == .bigram {
                // Which half matches: the original range splits after its first scalar.
                let firstLength = scalarLength(originalByte(text, range.lowerBound))
                let split = scalarLength(bytes[0])
                if characters.contains(Array(bytes[..<split])) { ranges.append(range.lowerBound..<(range.lowerBound + firstLength)) }
                if characters.contains(Array(bytes[split...])) { ranges.append((range.lowerBound + firstLength)..<range.upperBound) }
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
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

    /// The snippet and its highlights in scalar offsets.
    func snippet(of text: String) -> (String, [Range<Int>]) {
        let scalars = Array(text.unicodeScalars)
        // Byte offset → scalar offset: count the non-continuation bytes before it.
        let utf8 = Array(text.utf8)
        var scalarAt = [Int](repeating: 0, count: utf8.count + 1)
        var n = 0
        for (i, b) in utf8.enumerated() {
            scalarAt[i] = n
            if b & 0xC0 != 0x80 { n += 1 }
        }
        scalarAt[utf8.count] = n
        let ranges = matchRanges(in: text).map { scalarAt[$0.lowerBound]..<scalarAt[$0.upperBound] }
        if scalars.count <= window {
            return (text, ranges)
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
        return (String(snippet), inside)
    }
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
