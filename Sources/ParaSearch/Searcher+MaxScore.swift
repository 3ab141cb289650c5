import Foundation
import ParaCore
import ParaAnalysis
import ParaIndex

// Top-k retrieval: block-max MaxScore over a segment, and the heap of the best candidates.

extension Searcher {
    /// Block-max MaxScore. MaxScore (Turtle & Flood 1995): terms sorted by their score bound;
    /// the lowest-bound terms whose bounds together cannot beat the current k-th score are
    /// "non-essential": they never drive the iteration, and are probed for a paragraph found
    /// through the essential ones only while its score so far plus their remaining bounds could
    /// still beat the k-th.
    ///
    /// The bounds are taken per window, not per term: a window runs from the smallest current
    /// paragraph to the end of the first postings block (of any term) that ends after it, and
    /// in it each term is bounded by the best of its one block's impacts there (read from the
    /// skip entries, without decoding). A window whose bounds add up below the k-th score is
    /// skipped whole; otherwise the terms are partitioned again with their window bounds, so a
    /// common term whose block holds only weak postings stops driving the iteration there.
    /// A word's pooled translations are bounded by their members' blocks together: first
    /// loosely, then — when that leaves the window in reach — from their impact frontiers
    /// merged by length (``TermMatcher/frontierBound(reaching:loose:_:)``).
    /// With one essential list, its postings whose own score plus the others' bounds falls
    /// short are passed over a block at a time (a lone character's merged list, in place; a
    /// word's pooled translations, a posting at a time), without scoring them. A probed list
    /// without the paragraph, whose absence the others' bounds together cannot make up for, is
    /// required in the window: the essential lists leap to where it stands (no further than
    /// the window's end). A window with two essential lists or more, a union of whole terms
    /// among them, is taken list by list rather than a paragraph at a time (``walkGathered``).
    /// Every paragraph that could enter the top k is still scored exactly as the exhaustive
    /// strategy scores it.
    ///
    /// Ranking-only lists (section terms) are never essential: they add to a paragraph found
    /// through the others and are bounded like any list, but a paragraph they alone hold is no
    /// match.
    ///
    /// With `rescore`, a paragraph that passes `accept` enters the heap with its final score
    /// (a heap of final scores: ``TopK/finalLift``), as in ``conjunctive(_:segment:required:scored:heap:budget:accept:rescore:)``.
    func maxScore(_ scorer: SegmentScorer, segment s: Int, heap: inout TopK, budget: Budget?,
                  accept: (Int) throws -> Bool, rescore: Rescore? = nil, range: Range<Int> = 0..<PostingsCursor.end,
                  handOff: HandOff? = nil) throws {
        var upper = range.upperBound
        let n = scorer.count
        let lead = scorer.rankingOnly
        let m = scorer.matchers
        let margin = Self.pruningMargin
        var bound = [Double](repeating: 0, count: n)
        var order = Array(0..<n)
        var prefix = [Double](repeating: 0, count: n)
        var next = range.lowerBound   // every paragraph before this one is decided
        let pools = (0..<n).filter { m[$0].isUnion && m[$0].wholeTermsOnly }
        for i in pools { m[i].startPoolBounds() }
        // `walkGathered`'s buffers, made on the first window that gathers: `seen` all zero,
        // `frequencies` zero as far as `zeroed` (the rest not yet initialised).
        var frequencies: UnsafeMutablePointer<UInt32>? = nil
        var zeroed = 0
        var seen: UnsafeMutablePointer<UInt64>? = nil
        defer {
            frequencies?.deallocate()
            seen?.deallocate()
        }
        var step = 0
        while !budget.isSpent(at: step) {
            step += 1
            if !heap.refreshFloor() { break }
            // The window: from the first paragraph not yet decided that some term holds...
            var start = PostingsCursor.end
            for i in lead..<n { start = min(start, max(m[i].doc, next)) }
            if start >= upper { break }
            // Another thread free to walk the rest's second half: handed to it.
            if let handOff, handOff.isWanted() {
                var split: (doc: Int, postings: Int)? = nil
                for i in lead..<n {
                    if let middle = m[i].middleOfRest(), middle.doc > start, middle.postings > split?.postings ?? -1 { split = middle }
                }
                if let split, split.postings >= handOff.atLeast, split.doc < upper, handOff.hand(split.doc..<upper) { upper = split.doc }
            }
            // ... to the end of the first block (of any term) that ends at or after it.
            var end = PostingsCursor.end - 1
            var total = 0.0
            for i in 0..<n {
                if m[i].isUnion && m[i].wholeTermsOnly {
                    // A word's translations: bounded by their blocks together.
                    if let block = m[i].unionBlockBound(atOrAfter: start, { scorer.bound(i, maxFrequency: $0.frequency, minLength: $0.length) }) {
                        end = min(end, block.lastDoc)
                        bound[i] = block.bound
                    } else {
                        bound[i] = 0
                    }
                } else if m[i].isUnion, let block = m[i].mergedBlockBound(atOrAfter: start, { scorer.bound(i, maxFrequency: $0.frequency, minLength: $0.length) }) {
                    // A lone character merged: bounded by its own blocks.
                    end = min(end, block.lastDoc)
                    bound[i] = block.bound
                } else if m[i].isUnion {
                    bound[i] = m[i].doc == PostingsCursor.end ? 0 : scorer.bounds[i]
                } else if let block = m[i].blockBound(atOrAfter: start, { scorer.bound(i, maxFrequency: $0.frequency, minLength: $0.length) }) {
                    end = min(end, block.lastDoc)
                    bound[i] = block.bound
                } else {
                    bound[i] = 0   // no posting left at or after `start`
                }
                total += bound[i]
            }
            end = min(end, upper - 1)
            next = end + 1
            // The pools' bounds from their frontiers, when the loose ones leave the window in
            // reach: each only as far as it must go to take the window out of reach.
            if !pools.isEmpty, let threshold = heap.threshold, total * margin >= threshold {
                for p in pools.indices where bound[pools[p]] > 0 {
                    let i = pools[p]
                    let others = total - bound[i]
                    bound[i] = m[i].frontierBound(reaching: threshold / margin - others, loose: bound[i]) {
                        scorer.bound(i, maxFrequency: $0.frequency, minLength: $0.length)
                    }
                    total = others + bound[i]
                }
            }
            if let threshold = heap.threshold, total * margin < threshold { continue }
            // The ranking-only lists first, whatever their bounds: they are never essential.
            // (By insertion, stable as `sort` is: the order is the last window's, most often
            // still sorted, and a few lists long; `sort` took a closure and a slice of the
            // array, a retain and a release, every window.)
            if n - lead > 1 {
                for e in (lead + 1)..<n {
                    let list = order[e], key = bound[list]
                    var j = e
                    while j > lead && bound[order[j - 1]] > key { order[j] = order[j - 1]; j -= 1 }
                    order[j] = list
                }
            }
            var acc = 0.0
            for e in 0..<n { acc += bound[order[e]]; prefix[e] = acc }
            func firstEssential(_ threshold: Double?) -> Int {
                guard let threshold else { return lead }
                var i = 0
                while i < n && prefix[i] * margin < threshold { i += 1 }
                return max(i, lead)
            }
            var essential = firstEssential(heap.threshold)
            // Two essential lists or more, a union of whole terms among them (a word's
            // translations, a prefix's words), once the heap has a threshold (before it, every
            // list is essential and the whole window would be scored): the window's paragraphs
            // gathered list by list. (Measured without the union: slower on Chinese bigrams.)
            if n - essential >= 2, end - start < Self.gatheredSpan, heap.threshold != nil,
               (essential..<n).contains(where: { m[order[$0]].isUnion && m[order[$0]].wholeTermsOnly }) {
                if frequencies == nil {
                    frequencies = .allocate(capacity: n * Self.gatheredSpan)
                    seen = .allocate(capacity: Self.gatheredSpan / 64)
                    seen!.initialize(repeating: 0, count: Self.gatheredSpan / 64)
                }
                // (Zeroed only as far as a window has needed: most windows are a few hundred
                // paragraphs long, and zeroing the whole for each query cost more than it saved.)
                let needed = (n - essential) * (end - start + 1)
                if needed > zeroed {
                    (frequencies! + zeroed).initialize(repeating: 0, count: needed - zeroed)
                    zeroed = needed
                }
                try walkGathered(scorer, segment: s, heap: &heap, accept: accept, rescore: rescore, start: start, end: end,
                                 essential: essential, order: order, bound: bound, prefix: prefix,
                                 frequencies: frequencies!, seen: seen!)
                continue
            }
            for e in essential..<n { m[order[e]].advance(to: start) }
            while essential < n {
                var d = PostingsCursor.end
                var partial = 0.0
                let norm: Double
                if essential == n - 1, let threshold = heap.threshold {
                    // One essential list (the common case once the top k fills): walk it alone
                    // and drop a paragraph as soon as its score plus every other list's bound
                    // falls short.
                    let lead = order[n - 1]
                    let rest = n > 1 ? prefix[n - 2] : 0
                    // Past the postings whose own score cannot carry them, without scoring them
                    // (``TermMatcher/skip(through:while:)``).
                    if scorer.lengthNorm.base >= 0 && scorer.lengthNorm.slope >= 0 {
                        // A posting scores w·f / (f + norm): with no norm below 0, below `cut`
                        // exactly when f · (w − cut) < cut · norm, with no division (and `cut`
                        // taken a margin lower, so that rounding never drops what the score
                        // itself would keep).
                        let cut = threshold / (margin * margin) - rest
                        let gain = scorer.weightedIDF(lead) - cut
                        m[lead].skip(through: end) { doc, frequency in Double(frequency) * gain < cut * scorer.norm(doc) }
                    } else {
                        // (BM25 parameters outside their range — b above 1 — can make a norm
                        // negative: the score itself is compared.)
                        m[lead].skip(through: end) { doc, frequency in
                            (scorer.score(lead, frequency: frequency, norm: scorer.norm(doc)) + rest) * margin < threshold
                        }
                    }
                    d = m[lead].doc
                    if d > end { break }
                    norm = scorer.norm(d)
                    partial = scorer.contribute(lead, d, norm)
                    if (partial + rest) * margin < threshold {
                        m[lead].next()
                        continue
                    }
                } else {
                    for e in essential..<n { d = min(d, m[order[e]].doc) }
                    if d > end { break }
                    norm = scorer.norm(d)
                    for e in essential..<n where m[order[e]].doc == d {
                        partial += scorer.contribute(order[e], d, norm)
                    }
                }
                let resume = Self.probe(scorer, d, norm, &partial, essential: essential, order: order, bound: bound,
                                        prefix: prefix, threshold: heap.threshold, end: end)
                if resume == nil {
                    let score = scorer.sum(d)
                    if heap.wouldAccept(score: score, key: s << 32 | d), try accept(d) {
                        heap.offer(Candidate(segment: s, local: d, score: rescore?.final(d, score) ?? score))
                        essential = firstEssential(heap.threshold)
                    }
                }
                if let resume, resume > d + 1 {
                    for e in essential..<n { m[order[e]].advance(to: resume) }
                } else {
                    for e in essential..<n where m[order[e]].doc == d { m[order[e]].next() }
                }
            }
        }
    }
}

