import ParaIndex

/// Scores paragraphs of one segment for one query.
///
/// The matchers and per-term contributions live in buffers owned by this object and are
/// reached through pointers: the scoring loops move cursors in place, with no copies of the
/// cursor structs and no run-time exclusivity checks (measured: 18 % of query time when they
/// were `var` properties of a class). Nothing outside this file touches the pointers' memory
/// except through the two properties below, and only while the scorer is alive.
final class SegmentScorer {
    let count: Int
    /// The first `rankingOnly` matchers add to a paragraph's score but never make it a match
    /// (section terms). They are scored without length normalisation: a heading is the same
    /// for every paragraph under it, and lifts them alike.
    let rankingOnly: Int
    /// `count` matchers, in query order.
    let matchers: UnsafeMutablePointer<TermMatcher>
    let bounds: [Double]
    private let weights: UnsafeMutablePointer<Double>
    private let idfs: UnsafeMutablePointer<Double>
    /// `contribution[i]` belongs to paragraph `contributionDoc[i]`.
    private let contribution: UnsafeMutablePointer<Double>
    private let contributionDoc: UnsafeMutablePointer<Int>
    /// The segment's lengths: the view (which keeps the mapping alive as long as this scorer)
    /// and its fields, read in the hot loop without touching the view's owner.
    private let norms: NormsView
    private let normsBase: UnsafeRawPointer
    private let normsWide: Bool
    private let normsCount: Int
    let bm25: BM25
    let lengthNorm: BM25.LengthNorm

    init(matchers: [TermMatcher], bounds: [Double], weights: [Double], idfs: [Double], rankingOnly: Int = 0,
         norms: NormsView, bm25: BM25, average: Double) {
        count = matchers.count
        self.rankingOnly = rankingOnly
        self.matchers = .allocate(capacity: count)
        self.matchers.initialize(from: matchers, count: count)
        self.bounds = bounds
        self.weights = .allocate(capacity: count)
        self.weights.initialize(from: weights, count: count)
        self.idfs = .allocate(capacity: count)
        self.idfs.initialize(from: idfs, count: count)
        contribution = .allocate(capacity: count)
        contribution.initialize(repeating: 0, count: count)
        contributionDoc = .allocate(capacity: count)
        contributionDoc.initialize(repeating: -1, count: count)
        self.norms = norms
        normsBase = norms.base
        normsWide = norms.wide
        normsCount = norms.count
        self.bm25 = bm25
        lengthNorm = BM25.LengthNorm(bm25, average: average)
    }

    deinit {
        matchers.deinitialize(count: count)
        matchers.deallocate()
        weights.deallocate()
        idfs.deallocate()
        contribution.deallocate()
        contributionDoc.deallocate()
    }

    var isCorrupt: Bool { (0..<count).contains { matchers[$0].isCorrupt } }

    @inline(__always)
    func norm(_ doc: Int) -> Double {
        guard doc >= 0 && doc < normsCount else { return lengthNorm(0) }
        let length = normsWide ? Int(UInt32(littleEndian: normsBase.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self)))
                               : Int(UInt16(littleEndian: normsBase.loadUnaligned(fromByteOffset: 2 * doc, as: UInt16.self)))
        return lengthNorm(length)
    }

    /// The largest score term `i` can add to a paragraph holding it at most `maxFrequency`
    /// times and at least `minLength` terms long.
    @inline(__always)
    func bound(_ i: Int, maxFrequency: Int, minLength: Int) -> Double {
        weights[i] * bm25.score(frequency: maxFrequency, norm: i < rankingOnly ? bm25.k1 : lengthNorm(minLength), idf: idfs[i])
    }

    /// Term `i`'s weight times its idf: the most it can add to any paragraph.
    @inline(__always)
    func weightedIDF(_ i: Int) -> Double { weights[i] * idfs[i] }

    /// Term `i`'s score on a paragraph that holds it `frequency` times, `norm` its length
    /// normaliser: the one expression every strategy and every pruning test uses.
    @inline(__always)
    func score(_ i: Int, frequency: Int, norm: Double) -> Double {
        weights[i] * bm25.score(frequency: frequency, norm: norm, idf: idfs[i])
    }

    /// Scores term `i` on paragraph `doc` (its matcher must be there) and remembers it.
    @inline(__always)
    func contribute(_ i: Int, _ doc: Int, _ norm: Double) -> Double {
        let c = score(i, frequency: matchers[i].frequency(), norm: i < rankingOnly ? bm25.k1 : norm)
        contribution[i] = c
        contributionDoc[i] = doc
        return c
    }

    /// Scores term `i` on paragraph `doc` from its frequency there (read already) and
    /// remembers it, as ``contribute(_:_:_:)`` does from the matcher.
    @inline(__always)
    func contribute(_ i: Int, _ doc: Int, frequency: Int, _ norm: Double) -> Double {
        let c = score(i, frequency: frequency, norm: i < rankingOnly ? bm25.k1 : norm)
        contribution[i] = c
        contributionDoc[i] = doc
        return c
    }

    /// The paragraph's score: contributions added in query order, so that every strategy adds
    /// the same numbers in the same order and gets the same bits.
    @inline(__always)
    func sum(_ doc: Int) -> Double {
        var total = 0.0
        for i in 0..<count where contributionDoc[i] == doc { total += contribution[i] }
        return total
    }
}
