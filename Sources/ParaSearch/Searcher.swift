import Foundation
import Synchronization
import ParaCore
import ParaAnalysis
import ParaIndex

/// Search over an ``IndexSnapshot``: BM25 with MaxScore top-k, phrase and exclusion checks,
/// a proximity bonus, citations and snippets.
public struct Searcher: Sendable {
    /// The commit searched; it never changes under a searcher.
    public let snapshot: IndexSnapshot
    /// Which documents are language versions of one another, worked out on first need and
    /// kept for the snapshot's life (copies of the searcher share it).
    private let versionsCache = OnceCache<Versions>()
    /// Lone characters' merged postings, kept while they fit (see ``MergedPostingsCache``).
    let mergedCache = MergedPostingsCache()

    /// A searcher of `snapshot` (cheap: share one, or make one per task).
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    /// Starts, on another thread, the first translation of `text` (a query about to be
    /// searched once): the dictionary's tables its words need are made, and its English
    /// words' glosses stemmed, while the index opens and the query itself is searched. The
    /// search then translates it again, from the tables made. (Before anything is known of
    /// the index: a query that will not be translated pays it on the other core only.)
    package static func prepareTranslation(of text: String) {
        let chinese = text.unicodeScalars.contains { $0.properties.isIdeographic }
        DispatchQueue.global(qos: .userInitiated).async {
            _ = chinese ? QueryTranslator.chineseToEnglish(text) : QueryTranslator.englishToChinese(text)
        }
    }

    /// Starts making, on another thread, what many queries share and one query would not pay
    /// for: with `translating`, the dictionary's tables (``QueryTranslator/prepareTables()``:
    /// a query that needs the dictionary or its gloss index meanwhile waits for it); then each
    /// version 4 segment's per-document language table (a translated query filters its
    /// candidates by language; until the table is made, each reads its document's record;
    /// version 5, which `parasearch index` writes, has the table written: nothing to wait
    /// for). For a process that runs many queries, as `batch` does.
    package func prepareInBackground(translating: Bool) {
        let segments = snapshot.segments
        DispatchQueue.global(qos: .utility).async {
            if translating { QueryTranslator.prepareTables() }
            for segment in segments { segment.makeLanguageTable() }
        }
    }

    func versions() throws -> Versions {
        try versionsCache.get { try Versions(snapshot: snapshot) }
    }

