import ParaCore
import ParaIndex

/// One query term in one segment: a single postings list, or — for a lone CJK character —
/// the union of every bigram that contains it (and the character as a unigram), so that `核`
/// finds `核风险` and `化学、生物、辐射和核`; or the union of a query word's translations.
///
/// For a union the frequency is the number of occurrences of the character, recovered from
/// positions as "slots": a bigram `cX` at position p puts c at slot 2p, a bigram `Xc` at p puts
/// it at 2(p + 1) — the slot of the bigram that starts with the same c when the run goes on —
/// and a unigram `c` at p at slot 2p + 1, which no bigram can share. Distinct slots are
/// distinct occurrences.
struct TermMatcher {
    enum Part { case whole, startsWithChar, endsWithChar }

    /// The first (for a single list, the only) cursor, held inline: the scoring loops move it
    /// without going through an array.
    private var first: PostingsCursor
    private var rest: [PostingsCursor]
    private let parts: [Part]
    let isUnion: Bool
    private(set) var doc: Int = PostingsCursor.end
    private var cachedDoc = -1
    private var cachedPositions: [Int] = []

    /// A union of whole terms only (no character inside a bigram).
    let wholeTermsOnly: Bool

    init(cursors: [PostingsCursor], parts: [Part], isUnion: Bool) {
        precondition(!cursors.isEmpty, "a matcher needs a list")
        first = cursors[0]
        rest = Array(cursors.dropFirst())
        self.parts = parts
        self.isUnion = isUnion
        wholeTermsOnly = parts.allSatisfy { $0 == .whole }
        doc = cursors.map(\.doc).min() ?? PostingsCursor.end
    }

    var isCorrupt: Bool { first.isCorrupt || rest.contains { $0.isCorrupt } }

    mutating func advance(to target: Int) {
        guard doc < target else { return }
        if first.doc < target { first.advance(to: target) }
        var m = first.doc
        for i in rest.indices {
            if rest[i].doc < target { rest[i].advance(to: target) }
            m = min(m, rest[i].doc)
        }
        doc = m
    }

    @inline(__always)
    mutating func next() {
        if isUnion {
            advance(to: doc + 1)
        } else {
            first.next()
            doc = first.doc
        }
    }

    /// For a single list: moves past its postings up to `last` that `drop` rejects (see
    /// ``PostingsCursor/skip(through:while:)``).
    mutating func skip(through last: Int, while drop: (Int, Int) -> Bool) {
        precondition(!isUnion, "a union is not skipped posting by posting")
        first.skip(through: last, while: drop)
        doc = first.doc
    }

    /// For a single list, its block holding the first posting at or after `target` and the
    /// block's score bound (see ``PostingsCursor/blockBound(atOrAfter:_:)``). Not for a union:
    /// its frequency counts occurrences across lists, which no one block bounds.
    mutating func blockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        precondition(!isUnion, "a union has no block bound")
        return first.blockBound(atOrAfter: target, score)
    }

    /// For a union of whole terms, the bound of its members' blocks holding the first
    /// postings at or after `target`: their highest frequencies summed at their shortest length
    /// (no paragraph there can hold more of them, or be shorter), up to the first of those
    /// blocks to end. Nil when no member has a posting left.
    mutating func unionBlockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        precondition(isUnion && wholeTermsOnly, "only a union of whole terms")
        var lastDoc = Int.max, frequency = 0, length = Int.max, found = false
        func visit(_ cursor: inout PostingsCursor) {
            var f = 0, l = Int.max
            guard let block = cursor.blockBound(atOrAfter: target, { impact in
                f = max(f, impact.frequency)
                l = min(l, impact.length)
                return 0
            }) else { return }
            lastDoc = min(lastDoc, block.lastDoc)
            frequency += f
            length = min(length, l)
            found = true
        }
        visit(&first)
        for i in rest.indices { visit(&rest[i]) }
        return found ? (lastDoc, score(Impact(frequency: frequency, length: length))) : nil
    }

    @inline(__always)
    mutating func frequency() -> Int {
        guard isUnion else { return first.frequency }
        // Whole terms (a word's translations) never share a position: their counts add up.
        if wholeTermsOnly {
            var f = first.doc == doc ? first.frequency : 0
            for i in rest.indices where rest[i].doc == doc { f += rest[i].frequency }
            return f
        }
        return positions().count
    }

    /// Positions in the current paragraph, increasing. For a union, the token position of
    /// each occurrence of the character.
    mutating func positions() -> [Int] {
        if cachedDoc == doc { return cachedPositions }
        cachedDoc = doc
        if !isUnion {
            cachedPositions = first.positions()
            return cachedPositions
        }
        var slots: [Int] = []
        func collect(_ positions: [Int], _ part: Part) {
            for p in positions {
                switch part {
                case .whole: slots.append(2 * p + 1)
                case .startsWithChar: slots.append(2 * p)
                case .endsWithChar: slots.append(2 * (p + 1))
                }
            }
        }
        if first.doc == doc { collect(first.positions(), parts[0]) }
        for i in rest.indices where rest[i].doc == doc { collect(rest[i].positions(), parts[i + 1]) }
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