extension Searcher {
    /// Bounds and sums are compared with this relative margin, so that rounding never prunes a
    /// paragraph whose exact score would tie or beat the threshold.
    static let pruningMargin = 1 + 1e-9

    /// Completes paragraph `d`'s partial score from the lists that are only probed
    /// (`order[0..<essential]`, the highest bound first) while its bound can still reach
    /// `threshold`. Returns nil when it can (the score is complete); else the paragraph the walk
    /// goes on from: `d + 1`, or, when a required list lacks `d` — every other list's bound
    /// together falls short, so no paragraph of the window without it can reach the k-th —
    /// where that list stands (no further than the window's `end`, whose bounds these are).
    /// Two common words that each score below the k-th are so walked as an intersection, not
    /// along the one with the higher bound.
    @inline(__always)
    static func probe(_ scorer: SegmentScorer, _ d: Int, _ norm: Double, _ partial: inout Double, essential: Int,
                      order: [Int], bound: [Double], prefix: [Double], threshold: Double?, end: Int) -> Int? {
        let m = scorer.matchers
        let n = scorer.count
        var e = essential - 1
        while e >= 0 {
            if let threshold, (partial + prefix[e]) * pruningMargin < threshold { return d + 1 }
            let list = order[e]
            m[list].advance(to: d)
            if m[list].doc == d {
                partial += scorer.contribute(list, d, norm)
            } else if let threshold, (prefix[n - 1] - bound[list]) * pruningMargin < threshold {
                return min(m[list].doc, end + 1)
            }
            e -= 1
        }
        return nil
    }

