import ParaIndex

/// Checks the parts of a query that need positions: required phrases, `in:` sections and
/// exclusions.
struct MatchChecker {
    let plan: QueryPlan
    let segment: SegmentReader
    /// The matcher of the plan's term at an index, fresh (at its first paragraph).
    let build: (Int) throws -> TermMatcher?
    private var phraseMatchers: [[TermMatcher?]] = []
    private var sectionMatchers: [[TermMatcher?]] = []
    private var exclusionMatchers: [[TermMatcher?]] = []

    init(plan: QueryPlan, segment: SegmentReader, build: @escaping (Int) throws -> TermMatcher?) {
        self.plan = plan
        self.segment = segment
        self.build = build
    }

    mutating func prepare() throws {
        phraseMatchers = try plan.phrases.map { seq in try seq.terms.map { try build($0.index) } }
        sectionMatchers = try plan.sections.map { seq in try seq.terms.map { try build($0.index) } }
        exclusionMatchers = try plan.exclusions.map { seq in try seq.terms.map { try build($0.index) } }
    }

    var isCorrupt: Bool {
        (phraseMatchers + sectionMatchers + exclusionMatchers).contains { $0.contains { $0?.isCorrupt ?? false } }
    }

    /// Paragraphs must be visited in increasing order.
    mutating func accepts(_ local: Int) throws -> Bool {
        for i in phraseMatchers.indices where !Self.contains(&phraseMatchers[i], plan.phrases[i], at: local) { return false }
        for i in sectionMatchers.indices where !Self.contains(&sectionMatchers[i], plan.sections[i], at: local) { return false }
        for i in exclusionMatchers.indices where Self.contains(&exclusionMatchers[i], plan.exclusions[i], at: local) { return false }
        return true
    }

    /// How often required phrase `i` occurs in paragraph `local` (after ``accepts(_:)`` took
    /// it: its positions are read already).
    mutating func occurrences(ofPhrase i: Int, at local: Int) -> Int {
        Self.occurrences(&phraseMatchers[i], plan.phrases[i], at: local)
    }

    /// The fewest times any term of required phrase `i` occurs in paragraph `local`: at least
    /// as often as the phrase, known without reading positions.
    mutating func leastFrequency(ofPhrase i: Int, at local: Int) -> Int {
        var least = Int.max
        for k in phraseMatchers[i].indices {
            guard phraseMatchers[i][k] != nil else { return 0 }
            phraseMatchers[i][k]!.advance(to: local)
            if phraseMatchers[i][k]!.doc != local { return 0 }
            least = min(least, phraseMatchers[i][k]!.frequency())
        }
        return least
    }

    /// Whether the sequence occurs in paragraph `local` (all terms at their relative offsets).
    static func contains(_ matchers: inout [TermMatcher?], _ seq: QueryPlan.Sequence, at local: Int) -> Bool {
        occurrences(&matchers, seq, at: local, stopAtFirst: true) > 0
    }

    /// How often the sequence occurs in paragraph `local`. Paragraphs must be visited in
    /// increasing order.
    static func occurrences(_ matchers: inout [TermMatcher?], _ seq: QueryPlan.Sequence, at local: Int,
                            stopAtFirst: Bool = false) -> Int {
        for i in matchers.indices {
            guard matchers[i] != nil else { return 0 }
            matchers[i]!.advance(to: local)
            if matchers[i]!.doc != local { return 0 }
        }
        if seq.terms.count == 1 { return matchers[0]!.frequency() }
        return sequenceCount(first: matchers[0]!.positions(), others: (1..<matchers.count).map { matchers[$0]!.positions() },
                             seq, stopAtFirst: stopAtFirst)
    }

    /// How often the sequence's first term's positions are followed by the others' at their
    /// offsets. Positions are increasing: one walk over each list, no sets.
    private static func sequenceCount(first: [Int], others: [[Int]], _ seq: QueryPlan.Sequence, stopAtFirst: Bool) -> Int {
        var next = [Int](repeating: 0, count: others.count)
        var count = 0
        for p in first {
            var all = true
            for k in others.indices {
                let want = p + seq.terms[k + 1].offset
                let list = others[k]
                var j = next[k]
                while j < list.count && list[j] < want { j += 1 }
                next[k] = j
                if j == list.count || list[j] != want { all = false; break }
            }
            if all {
                count += 1
                if stopAtFirst { break }
            }
        }
        return count
    }
}
