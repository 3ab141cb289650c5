import Synchronization
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
    /// For a union of whole terms, its members' current blocks and the bounds worked out on
    /// them (a reference, to keep the matcher small: copies of a matcher share it, so each
    /// walk starts its own with ``startPoolBounds()``).
    private var pool: PoolBlocks?

    /// A union of whole terms only (no character inside a bigram).
    let wholeTermsOnly: Bool
    /// A lone character's occurrences merged once from all its lists (see ``MergedPostings``);
    /// then `first` and `rest` are not used.
    private let merged: MergedPostings?
    let isMerged: Bool
    private var mergedIndex = 0

    init(cursors: [PostingsCursor], parts: [Part], isUnion: Bool) {
        precondition(!cursors.isEmpty, "a matcher needs a list")
        first = cursors[0]
        rest = Array(cursors.dropFirst())
        self.parts = parts
        self.isUnion = isUnion
        wholeTermsOnly = parts.allSatisfy { $0 == .whole }
        pool = isUnion && wholeTermsOnly ? PoolBlocks() : nil
        merged = nil
        isMerged = false
        doc = cursors.map(\.doc).min() ?? PostingsCursor.end
    }

    /// A matcher over postings merged in advance (`placeholder`: any cursor of the segment,
    /// never moved).
    init(merged: MergedPostings, placeholder: PostingsCursor) {
        first = placeholder
        rest = []
        parts = [.startsWithChar]
        isUnion = true
        wholeTermsOnly = false
        pool = nil
        self.merged = merged
        isMerged = true
        doc = merged.docs.isEmpty ? PostingsCursor.end : Int(merged.docs[0])
    }

    var isCorrupt: Bool { merged?.isCorrupt ?? (first.isCorrupt || rest.contains { $0.isCorrupt }) }

    /// ``PostingsCursor/middleOfRest()`` of the list with the most postings in that half (nil
    /// for merged postings).
    mutating func middleOfRest() -> (doc: Int, postings: Int)? {
        guard merged == nil else { return nil }
        var best = first.middleOfRest()
        rest.withUnsafeMutableBufferPointer { rest in
            for i in rest.indices {
                if let m = rest[i].middleOfRest(), m.postings > best?.postings ?? -1 { best = m }
            }
        }
        return best
    }

    mutating func advance(to target: Int) {
        guard doc < target else { return }
        // (The single list first: the scoring loops' case, kept free of the others' work.)
        if !isUnion {
            first.advance(to: target)
            doc = first.doc
            return
        }
        if isMerged { return advanceMerged(to: target) }
        if first.doc < target { first.advance(to: target) }
        var m = first.doc
        // (Through the buffer: one uniqueness check of the array, not one per list.)
        rest.withUnsafeMutableBufferPointer { rest in
            for i in rest.indices {
                if rest[i].doc < target { rest[i].advance(to: target) }
                m = min(m, rest[i].doc)
            }
        }
        doc = m
    }

    @inline(__always)
    mutating func next() {
        if !isUnion {
            first.next()
            doc = first.doc
        } else if doc == PostingsCursor.end {
            return   // (`doc + 1` would overflow)
        } else if isMerged {
            // (The next paragraph is the next entry: no search.)
            let docs = merged.unsafelyUnwrapped.docs
            mergedIndex += 1
            doc = mergedIndex < docs.count ? Int(docs[mergedIndex]) : PostingsCursor.end
        } else {
            nextInUnion()
        }
    }

    /// ``next()`` for a live union, apart: inlined into the scoring loops with the single
    /// list's step, it made them larger for the rarer case.
    @inline(never)
    private mutating func nextInUnion() {
        // Every list stands at or after `doc`: those at it move on by one.
        let at = doc
        if first.doc == at { first.next() }
        var m = first.doc
        // (Through the buffer: one uniqueness check of the array, not one per list.)
        rest.withUnsafeMutableBufferPointer { rest in
            for i in rest.indices {
                if rest[i].doc == at { rest[i].next() }
                m = min(m, rest[i].doc)
            }
        }
        doc = m
    }

    /// For merged postings, the block (of ``MergedPostings/blockSize`` paragraphs) holding the
    /// first paragraph at or after `target`, and its bound: the best score of its frontier
    /// (``MergedPostings/blockImpacts``). Nil for other matchers, or when nothing is left.
    func mergedBlockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        guard isMerged else { return nil }
        let merged = merged.unsafelyUnwrapped
        // The first paragraph at or after `target`, galloping from the current place (the
        // windows move a few paragraphs at a time: a search of the whole rest cost more).
        let docs = merged.docs
        var lo = mergedIndex, hi = lo, step = 1
        while hi < docs.count, Int(docs[hi]) < target { lo = hi + 1; hi += step; step *= 2 }
        hi = min(hi, docs.count)
        while lo < hi { let mid = (lo + hi) / 2; if Int(docs[mid]) < target { lo = mid + 1 } else { hi = mid } }
        guard lo < docs.count else { return nil }
        let block = lo / MergedPostings.blockSize
        let last = min(docs.count, (block + 1) * MergedPostings.blockSize) - 1
        var bound = 0.0
        for k in Int(merged.blockImpactStarts[block])..<Int(merged.blockImpactStarts[block + 1]) {
            bound = max(bound, score(merged.blockImpacts[k]))
        }
        return (Int(docs[last]), bound)
    }

    /// Galloping, then binary search, from the current place in the merged postings.
    @inline(never)
    private mutating func advanceMerged(to target: Int) {
        let docs = merged.unsafelyUnwrapped.docs
        var lo = mergedIndex + 1, step = 1
        var hi = lo
        while hi < docs.count, Int(docs[hi]) < target { lo = hi + 1; hi += step; step *= 2 }
        hi = min(hi, docs.count)
        while lo < hi { let mid = (lo + hi) / 2; if Int(docs[mid]) < target { lo = mid + 1 } else { hi = mid } }
        mergedIndex = min(lo, docs.count)
        doc = lo < docs.count ? Int(docs[lo]) : PostingsCursor.end
    }

    /// Moves past the postings up to `last` that `drop` rejects (see
    /// ``PostingsCursor/skip(through:while:)``): for a single list a block at a time, for a
    /// lone character merged along its arrays, for a union a paragraph at a time.
    mutating func skip(through last: Int, while drop: (Int, Int) -> Bool) {
        // (The single list first, and the union's loop apart: the scoring loop's common case
        // stays small enough to be inlined there with `drop`.)
        if !isUnion {
            first.skip(through: last, while: drop)
            doc = first.doc
            return
        }
        if isMerged {
            let merged = merged.unsafelyUnwrapped
            let docs = merged.docs, starts = merged.starts
            var i = mergedIndex
            while i < docs.count {
                let d = Int(docs[i])
                if d > last || !drop(d, Int(starts[i + 1] - starts[i])) { break }
                i += 1
            }
            mergedIndex = i
            doc = i < docs.count ? Int(docs[i]) : PostingsCursor.end
            return
        }
        skipUnion(through: last, while: drop)
    }

    /// Adds the frequency of every paragraph from the current one up to `last` to
    /// `frequencies[paragraph - origin]` and marks it in the bitset `seen` (bit `paragraph -
    /// origin`), then stands at the first paragraph after `last`. A single list and a union of
    /// whole terms (a word's translations, a prefix's words) are read list by list (whole terms'
    /// counts at a paragraph add up, as ``frequency()`` adds them), not merged a paragraph at a
    /// time; other unions as they step.
    /// The matcher stands at or after `origin`; the caller owns both buffers and makes them
    /// cover `origin...last`.
    mutating func gather(through last: Int, origin: Int, into frequencies: UnsafeMutablePointer<UInt32>,
                         seen: UnsafeMutablePointer<UInt64>) {
        assert(doc >= origin, "gathered from before the window")
        @inline(__always) func add(_ doc: Int, _ frequency: Int) {
            let offset = doc - origin
            // (A paragraph's count is at most its length, which the index keeps in 32 bits.)
            frequencies[offset] &+= UInt32(truncatingIfNeeded: frequency)
            seen[offset >> 6] |= 1 << UInt64(offset & 63)
        }
        if !isUnion || wholeTermsOnly && !isMerged {
            while first.doc <= last { add(first.doc, first.frequency); first.next() }
            var m = first.doc
            rest.withUnsafeMutableBufferPointer { rest in
                for i in rest.indices {
                    while rest[i].doc <= last { add(rest[i].doc, rest[i].frequency); rest[i].next() }
                    m = min(m, rest[i].doc)
                }
            }
            doc = m
            return
        }
        while doc <= last {
            add(doc, frequency())
            next()
        }
    }

    /// ``skip(through:while:)`` for a live union: a posting at a time (no block bounds its
    /// lists together), for a word's translations their counts at each paragraph added and
    /// the lists there moved on by one, in one loop. (The step is `next()`'s, written out over
    /// the buffer: calling a shared step from both measured 3–5 % slower at the default's
    /// median, and `frequency()` with `next()` 15 % slower on the pooled queries.)
    @inline(never)
    private mutating func skipUnion(through last: Int, while drop: (Int, Int) -> Bool) {
        guard wholeTermsOnly else {
            while doc <= last, drop(doc, frequency()) { next() }
            return
        }
        var at = doc
        rest.withUnsafeMutableBufferPointer { rest in
            while at <= last {
                var f = first.doc == at ? first.frequency : 0
                for i in rest.indices where rest[i].doc == at { f += rest[i].frequency }
                if !drop(at, f) { break }
                if first.doc == at { first.next() }
                var m = first.doc
                for i in rest.indices {
                    if rest[i].doc == at { rest[i].next() }
                    m = min(m, rest[i].doc)
                }
                at = m
            }
        }
        doc = at
    }

    /// For a single list, its block holding the first posting at or after `target` and the
    /// block's score bound (see ``PostingsCursor/blockBound(atOrAfter:_:)``). Not for a union:
    /// its frequency counts occurrences across lists, which no one block bounds.
    mutating func blockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        precondition(!isUnion, "a union has no block bound")
        return first.blockBound(atOrAfter: target, score)
    }

    /// Forgets the pool's blocks and bounds (a union of whole terms): a walk starts here, so that
    /// nothing worked out by an earlier walk over a copy of this matcher, with other weights
    /// or from another place, is taken for its own.
    mutating func startPoolBounds() {
        if pool != nil { pool = PoolBlocks() }
    }

    /// For a union of whole terms, the bound of its members' blocks holding the first
    /// postings at or after `target`: their highest frequencies summed at their shortest length
    /// (no paragraph there can hold more of them, or be shorter), up to the first of those
    /// blocks to end. Nil when no member has a posting left. The blocks' frontiers are kept for
    /// ``frontierBound(reaching:loose:_:)``, and both bounds until a member's block changes
    /// (a window ends where the first block of any list ends: most windows move one member).
    mutating func unionBlockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        precondition(isUnion && wholeTermsOnly, "only a union of whole terms")
        let pool = pool.unsafelyUnwrapped
        // (The block ends taken out of the pool, and the lists moved through their buffer, while
        // they are worked on: a class's array changed in place, or an array's elements, cost
        // run-time checks at every access.)
        var ends: [Int] = []
        swap(&ends, &pool.blockEnds)
        defer { swap(&ends, &pool.blockEnds) }
        if ends.count != rest.count + 1 { ends = Array(repeating: Int.min, count: rest.count + 1) }
        var lastDoc = Int.max, changed = false
        let firstEnd = first.blockEnd(atOrAfter: target) ?? -1
        if firstEnd != ends[0] { ends[0] = firstEnd; changed = true }
        if firstEnd >= 0 { lastDoc = firstEnd }
        rest.withUnsafeMutableBufferPointer { rest in
            for k in rest.indices {
                let last = rest[k].blockEnd(atOrAfter: target) ?? -1
                if last != ends[k + 1] { ends[k + 1] = last; changed = true }
                if last >= 0 { lastDoc = min(lastDoc, last) }
            }
        }
        if lastDoc == Int.max { return nil }
        if changed {
            var frequency = 0, length = Int.max
            for member in 0...rest.count where ends[member] >= 0 {
                let top = member == 0 ? first.frontierExtremes() : rest[member - 1].frontierExtremes()
                frequency += top.frequency
                length = min(length, top.length)
            }
            pool.loose = score(Impact(frequency: frequency, length: length))
            pool.tight = nil
            pool.tightAtLeast = 0
        }
        return (lastDoc, pool.loose)
    }

    /// The most members a union's frontiers are merged for (a word's translations have a few).
    static let frontierMembers = 16

    /// A tighter bound than ``unionBlockBound(atOrAfter:_:)``'s (`loose`) on the same blocks,
    /// from their frontiers merged by length: a paragraph of length ℓ holds at most, of each
    /// member, the highest frequency that member's frontier pairs with a length of ℓ or less,
    /// and so scores at most those summed at ℓ; the bound is the best of that over the
    /// frontiers' lengths. (The loose bound lets one short paragraph — in most blocks of a
    /// common word — stand for a paragraph holding every occurrence.) Worked out only until
    /// it reaches `reaching`, the most that leaves the window out of reach with the other
    /// lists' bounds as they stand; then `loose` (valid, if no longer the best bound).
    mutating func frontierBound(reaching: Double, loose: Double, _ score: (Impact) -> Double) -> Double {
        let pool = pool.unsafelyUnwrapped
        // (A prefix's union of up to 1,024 words: its windows are a few paragraphs long, and
        // a merge of all their frontiers in each would cost more than it could save.)
        if rest.count + 1 > Self.frontierMembers { return loose }
        if let tight = pool.tight { return tight }
        if pool.tightAtLeast >= reaching { return loose }
        // After block sets where it did not help, the next few are not tried (a pool whose
        // blocks each hold a paragraph that reaches the threshold would pay for nothing).
        if pool.pass > 0 {
            pool.pass -= 1
            pool.tightAtLeast = .infinity
            return loose
        }
        var order: [Int] = [], held: [Int] = []
        swap(&order, &pool.order)
        swap(&held, &pool.held)
        defer {
            swap(&order, &pool.order)
            swap(&held, &pool.held)
        }
        var impacts: [Impact] = [], members: [Int] = []
        swap(&impacts, &pool.frontiers)
        swap(&members, &pool.members)
        defer {
            swap(&impacts, &pool.frontiers)
            swap(&members, &pool.members)
        }
        impacts.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
        for member in 0...rest.count where pool.blockEnds[member] >= 0 {
            let before = impacts.count
            if member == 0 { first.appendFrontier(to: &impacts) } else { rest[member - 1].appendFrontier(to: &impacts) }
            // (Shortest first, so that each member's run is in order for the sort below.)
            impacts[before...].reverse()
            members.append(contentsOf: repeatElement(member, count: impacts.count - before))
        }
        // By length (a few pairs per member, each member's in order: insertion sort).
        order.removeAll(keepingCapacity: true)
        for k in impacts.indices {
            var j = order.count
            order.append(k)
            while j > 0 && impacts[order[j - 1]].length > impacts[k].length { order[j] = order[j - 1]; j -= 1 }
            order[j] = k
        }
        // Each member's frequency at the lengths so far (a member's frontier rises with
        // length), summed.
        held.removeAll(keepingCapacity: true)
        held.append(contentsOf: repeatElement(0, count: rest.count + 1))
        var sum = 0, bound = 0.0
        for (j, k) in order.enumerated() {
            sum += impacts[k].frequency - held[members[k]]
            held[members[k]] = impacts[k].frequency
            // (Only the last of equal lengths: the sum there is the highest.)
            if j + 1 < order.count && impacts[order[j + 1]].length == impacts[k].length { continue }
            bound = max(bound, score(Impact(frequency: sum, length: impacts[k].length)))
            if bound >= reaching {
                pool.tightAtLeast = bound
                pool.misses = min(2 * pool.misses + 1, 63)
                pool.pass = pool.misses
                return loose
            }
        }
        pool.misses = 0
        pool.tight = min(bound, loose)
        return min(bound, loose)
    }

    @inline(__always)
    mutating func frequency() -> Int {
        guard isUnion else { return first.frequency }
        if isMerged {
            let starts = merged.unsafelyUnwrapped.starts
            return Int(starts[mergedIndex + 1] - starts[mergedIndex])
        }
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
        if let merged {
            cachedPositions = merged.positions[Int(merged.starts[mergedIndex])..<Int(merged.starts[mergedIndex + 1])].map { Int($0) }
            return cachedPositions
        }
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

/// A union's members' current blocks (``TermMatcher/unionBlockBound(atOrAfter:_:)``): where
/// each ends (-1: the member has no posting left), their frontiers and the member each pair
/// belongs to, the bounds worked out on them, and working arrays kept between windows.
private final class PoolBlocks {
    var blockEnds: [Int] = []
    var frontiers: [Impact] = []
    var members: [Int] = []
    /// The loose bound on these blocks; the tight one once worked out in full; or, when it was
    /// left off on reaching what was asked, the most it was then known to reach.
    var loose = 0.0
    var tight: Double? = nil
    var tightAtLeast = 0.0
    /// Block sets not tried after a miss (`pass`), doubling (to 63) with each miss in a row.
    var misses = 0
    var pass = 0
    var order: [Int] = []
    var held: [Int] = []
}

/// A lone CJK character's occurrences in one segment, merged once from every list that holds
/// it (the unigram, each bigram it starts or ends): the paragraphs, and in each the token
/// positions of the character, one per occurrence (slots as ``TermMatcher`` counts them).
///
/// A character such as 的 is in thousands of bigrams; walking them as a live union costs a
/// step over every list for every paragraph, three times (document frequency, count, score).
/// Merged once — every (paragraph, slot) collected and sorted — it is one array walk.
final class MergedPostings: Sendable {
    let docs: [Int32]
    /// Paragraph i's positions are `positions[starts[i]..<starts[i + 1]]`.
    let starts: [Int32]
    let positions: [Int32]
    let maxFrequency: Int
    let isCorrupt: Bool
    /// Each block of `blockSize` paragraphs: its impacts, the (frequency, length) pairs of its
    /// paragraphs that no other there beats in both (more often, and shorter), frequencies
    /// falling; block b's are `blockImpacts[blockImpactStarts[b]..<blockImpactStarts[b + 1]]`.
    /// The best of their scores bounds the block's (MaxScore skips a block that cannot reach
    /// the top k). The highest frequency at the shortest length alone bounded a block of a
    /// common character far above what any of its paragraphs scores.
    let blockImpacts: [Impact]
    let blockImpactStarts: [Int32]
    /// 512, not the postings' 128: a window ends at the first block end of any list, and a
    /// query of many common characters made windows of a few paragraphs (measured on the perf
    /// corpus, warm: twenty characters 40 → 32 ms, five 4.6 → 4.2 ms, `的` 1.40 → 1.34 ms; 2,048
    /// was faster for twenty, 28 ms, and slower for a character among words).
    static let blockSize = 512

    /// Whether every list was read (a search past its time limit stops merging).
    let isComplete: Bool
    /// The lists merged (the rerank reads them again to see where the character stands alone),
    /// and the shortest paragraph among them.
    let parts: [Searcher.CharacterPart]
    let minLength: Int
    /// For each paragraph of `docs`, whether the character stands there at least once outside
    /// every dictionary word (worked out on the first query of the character alone).
    private let aloneCache = OnceCache<[Bool]>()

    /// ``aloneCache``: each occurrence is free when no bigram holding it is a word (`inWord`);
    /// a paragraph with a free occurrence holds the character alone.
    func standsAlone(cursor: (TermInfo) -> PostingsCursor, inWord: ([UInt8]) -> Bool) -> [Bool] {
        aloneCache.get {
            var free: [UInt64] = [], bound: [UInt64] = []
            for (name, info, part) in parts {
                let word = part != .whole && inWord(name)
                var c = cursor(info)
                while c.doc != PostingsCursor.end {
                    for p in c.positions() {
                        let slot = part == .whole ? 2 * p + 1 : part == .startsWithChar ? 2 * p : 2 * (p + 1)
                        let pair = UInt64(c.doc) << 32 | UInt64(UInt32(truncatingIfNeeded: slot))
                        if word { bound.append(pair) } else { free.append(pair) }
                    }
                    c.next()
                }
            }
            free.sort()
            bound.sort()
            var alone = [Bool](repeating: false, count: docs.count)
            var b = 0, d = 0
            for pair in free {
                while b < bound.count && bound[b] < pair { b += 1 }
                if b < bound.count && bound[b] == pair { continue }
                let doc = Int32(truncatingIfNeeded: pair >> 32)
                while d < docs.count && docs[d] < doc { d += 1 }
                if d < docs.count && docs[d] == doc { alone[d] = true }
            }
            return alone
        }
    }

    init(_ parts: [Searcher.CharacterPart], cursor: (TermInfo) -> PostingsCursor, length: (Int) -> Int, budget: Budget? = nil) {
        self.parts = parts
        minLength = parts.map(\.info.minLength).min() ?? 0
        var pairs: [UInt64] = []
        var corrupt = false
        var complete = true
        for (k, (_, info, part)) in parts.enumerated() {
            if budget.isSpent(at: k) { complete = false; break }
            let cursor = cursor(info)
            var c = cursor
            while c.doc != PostingsCursor.end {
                for p in c.positions() {
                    let slot: Int
                    switch part {
                    case .whole: slot = 2 * p + 1
                    case .startsWithChar: slot = 2 * p
                    case .endsWithChar: slot = 2 * (p + 1)
                    }
                    pairs.append(UInt64(c.doc) << 32 | UInt64(UInt32(truncatingIfNeeded: slot)))
                }
                c.next()
            }
            corrupt = corrupt || c.isCorrupt
        }
        pairs.sort()
        var docs: [Int32] = [], starts: [Int32] = [], positions: [Int32] = []
        var maxFrequency = 0, last: UInt64 = .max
        for pair in pairs where pair != last {
            let doc = Int32(truncatingIfNeeded: pair >> 32)
            if docs.last != doc {
                if let s = starts.last { maxFrequency = max(maxFrequency, positions.count - Int(s)) }
                docs.append(doc)
                starts.append(Int32(positions.count))
            }
            positions.append(Int32(truncatingIfNeeded: (pair & 0xFFFF_FFFF) / 2))
            last = pair
        }
        if let s = starts.last { maxFrequency = max(maxFrequency, positions.count - Int(s)) }
        starts.append(Int32(positions.count))
        var impacts: [Impact] = [], impactStarts: [Int32] = [0]
        var block: [Impact] = []
        var b = 0
        while b < docs.count {
            let e = min(docs.count, b + Self.blockSize)
            block.removeAll(keepingCapacity: true)
            for k in b..<e { block.append(Impact(frequency: Int(starts[k + 1] - starts[k]), length: length(Int(docs[k])))) }
            impacts += Impact.frontier(block)
            impactStarts.append(Int32(impacts.count))
            b = e
        }
        blockImpacts = impacts
        blockImpactStarts = impactStarts
        isComplete = complete
        self.docs = docs
        self.starts = starts
        self.positions = positions
        self.maxFrequency = maxFrequency
        isCorrupt = corrupt
    }
}

/// Lone characters' merged postings, by segment and character, kept for the searcher's life
/// while they fit in `budget` bytes (the least recently used go first): a character asked again
/// — 的 in the next query of a batch, or of a server's next user — costs an array walk, not a
/// merge. Segments never change, so an entry never goes stale.
final class MergedPostingsCache: Sendable {
    struct Key: Hashable {
        var segment: String
        var term: [UInt8]
    }

    private struct State {
        var entries: [Key: (postings: MergedPostings, used: Int)] = [:]
        var bytes = 0
        var clock = 0
    }

    /// 64 MB: about 16 million occurrences.
    static let budget = 64 << 20
    private let state = Mutex(State())

    /// Bytes an entry holds: its arrays and its lists' names and entries.
    static func size(of p: MergedPostings) -> Int {
        4 * (p.docs.count + p.starts.count + p.positions.count) + 64 * p.parts.count + 64
    }

    func get(segment: String, term: [UInt8], _ make: () throws -> MergedPostings) rethrows -> MergedPostings {
        let key = Key(segment: segment, term: term)
        let found: MergedPostings? = state.withLock { s in
            s.clock += 1
            guard let entry = s.entries[key] else { return nil }
            s.entries[key]!.used = s.clock
            return entry.postings
        }
        if let found { return found }
        // Merged outside the lock: searches of other characters go on meanwhile.
        let made = try make()
        let size = Self.size(of: made)
        guard size <= Self.budget / 4, !made.isCorrupt, made.isComplete else { return made }
        state.withLock { s in
            if s.entries[key] != nil { return }
            s.clock += 1
            s.entries[key] = (made, s.clock)
            s.bytes += size
            while s.bytes > Self.budget, let oldest = s.entries.min(by: { $0.value.used < $1.value.used }) {
                s.entries[oldest.key] = nil
                s.bytes -= Self.size(of: oldest.value.postings)
            }
        }
        return made
    }
}