    /// The widest window (in paragraphs) whose essential lists ``walkGathered`` takes. (The
    /// windows of common words are a few hundred paragraphs long; a wider one, of rarer lists,
    /// is walked a paragraph at a time, and the buffers stay at 8 KB a list.)
    static let gatheredSpan = 2048

    /// One window of ``maxScore(_:segment:heap:budget:accept:rescore:)`` with two essential
    /// lists or more: their postings in `start...end` gathered list by list (a union of whole
    /// terms member by member) into each paragraph's frequencies, then the paragraphs in order,
    /// each scored from them and probed with the same bounds as the paragraph-at-a-time walk.
    /// The essential lists stay those of the window's start: one that the rising threshold
    /// makes non-essential is still scored from its counts, never probed (nothing is counted
    /// twice), and a paragraph the other walk would not have visited scores below the
    /// threshold. Gathering costs a step of one list a posting; the walk it replaces took, for
    /// each paragraph, a step of every essential list and of every member of each.
    /// `frequencies` holds the window's paragraphs for each essential list in turn, `seen` a
    /// bit per paragraph of the window; both are left zero (unless `accept` throws, which ends
    /// the walk and frees them).
    private func walkGathered(_ scorer: SegmentScorer, segment s: Int, heap: inout TopK, accept: (Int) throws -> Bool,
                              rescore: Rescore?, start: Int, end: Int, essential: Int, order: [Int], bound: [Double],
                              prefix: [Double], frequencies: UnsafeMutablePointer<UInt32>,
                              seen: UnsafeMutablePointer<UInt64>) throws {
        let n = scorer.count
        let m = scorer.matchers
        let lists = n - essential
        let stride = end - start + 1
        for k in 0..<lists {
            let list = order[essential + k]
            m[list].advance(to: start)
            m[list].gather(through: end, origin: start, into: frequencies + k * stride, seen: seen)
        }
        // Paragraphs before this one are skipped (a required list stands there).
        var resume = start
        for word in 0...((end - start) >> 6) {
            var bits = seen[word]
            seen[word] = 0
            while bits != 0 {
                let offset = word << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                let d = start + offset
                if d < resume {
                    for k in 0..<lists { frequencies[k * stride + offset] = 0 }
                    continue
                }
                let norm = scorer.norm(d)
                var partial = 0.0
                for k in 0..<lists {
                    let f = frequencies[k * stride + offset]
                    guard f > 0 else { continue }
                    frequencies[k * stride + offset] = 0
                    partial += scorer.contribute(order[essential + k], d, frequency: Int(f), norm)
                }
                if let next = Self.probe(scorer, d, norm, &partial, essential: essential, order: order, bound: bound,
                                         prefix: prefix, threshold: heap.threshold, end: end) {
                    resume = next
                } else {
                    let score = scorer.sum(d)
                    if heap.wouldAccept(score: score, key: s << 32 | d), try accept(d) {
                        heap.offer(Candidate(segment: s, local: d, score: rescore?.final(d, score) ?? score))
                    }
                }
            }
        }
    }

