import Foundation
import Synchronization
import ParaCore

/// How top-k is computed. Both give the same hits; `.exhaustive` is the slow oracle.
public enum RetrievalStrategy: Sendable {
    /// Document-at-a-time MaxScore: skips paragraphs that cannot reach the current top-k.
    case maxScore
    /// Scores every paragraph that contains a query term.
    case exhaustive
}

/// Settings of one search.
public struct SearchOptions: Sendable {
    /// How many hits to return at most (0: none, only ``SearchResults/total``).
    public var limit: Int = 10
    /// How many of the best hits to pass over first (paging: `offset` 10 with `limit` 10 is
    /// the second page); at most ``Searcher/maxOffset``.
    public var offset: Int = 0
    /// The BM25 parameters.
    public var bm25: BM25 = .default
    /// Weight of the proximity bonus for query terms found next to each other as in the
    /// query (a Chinese run's bigrams, an English phrase). 0 turns it off.
    public var proximityWeight: Double = 0.25
    /// How many BM25 candidates the proximity bonus may reorder. (A query ranked phrase first,
    /// one Chinese run or one compound word, ranks every paragraph holding the run whole,
    /// whatever this is.)
    public var rerankDepth: Int = 100
    /// Rank paragraphs that contain more of the query's CJK runs whole (as phrases) first.
    public var runsFirst: Bool = true
    /// Weight of the section terms: a query term found in the paragraph's section path (the
    /// document's title and the headings above it) adds this share of its score there to the
    /// paragraph's, so the paragraphs of a section about the query rank higher. It never makes
    /// a paragraph a match. 0 turns it off (see docs/quality.md for the measurements).
    public var sectionWeight: Double = 0.5
    /// Count every matching paragraph for `total` (costs a pass over the postings).
    public var countTotal: Bool = true
    /// How the top hits are found (the same hits either way; `.exhaustive` is the slow oracle).
    public var strategy: RetrievalStrategy = .maxScore
    /// Cut snippets, highlights and matches (a TREC run does not need them).
    public var snippets: Bool = true
    /// How long a snippet is at most, in Unicode scalars (the whole paragraph when shorter).
    public var snippetLength: Int = 160
    /// Give each hit the aligned paragraphs of the document's other language versions
    /// (``SearchHit/parallel``).
    public var parallel: Bool = false
    /// With a language filter (`lang:zh`), also find paragraphs whose other-language version
    /// matches the query, through the alignment of the two versions.
    public var throughVersions: Bool = true
    /// Also search the other language with the query translated by the dictionary
    /// (CC-CEDICT), when the index holds text in that language.
    public var translate: Bool = true
    /// Weight of a translated term against an original one in the translated query.
    public var translatedTermWeight: Double = 0.5
    /// How the list found through translation is merged: its best score is scaled to this
    /// share of the direct list's best (see docs/quality.md).
    public var translationShare: Double = 0.8
    /// In a query translated into English, a word of a gloss of several words (`from` in
    /// `withdraw from`) found in more than this share of the paragraphs (of all languages, as
    /// idf counts them) is left out when the word's translation holds a rarer word. A gloss of
    /// one word is always kept; an index of fewer than 1 ÷ share paragraphs has no rarer word.
    /// 0 keeps every word (see docs/quality.md for the measurements).
    public var commonGlossWords: Double = 0.01

    /// How long one search may run. Past it, the search stops where it is and returns the
    /// best hits found so far with ``SearchResults/isPartial`` set, rather than run on (a query
    /// of many common single characters on a large index). nil: no limit.
    public var timeLimit: Duration? = .seconds(10)

    /// Whether the query's translation may be searched on a second core while the query is
    /// searched on the caller's (and a long translated walk shared between the two): only when
    /// the process may use a second core and no other search is running in it (searches on
    /// several threads keep the cores busy already). The hits are the same either way; on the
    /// perf corpus it took 5–19 % off the median search and 17–32 % off the 99th percentile,
    /// for up to twice the CPU time (docs/performance.md).
    public var secondCore = true
    /// For tests: lend the second core to every translated query, waiting for it if need be.
    var secondCoreAlways = false

    /// The clock of one search (set by the searcher on its copy of the options).
    var budget: Budget? = nil
    /// For tests: stop at this many budget checks instead of a time.
    var stopAfterChecks: Int? = nil
    /// Retrieve only what can change the top k: the candidates the proximity bonus can lift
    /// into it, the translated query's paragraphs that its scaling can lift past the direct
    /// list's last. Off only in tests (the oracle of the same hits).
    var pruneByBounds = true
    /// Set by the searcher on a list to be merged: a paragraph scoring below this share of the
    /// list's best cannot enter the merged top k (0: every paragraph can).
    var relativeFloor = 0.0
    /// A floor set while the walk runs (the translated query's, on the second core).
    var sharedFloor: SharedFloor? = nil
    /// Where a long walk on the second core offers its second part to the caller's thread.
    var help: HelpSlot? = nil
    /// How many postings a walk's lists hold together, at least, for it to be split (tests
    /// split every walk).
    var splitPostings = 65_536
    /// For tests: a long walk hands its second half over at its first window, whether or not
    /// the caller's thread waits yet, and leaves it to that thread, which waits without
    /// sleeping (with ``secondCoreAlways``).
    var handOffAtOnce = false

    /// The defaults, with `limit` hits.
    public init(limit: Int = 10) { self.limit = limit }
}

/// One search's time limit, checked by the long loops every so many steps: once past, it stays
/// spent, and every loop ends at its next check.
final class Budget: Sendable {
    private let deadline: UInt64
    private let spent = Atomic<Bool>(false)
    /// For tests: spent at this many checks, whatever the clock says.
    private let maxChecks: Int
    private let checks = Atomic<Int>(0)

    /// A budget spent at the `checks`-th check (tests stop a search at a chosen point).
    init(checks: Int) {
        deadline = .max
        maxChecks = checks
    }

    init(_ limit: Duration) {
        let (seconds, attoseconds) = limit.components
        // Saturating: a limit of centuries is no limit, not an overflow.
        let cappedSeconds = UInt64(min(max(0, seconds), 1 << 32))
        let nanoseconds = cappedSeconds * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        let now = DispatchTime.now().uptimeNanoseconds
        deadline = now > UInt64.max - nanoseconds ? UInt64.max : now + nanoseconds
        maxChecks = .max
    }

    /// Whether the time is up (reads the clock).
    func isSpent() -> Bool {
        if spent.load(ordering: .relaxed) { return true }
        let checked = checks.add(1, ordering: .relaxed).newValue
        guard checked >= maxChecks || DispatchTime.now().uptimeNanoseconds >= deadline else { return false }
        spent.store(true, ordering: .relaxed)
        return true
    }

    /// Whether the search stopped early.
    var wasSpent: Bool { spent.load(ordering: .relaxed) }
}

extension Optional where Wrapped == Budget {
    /// Every 64th `step`, whether the time is up (a step is a paragraph or a window of a few
    /// hundred postings: the clock is read every few microseconds at most).
    @inline(__always)
    func isSpent(at step: Int) -> Bool {
        guard let budget = self, step & 63 == 0 else { return false }
        return budget.isSpent()
    }
}
