import ParaCore
import ParaIndex

/// One query term in one segment: a single postings list, or — for a lone CJK character —
/// the union of every bigram that contains it (and the character as a unigram), so that `核`
/// finds `核风险` and `化学、生物、辐射和核`.
///
/// For a union the frequency is the number of occurrences of the character, recovered from
/// positions as "slots": a bigram `cX` at position p puts c at slot 2p, a bigram `Xc` at p puts
/// it at 2(p + 1) — the slot of the bigram that starts with the same c when the run goes on —
/// and a unigram `c` at p at slot 2p + 1, which no bigram can share. Distinct slots are
/// distinct occurrences.
struct TermMatcher {
    enum Part { case whole, startsWithChar, endsWithChar }

    private var cursors: [PostingsCursor]
    private let parts: [Part]
    let isUnion: Bool
    private(set) var doc: Int = PostingsCursor.end
    private var cachedDoc = -1
    private var cachedPositions: [Int] = []

    init(cursors: [PostingsCursor], parts: [Part], isUnion: Bool) {
        self.cursors = cursors
        self.parts = parts
        self.isUnion = isUnion
        doc = cursors.map(\.doc).min() ?? PostingsCursor.end
    }

    var isCorrupt: Bool { cursors.contains { $0.isCorrupt } }

    mutating func advance(to target: Int) {
        guard doc < target else { return }
        var m = PostingsCursor.end
        for i in cursors.indices {
            if cursors[i].doc < target { cursors[i].advance(to: target) }
            m = min(m, cursors[i].doc)
        }
        doc = m
    }

    mutating func next() { advance(to: doc + 1) }

    /// For a single list, its block holding the first posting at or after `target` and the
    /// block's score bound (see ``PostingsCursor/blockBound(atOrAfter:_:)``). Not for a union:
    /// its frequency counts occurrences across lists, which no one block bounds.
    mutating func blockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        precondition(!isUnion, "a union has no block bound")
        return cursors[0].blockBound(atOrAfter: target, score)
    }

    mutating func frequency() -> Int {
        isUnion ? positions().count : cursors[0].frequency
    }

    /// Positions in the current paragraph, increasing. For a union, the token position of
    /// each occurrence of the character.
    mutating func positions() -> [Int] {
        if cachedDoc == doc { return cachedPositions }
        cachedDoc = doc
        if !isUnion {
            cachedPositions = cursors[0].positions()
            return cachedPositions
        }
        var slots: [Int] = []
        for i in cursors.indices where cursors[i].doc == doc {
            for p in cursors[i].positions() {
                switch parts[i] {
                case .whole: slots.append(2 * p + 1)
                case .startsWithChar: slots.append(2 * p)
                case .endsWithChar: slots.append(2 * (p + 1))
                }
            }
        }
        slots.sort()
        var positions: [Int] = []
        positions.reserveCapacity(slots.count)
        var last = -1
        for s in slots where s != last {
            positions.append(s / 2)
            last = s
        }
        cachedPositions = positions
        return positions
    }
}