    /// Top-k for a query with required phrases: every match holds all their terms, so the
    /// candidates are the paragraphs of the rarest of them that hold the others too (one
    /// walk, each list leaping to the next paragraph all hold), each scored in full; the
    /// phrase itself (positions) is checked only for those that would enter the heap. The
    /// same hits as MaxScore over all the lists, with no walk over the common ones.
    ///
    /// With `rescore`, into a heap of final scores (``TopK/finalLift``): a paragraph whose
    /// final score could reach the heap (at most its `ceiling`, given its BM25 score) and
    /// that passes `accept` enters with the score `final` returns.
    ///
    /// `required[j]` is walked as the scorer's list `scored[j]` when it is one of them (so that
    /// its blocks are decoded once), else as a list of its own (a stop word of a phrase).
    func conjunctive(_ scorer: SegmentScorer, segment s: Int, required: [TermMatcher], scored: [Int?], heap: inout TopK,
                     budget: Budget?, accept: (Int) throws -> Bool, rescore: Rescore? = nil) throws {
        var lists = required
        let n = scorer.count
        let m = scorer.matchers
        // (`lists` passed in, not captured: captured by a local function that the walk calls
        // while it also changes `lists`, it was checked for exclusive access at run time at
        // every call — measured, 1 % of all instructions.)
        @inline(__always) func doc(_ j: Int, _ lists: inout [TermMatcher]) -> Int {
            if let i = scored[j] { return m[i].doc }
            return lists[j].doc
        }
        var step = 0
        var d = doc(0, &lists)
        // The paragraphs up to `windowEnd` score at most `windowBound` (every term's block there).
        var windowEnd = -1
        var windowBound = Double.infinity
        search: while d != PostingsCursor.end, !budget.isSpent(at: step) {
            step += 1
            // Leap until every required list is at the same paragraph.
            for j in lists.indices {
                if let i = scored[j] { m[i].advance(to: d) } else { lists[j].advance(to: d) }
                if doc(j, &lists) != d {
                    d = doc(j, &lists)
                    continue search
                }
            }
            // Past the blocks whose paragraphs cannot reach the heap.
            if let threshold = heap.threshold {
                if d > windowEnd {
                    windowEnd = PostingsCursor.end - 1
                    windowBound = 0
                    for i in 0..<n {
                        // (A union is bounded as a whole: no blocks of its own.)
                        if m[i].isUnion {
                            windowBound += m[i].doc == PostingsCursor.end ? 0 : scorer.bounds[i]
                        } else if let block = m[i].blockBound(atOrAfter: d, { impact in
                            // (Written out, not as MaxScore's closure: the compiler would merge
                            // the two and call it instead of inlining it there, 8 % of a query.)
                            scorer.score(i, frequency: impact.frequency,
                                         norm: i < scorer.rankingOnly ? scorer.bm25.k1 : scorer.lengthNorm(impact.length))
                        }) {
                            windowEnd = min(windowEnd, block.lastDoc)
                            windowBound += block.bound
                        }
                    }
                }
                if windowBound * (1 + 1e-9) < threshold {
                    d = windowEnd + 1
                    continue search
                }
            }
            let norm = scorer.norm(d)
            var matched = false
            for i in 0..<n {
                m[i].advance(to: d)
                if m[i].doc == d {
                    _ = scorer.contribute(i, d, norm)
                    if i >= scorer.rankingOnly { matched = true }
                }
            }
            // (A paragraph holding only stop words of a phrase and no scoring term is no match.)
            if matched {
                let score = scorer.sum(d)
                if heap.wouldAccept(score: score, key: s << 32 | d), heap.threshold.map({ score * (1 + 1e-9) >= $0 }) ?? true,
                   rescore.map({ heap.wouldKeep(final: $0.ceiling(d, score) * (1 + 1e-9), key: s << 32 | d) }) ?? true,
                   try accept(d) {
                    heap.offer(Candidate(segment: s, local: d, score: rescore?.final(d, score) ?? score))
                }
            }
            if let i = scored[0] { m[i].next() } else { lists[0].next() }
            d = doc(0, &lists)
        }
    }
}