    /// Runs `query`, written in the query syntax of ``Query`` (a user's text: `资产追回 lang:zh`).
    ///
    /// - Throws: ``ParaError`` of kind `badQuery` for a syntax error or a query with nothing to
    ///   look for, `notFound` for a `doc:` naming no document, `corrupt` for damaged postings.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        try search(try Query(parsing: query), written: query, options: options)
    }

    /// Runs a query built in code: no text of it is read as syntax. ``SearchResults/query``
    /// is its ``Query/description``.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        try search(query, written: query.description, options: options)
    }

    private func search(_ parsed: Query, written query: String, options: SearchOptions) throws -> SearchResults {
        let start = DispatchTime.now().uptimeNanoseconds
        SecondCore.searches.add(1, ordering: .relaxed)
        defer { SecondCore.searches.subtract(1, ordering: .relaxed) }
        try checkDocumentsExist(parsed.documents)
        let plan = QueryPlan(parsed)
        // Nothing to rank by: the paragraphs the filters (and exclusions) let through.
        let filterOnly = plan.scoring.isEmpty && plan.phrases.isEmpty
        if filterOnly && !parsed.hasFilters {
            throw ParaError(.badQuery, "nothing to search for in '\(query)': give a word, a phrase or a filter (lang:, doc:, date:, in:)")
        }
        if parsed.prefixes.count > Self.maxPrefixes {
            throw ParaError(.badQuery, "the query has \(parsed.prefixes.count) word beginnings (word*); at most \(Self.maxPrefixes), each of up to 1,024 words")
        }
        let distinct = plan.terms.filter { !$0.isSection }.count
        if distinct > Self.maxTerms {
            throw ParaError(.badQuery, "the query has \(distinct) different terms; at most \(Self.maxTerms) are searched at once (shorten it, or search its parts)")
        }
        if let long = (plan.phrases + plan.exclusions + plan.sections).first(where: { $0.terms.count > Self.maxPhraseTerms }) {
            throw ParaError(.badQuery, "a phrase of \(long.terms.count) terms; at most \(Self.maxPhraseTerms) (quote fewer words)")
        }
        if plan.sections.count < parsed.sections.count {
            throw ParaError(.badQuery, "in: needs words to look for in the headings, not only punctuation")
        }
        var paged = options
        paged.budget = options.stopAfterChecks.map(Budget.init(checks:)) ?? options.timeLimit.map(Budget.init)
        paged.offset = min(max(0, options.offset), Self.maxOffset)
        // `limit` 0 asks for the count alone: it is the count of any page.
        paged.limit = min(max(1, options.limit), Self.maxOffset) + paged.offset
        var ranked = filterOnly ? try listFiltered(plan, options: paged) : try rankAcrossLanguages(parsed, plan, options: paged)
        // A symbol alone that no paragraph cites but a document bears: that document.
        if ranked.total == 0, ranked.candidates.isEmpty, parsed.text.isEmpty, parsed.prefixes.isEmpty, !parsed.phrases.isEmpty,
           parsed.phrases.allSatisfy(Query.isSymbol), (try? checkDocumentsExist(parsed.phrases)) != nil {
            var byDocument = parsed
            byDocument.documents += parsed.phrases
            byDocument.phrases = []
            ranked = try listFiltered(QueryPlan(byDocument), options: paged)
        }
        ranked.candidates.removeFirst(min(paged.offset, ranked.candidates.count))
        if options.limit <= 0 { ranked.candidates = [] }
        let highlighter = Highlighter(plan: plan, window: options.snippetLength)
        let translatedHighlighter = ranked.translatedPlan.map { Highlighter(plan: $0, window: options.snippetLength) }
        var alignments: [Versions.PairKey: [Int: Int]?] = [:]
        for s in Set(ranked.candidates.map(\.segment)) {
            snapshot.segments[s].touchRecords(of: ranked.candidates.filter { $0.segment == s }.map(\.local))
        }
        var hits: [SearchHit] = []
        for (rank, c) in ranked.candidates.enumerated() {
            let segment = snapshot.segments[c.segment]
            let paragraph = try segment.paragraph(c.local)
            let documentIndex = segment.documentIndex(of: c.local)
            let doc = try segment.document(at: documentIndex)
            let foundThrough = ranked.found[c.key]
            let marking = foundThrough == nil ? highlighter : translatedHighlighter ?? highlighter
            var (snippet, highlights, matches) = options.snippets ? marking.snippet(of: paragraph.text) : ("", [], [])
            // Found through a footnote: show the note that matched, after its mark.
            if options.snippets, highlights.isEmpty {
                for note in paragraph.notes {
                    let (noteSnippet, noteHighlights, _) = marking.snippet(of: note.text)
                    guard !noteHighlights.isEmpty else { continue }
                    let prefix = "[\(note.mark)] "
                    let shift = prefix.unicodeScalars.count
                    snippet = prefix + noteSnippet
                    highlights = noteHighlights.map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
                    break
                }
            }
            var hit = SearchHit(rank: paged.offset + rank + 1, score: c.score, document: doc.metadata, paragraph: paragraph,
                                snippet: snippet, highlights: highlights, documentParagraphCount: doc.paragraphCount)
            hit.foundThrough = foundThrough
            hit.matches = matches
            if options.parallel {
                let versions = try versions()
                hit.parallel = try versions.aligned(DocumentLocation(segment: c.segment, index: documentIndex),
                                                    ordinal: paragraph.ordinal, cache: &alignments)
                    .map { ParallelParagraph(document: try versions.stored($0.0).metadata, paragraph: $0.2) }
            }
            hits.append(hit)
        }
        let took = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        var results = SearchResults(query: query, total: ranked.total, tookMilliseconds: took, hits: hits,
                                    translations: ranked.translations)
        results.isPartial = paged.budget?.wasSpent ?? false
        return results
    }

    /// The deepest page: `offset` is held to this.
    public static let maxOffset = 1_000_000
    /// The most different terms a query may have (words, bigrams, characters, prefixes), as
    /// Lucene bounds a query's clauses.
    public static let maxTerms = 1024
    /// The most word beginnings (`word*`) a query may have.
    public static let maxPrefixes = 8
    /// The most terms a quoted phrase, an exclusion or an `in:` may have.
    public static let maxPhraseTerms = 64

    /// Throws when a `doc:` name is no document of the snapshot (rather than finding nothing).
    private func checkDocumentsExist(_ names: [String]) throws {
        for name in names {
            var found = false
            for segment in snapshot.segments where !found {
                found = try segment.documents.contains { $0.metadata.isNamed(name) }
            }
            if !found { throw ParaError(.notFound, "no document '\(name)' in the index (doc: takes a document's id or any of its symbols)") }
        }
    }

    /// A query of filters alone (and exclusions): the paragraphs that pass, document by
    /// document in the index's order, each document's in its own, with score 0.
    private func listFiltered(_ plan: QueryPlan, options: SearchOptions) throws -> CrossRanking {
        var out = CrossRanking(candidates: [], total: 0)
        for (s, segment) in snapshot.segments.enumerated() {
            let filter = try documentFilter(plan, segment, s)
            var checker = MatchChecker(plan: plan, segment: segment, build: { try self.matcher(plan.terms[$0], in: segment) })
            try checker.prepare()
            for (i, d) in try segment.documents.enumerated() where try filter?.passes(i) ?? true {
                if options.budget?.isSpent() == true { return out }
                for local in d.firstParagraph..<(d.firstParagraph + d.paragraphCount) where try checker.accepts(local) {
                    out.total += 1
                    if out.candidates.count < options.limit { out.candidates.append(Candidate(segment: s, local: local, score: 0)) }
                }
            }
        }
        return out
    }

    /// A ranked candidate: segment, local paragraph id, score.
    struct Candidate {
        var segment: Int
        var local: Int
        var score: Double
        /// Query CJK runs found whole in the paragraph (set by the rerank).
        var runs = 0
        var key: Int { segment << 32 | local }
    }

    /// A query's terms looked up in every segment, once: their matchers, bounds and document
    /// frequencies there (the plan that comes with them carries the global idfs).
    struct Lookups {
        var matchers: [[TermMatcher?]] = []
        var bounds: [[(maxFrequency: Int, minLength: Int)?]] = []
        var documentFrequencies: [[Int]] = []
        /// A lone character's lists, per segment, for the rerank (one dictionary scan).
        var characterLists: [MergedPostings?] = []
    }

    /// Looks the plan's terms up in every segment and sets their global document frequencies
    /// (a union's is counted by walking it) and idfs.
    func lookUp(_ plan: inout QueryPlan, options: SearchOptions) throws -> Lookups {
        var out = Lookups()
        for segment in snapshot.segments {
            var row: [TermMatcher?] = []
            var boundRow: [(maxFrequency: Int, minLength: Int)?] = []
            var frequencyRow: [Int] = []
            for t in plan.terms.indices {
                var found: SegmentTerm? = nil
                if t == plan.loneCharacter {
                    let merged = try character(plan.terms[t], in: segment, budget: options.budget)
                    out.characterLists.append(merged)
                    found = merged.flatMap { characterTerm($0, in: segment) }
                } else if !plan.terms[t].isSection || segment.hasSectionTerms {
                    found = try segmentTerm(plan.terms[t], in: segment)
                }
                plan.terms[t].documentFrequency += found?.documentFrequency ?? 0
                row.append(found?.matcher)
                boundRow.append(found.map { ($0.maxFrequency, $0.minLength) })
                frequencyRow.append(found?.documentFrequency ?? 0)
            }
            out.matchers.append(row)
            out.bounds.append(boundRow)
            out.documentFrequencies.append(frequencyRow)
        }
        let n = snapshot.paragraphCount
        for t in plan.terms.indices {
            plan.terms[t].idf = options.bm25.idf(documentFrequency: plan.terms[t].documentFrequency, paragraphs: n)
        }
        return out
    }

    /// Ranks paragraphs for a query plan; returns the top `limit` (after the proximity rerank)
    /// and the total number of matching paragraphs (0 when not counted).
    func rank(_ queryPlan: QueryPlan, options: SearchOptions) throws -> ([Candidate], Int) {
        var plan = queryPlan
        guard !plan.scoring.isEmpty, options.limit > 0 else { return ([], 0) }
        let lookups = try lookUp(&plan, options: options)
        let reranking = (options.proximityWeight > 0 || options.runsFirst) && !plan.proximity.isEmpty
            || options.runsFirst && plan.loneCharacter != nil
        let tiering = reranking && Self.tiers(plan, options: options)
        if tiering, options.pruneByBounds, plan.loneCharacter == nil, plan.proximity.count == 1 {
            let lift = lifting(plan, options)
            if lift > 0 { return try rankWholeFirst(plan, lookups, lift: lift, options: options) }
        }
        // Without tiers the bonus multiplies a candidate's score by at most `lift`: only the
        // candidates that can reach the k-th best score are retrieved and reranked (the rest
        // of the `rerankDepth` could not enter the top k).
        let lift = reranking && !tiering && options.pruneByBounds ? lifting(plan, options) : 0
        let depth = max(options.limit, reranking ? options.rerankDepth : 0)
        var heap = TopK(capacity: depth, relativeFloor: reranking ? 0 : options.relativeFloor,
                        sharedFloor: reranking ? nil : options.sharedFloor, lift: lift, liftedK: options.limit)
        let total = try retrieve(plan, lookups, into: &heap, options: options, countTotal: options.countTotal)
        var ranked = Self.liftable(heap.sorted(), lift: lift, limit: options.limit)
        if reranking {
            ranked = try rerank(ranked, plan: plan, options: options, lookups: lookups)
        }
        if ranked.count > options.limit { ranked.removeLast(ranked.count - options.limit) }
        return (ranked, total)
    }

    /// How many times its BM25 score the proximity bonus can make a candidate's score at most
    /// (with a margin for rounding), or 0 when the plan gives no bound (or a negative weight
    /// makes the bonus a penalty).
    private func lifting(_ plan: QueryPlan, _ options: SearchOptions) -> Double {
        guard options.proximityWeight >= 0, let bound = plan.bonusBound else { return 0 }
        return (1 + options.proximityWeight * bound) * (1 + 1e-9)
    }

    /// The candidates (best first) that the bonus can lift to the `limit`-th's score.
    private static func liftable(_ ranked: [Candidate], lift: Double, limit: Int) -> [Candidate] {
        guard lift > 0, ranked.count >= limit else { return ranked }
        let kth = ranked[limit - 1].score
        return ranked.filter { $0.score * lift >= kth }
    }

    /// The best `limit` of reranked candidates, the higher tier first, scores lifted so that
    /// they fall with rank. Only the tiers shown are lifted against each other, so that the
    /// scores (which the merge across languages compares) do not depend on which candidates
    /// were read to find them.
    private static func bestByTier(_ candidates: [Candidate], limit: Int) -> [Candidate] {
        let ordered = candidates.sorted {
            $0.runs != $1.runs ? $0.runs > $1.runs : $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key
        }
        return liftTiers(Array(ordered.prefix(limit)))
    }

    /// A query of one Chinese run or one compound word, whose paragraphs holding it whole rank
    /// first: those paragraphs are found as if the run were quoted (driven by its rarest
    /// term, positions read only for paragraphs that could enter the top k), scored with the
    /// bonus as they are found; the paragraphs without it (no bonus: the run is not in them)
    /// fill the rest by BM25, only when there are fewer than `limit` of the first kind.
    /// (Ranking the best `rerankDepth` by BM25 first, for a run of common terms, was measured
    /// slower than this one walk on every query where it made a difference.)
    private func rankWholeFirst(_ plan: QueryPlan, _ lookups: Lookups, lift: Double,
                                options: SearchOptions) throws -> ([Candidate], Int) {
        var whole = plan
        whole.phrases.append(plan.proximity[0])
        // The best `limit` of the paragraphs holding the run, by their final scores, in one
        // walk: the phrase check that finds the run counts it for the bonus, and a paragraph is
        // scored only while its BM25 score, lifted, could reach the `limit`-th final score.
        var heap = TopK(capacity: options.limit, finalLift: lift)
        _ = try retrieve(whole, lookups, into: &heap, options: options, countTotal: false, bonusOf: whole.phrases.count - 1)
        // (Each holds the one run whole: the first tier.)
        let first = heap.sorted().map { c -> Candidate in
            var c = c
            c.runs = 1
            return c
        }
        var rest: [Candidate] = []
        var total = 0
        if first.count < options.limit || options.countTotal {
            let fill = first.count < options.limit
            var others = TopK(capacity: fill ? options.limit + first.count : 0)
            total = try retrieve(plan, lookups, into: &others, options: options, countTotal: options.countTotal, ranking: fill)
            let taken = Set(first.map(\.key))
            rest = others.sorted().filter { !taken.contains($0.key) }
        }
        return (Self.bestByTier(first + rest, limit: options.limit), total)
    }

    /// Retrieves the best candidates of every segment into `heap` (unless `ranking` is off)
    /// and returns the number of matching paragraphs when `countTotal` (else 0).
    ///
    /// With `bonusOf`, the index of a required phrase, each candidate enters the heap with
    /// its final score: BM25 plus the proximity bonus of that phrase, counted where the
    /// phrase check found it (the heap's ``TopK/finalLift`` bounds the bonus).
    func retrieve(_ plan: QueryPlan, _ lookups: Lookups, into heap: inout TopK, options: SearchOptions,
                  countTotal: Bool, ranking: Bool = true, bonusOf phrase: Int? = nil) throws -> Int {
        let average = snapshot.averageLength
        let bm25 = options.bm25
        var total = 0
        // A segment's lists, checks and scorer, at the start of its postings (built twice for
        // a walk split over two threads: each part walks with its own).
        func segmentWalk(_ s: Int, _ segment: SegmentReader) throws -> SegmentWalk? {
            let filter = try documentFilter(plan, segment, s)
            // (The terms were looked up already: their matchers are copied, still at the start.)
            var checker = MatchChecker(plan: plan, segment: segment, build: { lookups.matchers[s][$0] })
            try checker.prepare()
            // The section terms present in this segment, then one scoring term per query term
            // present, in query order.
            var matchers: [TermMatcher] = []
            var bounds: [Double] = [], weights: [Double] = [], idfs: [Double] = []
            var scoredAt: [Int: Int] = [:]   // a query term's list among `matchers`
            func add(_ t: Int, weight: Double) {
                guard let m = lookups.matchers[s][t], let info = lookups.bounds[s][t] else { return }
                let term = plan.terms[t]
                scoredAt[t] = matchers.count
                matchers.append(m)
                // (Section terms are scored without length normalisation: b = 0.)
                let norm = term.isSection ? bm25.k1 : bm25.norm(length: info.minLength, average: average)
                bounds.append(weight * bm25.score(frequency: info.maxFrequency, norm: norm, idf: term.idf))
                weights.append(weight)
                idfs.append(term.idf)
            }
            if options.sectionWeight > 0 {
                for t in plan.sectionTerms { add(t, weight: options.sectionWeight * plan.terms[t].weight) }
            }
            let rankingOnly = matchers.count
            for t in plan.scoring { add(t, weight: plan.terms[t].weight) }
            if matchers.count == rankingOnly { return nil }
            let scorer = SegmentScorer(matchers: matchers, bounds: bounds, weights: weights, idfs: idfs, rankingOnly: rankingOnly,
                                       norms: segment.norms, bm25: bm25, average: average)
            let accept: (Int) throws -> Bool = { local in
                if let filter, try !filter.passes(segment.documentIndex(of: local)) { return false }
                return try checker.accepts(local)
            }
            let bonusIDF = phrase.map { Self.bonusIDF(plan.phrases[$0], plan) } ?? 0
            // (As the rerank adds it: `rerank(_:plan:options:lookups:lifting:)`. The
            // phrase occurs no more often than its least frequent term.)
            let rescore = phrase.map { i in
                Rescore(ceiling: { local, score in
                    let most = checker.leastFrequency(ofPhrase: i, at: local)
                    return score + options.proximityWeight * bm25.score(frequency: most, norm: scorer.norm(local), idf: bonusIDF)
                }, final: { local, score in
                    let pf = checker.occurrences(ofPhrase: i, at: local)
                    return score + options.proximityWeight * bm25.score(frequency: pf, norm: scorer.norm(local), idf: bonusIDF)
                })
            }
            return SegmentWalk(scorer: scorer, accept: accept, rescore: rescore, filter: filter, scoredAt: scoredAt,
                               isCorrupt: { scorer.isCorrupt || checker.isCorrupt })
        }
        for (s, segment) in snapshot.segments.enumerated() {
            guard let walk = try segmentWalk(s, segment) else { continue }
            let (scorer, accept, rescore, filter, scoredAt) = (walk.scorer, walk.accept, walk.rescore, walk.filter, walk.scoredAt)
            // The terms every match holds (those of its required phrases), rarest first.
            let required = Set(plan.phrases.flatMap { $0.terms.map(\.index) }).sorted {
                (lookups.documentFrequencies[s][$0], $0) < (lookups.documentFrequencies[s][$1], $1)
            }
            // A required term missing from the segment: nothing in it matches.
            if required.contains(where: { lookups.matchers[s][$0] == nil }) { continue }
            if ranking {
                switch options.strategy {
                case .exhaustive:
                    let n = scorer.count
                    var step = 0
                    while !options.budget.isSpent(at: step) {
                        step += 1
                        var d = PostingsCursor.end
                        for i in scorer.rankingOnly..<n { d = min(d, scorer.matchers[i].doc) }
                        if d == PostingsCursor.end { break }
                        for i in 0..<n { scorer.matchers[i].advance(to: d) }
                        if try accept(d) {
                            total += 1
                            let norm = scorer.norm(d)
                            for i in 0..<n where scorer.matchers[i].doc == d { _ = scorer.contribute(i, d, norm) }
                            let score = scorer.sum(d)
                            heap.offer(Candidate(segment: s, local: d, score: rescore?.final(d, score) ?? score))
                        }
                        for i in 0..<n where scorer.matchers[i].doc == d { scorer.matchers[i].next() }
                    }
                case .maxScore:
                    if options.pruneByBounds, !required.isEmpty {
                        try conjunctive(scorer, segment: s, required: required.map { lookups.matchers[s][$0]! },
                                        scored: required.map { scoredAt[$0] }, heap: &heap, budget: options.budget,
                                        accept: accept, rescore: rescore)
                    } else if let slot = options.help, heap.isPlain, rescore == nil, heap.sharedFloor != nil,
                              lookups.documentFrequencies[s].reduce(0, +) >= options.splitPostings {
                        // A long walk of a translated query on the second core: once the
                        // caller's thread is free (its own query searched), the second half of
                        // what is left of the walk's longest list is handed to it, walked with
                        // lists, checks and a heap of its own; the two heaps prune by each
                        // other's k-th and merge.
                        let heapCopy = heap.emptyCopy()
                        var handed = false
                        let handOff = HandOff(atLeast: options.splitPostings / 4, isWanted: { !handed && (slot.isHelperWaiting || options.handOffAtOnce) }) { range in
                            handed = true
                            slot.offer { [self] in
                                var other = heapCopy
                                guard let walk = try segmentWalk(s, segment) else { return other }
                                try maxScore(walk.scorer, segment: s, heap: &other, budget: options.budget, accept: walk.accept, range: range)
                                try walk.checkIntact(segment)
                                return other
                            }
                            return true
                        }
                        do {
                            try maxScore(scorer, segment: s, heap: &heap, budget: options.budget, accept: accept, handOff: handOff)
                        } catch {
                            slot.withdraw()
                            throw error
                        }
                        if handed { for c in try slot.takeBack(leavingItToTheHelper: options.handOffAtOnce).sorted() { heap.offer(c) } }
                    } else {
                        try maxScore(scorer, segment: s, heap: &heap, budget: options.budget, accept: accept, rescore: rescore)
                    }
                }
            }
            if countTotal && (options.strategy == .maxScore || !ranking) {
                // Counting checks every match: when there may be more of them than the table
                // costs (an eighth of the documents), the table.
                var counting = filter
                if counting?.records != nil, lookups.documentFrequencies[s].reduce(0, +) > segment.documentCount / 8 {
                    counting!.codes = try segment.documentLanguageCodes
                    counting!.records = nil
                }
                total += try countMatches(plan, segment: segment, lookups.matchers[s], filter: counting, budget: options.budget)
            }
            try walk.checkIntact(segment)
        }
        return total
    }

    /// A segment's walk: its scorer over the query's lists there, and the checks a candidate
    /// passes.
    struct SegmentWalk {
        let scorer: SegmentScorer
        let accept: (Int) throws -> Bool
        let rescore: Rescore?
        let filter: DocumentFilter?
        let scoredAt: [Int: Int]
        let isCorrupt: () -> Bool

        /// Throws when the lists or checks met damaged postings in `segment`.
        func checkIntact(_ segment: SegmentReader) throws {
            if isCorrupt() { throw ParaError(.corrupt, file: segment.name, "index postings are damaged; rebuild the index") }
        }
    }


    /// Counts matching paragraphs (for `total`) without scoring.
    func countMatches(_ plan: QueryPlan, segment: SegmentReader, _ row: [TermMatcher?], filter: DocumentFilter?,
                      budget: Budget?) throws -> Int {
        var matchers = plan.scoring.compactMap { row[$0] }
        // (Copies of the looked-up matchers, at their start.)
        var checker = MatchChecker(plan: plan, segment: segment, build: { row[$0] })
        try checker.prepare()
        var count = 0
        var step = 0
        while !budget.isSpent(at: step) {
            step += 1
            var d = PostingsCursor.end
            for m in matchers { d = min(d, m.doc) }
            if d == PostingsCursor.end { break }
            if try filter?.passes(segment.documentIndex(of: d)) ?? true, try checker.accepts(d) { count += 1 }
            for i in matchers.indices where matchers[i].doc == d { matchers[i].next() }
        }
        return count
    }

    /// Which documents of a segment pass the `lang:` and `doc:` filters (nil: all).
    private func documentFilter(_ plan: QueryPlan, _ segment: SegmentReader, _ s: Int) throws -> DocumentFilter? {
        if plan.languages.isEmpty && plan.documents.isEmpty && plan.allowed == nil && plan.dates.isEmpty { return nil }
        var filter = DocumentFilter()
        if !plan.languages.isEmpty {
            // (Without the table yet, each candidate's record says: see `documentLanguageCode`.)
            if let codes = segment.madeDocumentLanguageCodes { filter.codes = codes } else { filter.records = segment }
            for (code, language) in Language.allCases.enumerated() where plan.languages.contains(language) {
                filter.wanted |= 1 << code
            }
        }
        if !plan.documents.isEmpty || plan.allowed != nil {
            var named: Set<Int> = []
            if !plan.documents.isEmpty {
                for (i, d) in try segment.documents.enumerated() where plan.documents.contains(where: { d.metadata.isNamed($0) }) {
                    named.insert(i)
                }
            } else {
                named = Set(plan.allowed!.filter { $0.segment == s }.map(\.index))
            }
            filter.named = named
        }
        if !plan.dates.isEmpty {
            var dated: Set<Int> = []
            for (i, d) in try segment.documents.enumerated() {
                guard let iso = d.metadata.extra["date"].flatMap(DateCondition.isoDate) else { continue }
                if plan.dates.allSatisfy({ $0.admits(iso) }) { dated.insert(i) }
            }
            filter.named = filter.named.map { $0.intersection(dated) } ?? dated
        }
        return filter
    }
}

/// The documents of one segment that pass a query's filters.
struct DocumentFilter {
    /// The languages wanted (a bit each, by code; none: any language), and each document's
    /// code: read from the records of `records` when it is set (the segment's table is not
    /// made yet), else from the table, `codes`.
    var wanted: UInt8 = 0
    var codes: [UInt8] = []
    var records: SegmentReader? = nil
    /// The documents named by `doc:` (or allowed) and dated as `date:` asks, when the query
    /// asks any.
    var named: Set<Int>? = nil

    @inline(__always)
    func passes(_ document: Int) throws -> Bool {
        // (The named documents first: a language may cost a record's read.)
        if let named, !named.contains(document) { return false }
        if wanted != 0 {
            let code = try records?.documentLanguageCode(document) ?? codes[document]
            if wanted & (1 << code) == 0 { return false }
        }
        return true
    }
}
