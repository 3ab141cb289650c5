import ParaCore
import ParaAnalysis

/// Finds the query's terms in a paragraph's original text and cuts a snippet around them.
struct Highlighter {
    /// Terms to mark, as analysed bytes.
    let terms: Set<[UInt8]>
    /// Lone CJK characters of the query: marked wherever they occur inside bigrams.
    let characters: Set<[UInt8]>
    /// Snippet length in Unicode scalars.
    let window: Int

    init(plan: QueryPlan, window: Int = 160) {
        var terms = Set<[UInt8]>()
        var characters = Set<[UInt8]>()
        for t in plan.scoring {
            if !plan.terms[t].alternatives.isEmpty {
                terms.formUnion(plan.terms[t].alternatives)
            } else if plan.terms[t].isUnion {
                characters.insert(plan.terms[t].bytes)
            } else {
                terms.insert(plan.terms[t].bytes)
            }
        }
        self.terms = terms
        self.characters = characters
        self.window = window
    }

    /// Byte ranges of matches in `text`, merged where they touch or overlap.
    func matchRanges(in text: String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        Analyzer().analyze(text) { term, kind, _, range in
            let bytes = Array(term)
            if terms.contains(bytes) { ranges.append(range); return }
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
        let end = bestStart + window
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