/// A walk's way to hand the second half of what it has left to another thread once one is free
/// (``HelpSlot``): asked at each window; `hand` offers the paragraphs of `range` and says
/// whether it did (once per walk).
struct HandOff {
    /// The fewest postings of the longest list a half handed over holds.
    let atLeast: Int
    let isWanted: () -> Bool
    let hand: (Range<Int>) -> Bool
}

/// A paragraph's final score from its BM25 score (`final`), and a bound on it known before
/// the costly part of it is read (`ceiling`).
struct Rescore {
    var ceiling: (Int, Double) -> Double
    var final: (Int, Double) -> Double
}

/// The k best candidates: score descending, then paragraph key ascending.
struct TopK {
    let capacity: Int
    private var items: [Searcher.Candidate] = []   // a min-heap on (score, -key): worst first
    /// A candidate scoring below this share of the best offered so far is not wanted (a list
    /// to be merged whose lower part cannot reach the merged top k); 0: none.
    private(set) var relativeFloor: Double
    /// Where the floor may rise while the walk runs (``refreshFloor()``), and where heaps of
    /// one walk split over two threads tell each other their k-th scores.
    let sharedFloor: SharedFloor?
    /// The other heaps' highest k-th score so far (the merged top k's k-th is at least that).
    private var othersKth = 0.0
    private var best = 0.0
    /// For a rerank whose bonus multiplies a score by at most `lift`: only the candidates
    /// that can reach the `liftedK`-th best score so far (once there are that many) are
    /// wanted. `topScores` is a min-heap of the `liftedK` best scores.
    let lift: Double
    let liftedK: Int
    private var topScores: [Double] = []
    /// For a heap of final scores, each a paragraph's BM25 score plus a bonus that makes it at
    /// most `finalLift` times that (1: no bonus): the walk offers BM25 scores to the
    /// threshold and to ``wouldAccept(score:key:)``, the heap keeps the final ones, so a
    /// paragraph is finished only when its BM25 score, lifted, could reach the k-th.
    let finalLift: Double
    private let kthShare: Double

    init(capacity: Int, relativeFloor: Double = 0, sharedFloor: SharedFloor? = nil, lift: Double = 0, liftedK: Int = 0,
         finalLift: Double = 1) {
        self.capacity = capacity
        self.relativeFloor = relativeFloor
        self.sharedFloor = sharedFloor
        self.lift = lift
        self.liftedK = lift > 0 ? liftedK : 0
        self.finalLift = finalLift
        kthShare = 1 / finalLift
    }

    @inline(__always)
    private static func worse(_ a: Searcher.Candidate, _ b: Searcher.Candidate) -> Bool {
        a.score != b.score ? a.score < b.score : a.key > b.key
    }

    /// The score a new candidate must reach: the k-th's once the heap is full (divided by
    /// `finalLift`), or, when higher, the floor under the best so far (the best itself is never
    /// pruned: the floor is below it) or the `liftedK`-th best score divided by `lift`.
    /// (Kept, not computed at each read: the walks read it for every candidate, and it moves
    /// only when one is offered.)
    private(set) var threshold: Double? = nil

    private func currentThreshold() -> Double? {
        var out = items.count < capacity || items.isEmpty ? nil : items[0].score * kthShare
        if relativeFloor > 0, best > 0 { out = max(out ?? 0, relativeFloor * best) }
        if liftedK > 0, topScores.count == liftedK { out = max(out ?? 0, topScores[0] / lift) }
        if othersKth > 0 { out = max(out ?? 0, othersKth) }
        return out
    }

    /// Takes up the shared floor if it rose; false once it says nothing more is wanted.
    mutating func refreshFloor() -> Bool {
        guard let sharedFloor else { return true }
        let floor = sharedFloor.value
        if floor == .infinity { return false }
        let kth = sharedFloor.kth
        if floor > relativeFloor || kth > othersKth {
            relativeFloor = max(relativeFloor, floor)
            othersKth = max(othersKth, kth)
            threshold = currentThreshold()
        }
        return true
    }

    func wouldAccept(score: Double, key: Int) -> Bool {
        guard capacity > 0 else { return false }
        if items.count < capacity { return true }
        return Self.worse(items[0], Searcher.Candidate(segment: key >> 32, local: key & 0xFFFF_FFFF, score: score * finalLift))
    }

    /// Whether a candidate whose final score is at most `final` could enter.
    func wouldKeep(final: Double, key: Int) -> Bool {
        guard capacity > 0 else { return false }
        if items.count < capacity { return true }
        return Self.worse(items[0], Searcher.Candidate(segment: key >> 32, local: key & 0xFFFF_FFFF, score: final))
    }

    mutating func offer(_ c: Searcher.Candidate) {
        best = max(best, c.score)
        if liftedK > 0 { keepTopScore(c.score) }
        if items.count < capacity {
            items.append(c)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if Self.worse(items[i], items[parent]) { items.swapAt(i, parent); i = parent } else { break }
            }
        } else if capacity > 0, Self.worse(items[0], c) {
            items[0] = c
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Self.worse(items[l], items[m]) { m = l }
                if r < items.count && Self.worse(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        threshold = currentThreshold()
        // (A plain heap's k-th, for the heaps of the walk's other part.)
        if let sharedFloor, items.count == capacity, finalLift == 1, liftedK == 0 { sharedFloor.raiseKth(items[0].score) }
    }

    /// An empty heap of the same kind, sharing the floor (for the other part of a split walk).
    func emptyCopy() -> TopK {
        TopK(capacity: capacity, relativeFloor: relativeFloor, sharedFloor: sharedFloor, lift: lift, liftedK: liftedK,
             finalLift: finalLift)
    }

    /// Whether the heap keeps plain BM25 scores with no bonus to come.
    var isPlain: Bool { finalLift == 1 && liftedK == 0 }

    private mutating func keepTopScore(_ score: Double) {
        if topScores.count < liftedK {
            topScores.append(score)
            var i = topScores.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if topScores[i] < topScores[parent] { topScores.swapAt(i, parent); i = parent } else { break }
            }
        } else if score > topScores[0] {
            topScores[0] = score
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < topScores.count && topScores[l] < topScores[m] { m = l }
                if r < topScores.count && topScores[r] < topScores[m] { m = r }
                if m == i { break }
                topScores.swapAt(i, m)
                i = m
            }
        }
    }

    func sorted() -> [Searcher.Candidate] {
        items.sorted { Self.worse($1, $0) }
    }
}
