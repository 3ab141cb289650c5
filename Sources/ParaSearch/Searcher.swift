import Foundation
import ParaCore
import ParaAnalysis
import ParaIndex

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
    /// How many BM25 candidates the proximity bonus may reorder.
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
    /// (``QueryTranslator``), when the index holds text in that language.
    public var translate: Bool = true
    /// Weight of a translated term against an original one in the translated query.
    public var translatedTermWeight: Double = 0.5
    /// How the list found through translation is merged: its best score is scaled to this
    /// share of the direct list's best (see docs/quality.md).
    public var translationShare: Double = 0.8

    /// The defaults, with `limit` hits.
    public init(limit: Int = 10) { self.limit = limit }
}

/// The query compiled against a snapshot: its terms with global statistics.
struct QueryPlan {
    struct Term {
        var bytes: [UInt8]
        var kind: TermKind
        /// How often the term occurs in the query (repeated terms weigh more).
        var weight: Double
        var idf: Double = 0
        var documentFrequency = 0
        /// For the translations of one query word: the terms pooled as one (their
        /// occurrences summed, a paragraph holding any of them counted once).
        var alternatives: [[UInt8]] = []
        /// For `word*`: every indexed term that starts with these bytes, pooled as one.
        var prefix: [UInt8]? = nil
        var isUnion: Bool { kind == .unigram || !alternatives.isEmpty || prefix != nil }
        /// A term of the section path (``IndexFormat/sectionMark`` and a term of text).
        var isSection: Bool { bytes.first == IndexFormat.sectionMark && prefix == nil }
        /// Figures only (`2030`): a term of both languages.
        var isNumber: Bool { !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// A sequence of terms at relative positions: a phrase, or one term.
    struct Sequence {
        var terms: [(index: Int, offset: Int)]
    }

    var terms: [Term] = []
    /// Terms that score (free text and phrases).
    var scoring: [Int] = []
    var phrases: [Sequence] = []
    var exclusions: [Sequence] = []
    /// The section terms of the scoring terms (a Chinese character alone, a prefix and a
    /// translation have none): they add to the score of a paragraph found through the others.
    var sectionTerms: [Int] = []
    /// `in:` conditions: sequences of section terms the paragraph's section path must hold.
    var sections: [Sequence] = []
    /// Sequences whose occurrence in a paragraph earns the proximity bonus: every CJK run of
    /// three or more characters as a whole, and each pair of neighbouring English words.
    var proximity: [Sequence] = []
    /// For a query that is one compound word (`COVID-19`, `non-proliferation`): the proximity
    /// sequence of its parts in order, which ranks paragraphs holding it whole first.
    var compound: Int? = nil
    /// For a query that is one Chinese character (`核`): its term, so that paragraphs where it
    /// stands as a word of its own rank before those where it is only part of a longer word.
    var loneCharacter: Int? = nil
    var languages: Set<Language> = []
    var documents: [String] = []
    var dates: [DateCondition] = []
    /// When set, only these documents (a search through the other language versions).
    var allowed: Set<DocumentLocation>? = nil

    /// How the query wrote each analysed term it has (`recovering` for `recov`, `terror*` for
    /// a prefix's key, a translation's word for the terms of it): what a match reports.
    var written: [[UInt8]: String] = [:]

    private var termIndex: [[UInt8]: Int] = [:]

    mutating func termID(_ bytes: [UInt8], _ kind: TermKind) -> Int {
        if let i = termIndex[bytes] { return i }
        terms.append(Term(bytes: bytes, kind: kind, weight: 0))
        termIndex[bytes] = terms.count - 1
        return terms.count - 1
    }

    init(_ query: Query) {
        let analyzer = Analyzer()
        func sequence(_ text: String, scoring: Bool) -> (Sequence, [(Int, Int)]) {
            var seq = Sequence(terms: [])
            var withPositions: [(Int, Int)] = []
            let utf8 = Array(text.utf8)
            analyzer.analyze(text) { term, kind, position, range in
                let id = termID(Array(term), kind)
                if scoring { terms[id].weight += 1 }
                withPositions.append((id, position))
                if written[terms[id].bytes] == nil { written[terms[id].bytes] = String(decoding: utf8[range], as: UTF8.self) }
            }
            if let first = withPositions.first {
                seq.terms = withPositions.map { ($0.0, $0.1 - first.1) }
            }
            return (seq, withPositions)
        }
        var scoringSet: [Int] = []
        var stopOnly: [Int] = []
        for text in query.text + query.phrases {
            let (seq, withPositions) = sequence(text, scoring: true)
            for (id, _) in withPositions {
                if terms[id].kind == .stopWord {
                    if !stopOnly.contains(id) { stopOnly.append(id) }
                } else if !scoringSet.contains(id) {
                    scoringSet.append(id)
                }
            }
            // Proximity: a CJK run is its consecutive bigrams; English words pair with the next word.
            var run: [(Int, Int)] = []
            func closeRun() {
                if run.count >= 2 { proximity.append(Sequence(terms: run.map { ($0.0, $0.1 - run[0].1) })) }
                run = []
            }
            for (id, position) in withPositions {
                if terms[id].kind == .bigram, let last = run.last, position == last.1 + 1 {
                    run.append((id, position))
                } else {
                    closeRun()
                    if terms[id].kind == .bigram { run = [(id, position)] }
                }
            }
            closeRun()
            let words = withPositions.filter { terms[$0.0].kind == .word }
            for (a, b) in zip(words, words.dropFirst()) where a.0 != b.0 && b.1 - a.1 <= 3 {
                proximity.append(Sequence(terms: [(a.0, 0), (b.0, b.1 - a.1)]))
            }
            if query.phrases.contains(text), !seq.terms.isEmpty { phrases.append(seq) }
        }
        for text in query.excluded {
            let (seq, _) = sequence(text, scoring: false)
            if !seq.terms.isEmpty { exclusions.append(seq) }
        }
        // `word*`: the terms that start as the word's stem does (a stem may end in an `i` or
        // `e` that the longer words do not have: `recover*` is `recov…`). A Chinese run with a
        // `*` is the run itself, where every text that continues it starts.
        // One word written joined (`COVID-19`) is one thing to find: its parts together.
        if query.text.count == 1, query.phrases.isEmpty, query.prefixes.isEmpty,
           !query.text[0].contains(where: \.isWhitespace) {
            let (seq, withPositions) = sequence(query.text[0], scoring: false)
            if withPositions.count >= 2, withPositions.allSatisfy({ terms[$0.0].kind == .word || terms[$0.0].kind == .stopWord }) {
                proximity.append(seq)
                compound = proximity.count - 1
            }
        }
        for p in query.prefixes {
            var parts: [(bytes: [UInt8], kind: TermKind)] = []
            analyzer.analyze(p) { term, kind, _, _ in parts.append((Array(term), kind)) }
            if parts.count == 1, parts[0].kind == .word || parts[0].kind == .stopWord {
                var stem = parts[0].bytes
                if stem.count > 3, stem.last == UInt8(ascii: "i") || stem.last == UInt8(ascii: "e") { stem.removeLast() }
                let id = termID(Array("\u{2}\(p)*".utf8), .word)
                terms[id].prefix = stem
                written[terms[id].bytes] = p + "*"
                terms[id].weight += 1
                if !scoringSet.contains(id) { scoringSet.append(id) }
                if query.requiredPrefixes.contains(p) { phrases.append(Sequence(terms: [(id, 0)])) }
            } else {
                let (seq, withPositions) = sequence(p, scoring: true)
                for (id, _) in withPositions where terms[id].kind != .stopWord && !scoringSet.contains(id) { scoringSet.append(id) }
                if !seq.terms.isEmpty { phrases.append(seq) }
            }
        }
        scoring = scoringSet.isEmpty ? stopOnly : scoringSet
        if query.text.count == 1, query.phrases.isEmpty, query.prefixes.isEmpty, scoring.count == 1,
           terms[scoring[0]].kind == .unigram {
            loneCharacter = scoring[0]
        }
        for t in scoring where !terms[t].isUnion && terms[t].kind != .stopWord {
            let id = termID([IndexFormat.sectionMark] + terms[t].bytes, terms[t].kind)
            terms[id].weight = terms[t].weight
            sectionTerms.append(id)
        }
        for text in query.sections {
            var seq = Sequence(terms: [])
            var first: Int? = nil
            analyzer.analyze(text) { term, kind, position, _ in
                if first == nil { first = position }
                seq.terms.append((termID([IndexFormat.sectionMark] + Array(term), kind), position - first!))
            }
            if !seq.terms.isEmpty { sections.append(seq) }
        }
        languages = query.languages
        documents = query.documents
        dates = query.dates
    }

    /// The plan of a translated query: the original's numbers at full weight, and each query
    /// word's translations pooled into one term (``Term/alternatives``) at `weight`; the
    /// original's filters and exclusions, and the translations of what it excludes.
    init(translating original: QueryPlan, _ translations: [Translation], excluding excluded: [Translation] = [], weight: Double) {
        // Of the original's terms only numbers (`2030`) belong to both languages; the rest
        // would walk their postings in the other language's text only to be filtered out.
        for t in original.scoring where original.terms[t].isNumber {
            let id = termID(original.terms[t].bytes, original.terms[t].kind)
            terms[id].weight += original.terms[t].weight
        }
        let analyzer = Analyzer()
        var scoringSet = Array(terms.indices)
        for translation in translations {
            var alternatives: [[UInt8]] = []
            var kind = TermKind.word
            for target in translation.targets {
                let utf8 = Array(target.utf8)
                analyzer.analyze(target) { term, k, _, range in
                    guard k != .stopWord, !alternatives.contains(where: { $0.elementsEqual(term) }) else { return }
                    alternatives.append(Array(term))
                    kind = k
                    if written[Array(term)] == nil { written[Array(term)] = String(decoding: utf8[range], as: UTF8.self) }
                }
            }
            guard !alternatives.isEmpty else { continue }
            let id: Int
            if alternatives.count == 1 {
                id = termID(alternatives[0], kind)
            } else {
                id = termID(Array("\u{0}\(translation.source)".utf8), kind)
                terms[id].alternatives = alternatives
            }
            terms[id].weight += weight
            if !scoringSet.contains(id) { scoringSet.append(id) }
        }
        scoring = scoringSet.filter { terms[$0].weight > 0 }
        for seq in original.exclusions {
            exclusions.append(Sequence(terms: seq.terms.map { (termID(original.terms[$0.index].bytes, original.terms[$0.index].kind), $0.offset) }))
        }
        for translation in excluded {
            for target in translation.targets {
                var seq = Sequence(terms: [])
                var first: Int? = nil
                analyzer.analyze(target) { term, kind, position, _ in
                    if first == nil { first = position }
                    seq.terms.append((termID(Array(term), kind), position - first!))
                }
                if !seq.terms.isEmpty { exclusions.append(seq) }
            }
        }
        for seq in original.sections {
            sections.append(Sequence(terms: seq.terms.map { (termID(original.terms[$0.index].bytes, original.terms[$0.index].kind), $0.offset) }))
        }
        languages = original.languages
        documents = original.documents
        dates = original.dates
    }
}

/// Search over an ``IndexSnapshot``: BM25 with MaxScore top-k, phrase and exclusion checks,
/// a proximity bonus, citations and snippets.
public struct Searcher: Sendable {
    /// The commit searched; it never changes under a searcher.
    public let snapshot: IndexSnapshot
    /// Which documents are language versions of one another, worked out on first need and
    /// kept for the snapshot's life (copies of the searcher share it).
    private let versionsCache = OnceCache<Versions>()

    /// A searcher of `snapshot` (cheap: share one, or make one per task).
    public init(snapshot: IndexSnapshot) {
        self.snapshot = snapshot
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
        try checkDocumentsExist(parsed.documents)
        let plan = QueryPlan(parsed)
        // Nothing to rank by: the paragraphs the filters (and exclusions) let through.
        let filterOnly = plan.scoring.isEmpty && plan.phrases.isEmpty
        if filterOnly && !parsed.hasFilters {
            throw ParaError(.badQuery, "nothing to search for in '\(query)': give a word, a phrase or a filter (lang:, doc:, date:, in:)")
        }
        if plan.sections.count < parsed.sections.count {
            throw ParaError(.badQuery, "in: needs words to look for in the headings, not only punctuation")
        }
        var paged = options
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
        var hits: [SearchHit] = []
        for (rank, c) in ranked.candidates.enumerated() {
            let segment = snapshot.segments[c.segment]
            let paragraph = try segment.paragraph(c.local)
            let documentIndex = segment.documentIndex(of: c.local)
            let doc = try segment.document(at: documentIndex)
            let foundThrough = ranked.found[c.key]
            let marking = foundThrough == nil ? highlighter : translatedHighlighter ?? highlighter
            var (snippet, highlights) = options.snippets ? marking.snippet(of: paragraph.text) : ("", [])
            // Found through a footnote: show the note that matched, after its mark.
            if options.snippets, highlights.isEmpty {
                for note in paragraph.notes {
                    let (noteSnippet, noteHighlights) = marking.snippet(of: note.text)
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
            if options.snippets { hit.matches = marking.scalarMatches(in: paragraph.text) }
            if options.parallel {
                let versions = try versions()
                hit.parallel = try versions.aligned(DocumentLocation(segment: c.segment, index: documentIndex),
                                                    ordinal: paragraph.ordinal, cache: &alignments)
                    .map { ParallelParagraph(document: try versions.stored($0.0).metadata, paragraph: $0.2) }
            }
            hits.append(hit)
        }
        let took = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return SearchResults(query: query, total: ranked.total, tookMilliseconds: took, hits: hits,
                             translations: ranked.translations)
    }

    /// The deepest page: `offset` is held to this.
    public static let maxOffset = 1_000_000

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
            var checker = MatchChecker(plan: plan, segment: segment, build: { try self.matcher($0, in: segment) })
            try checker.prepare()
            for (i, d) in try segment.documents.enumerated() where filter?.passes(i) ?? true {
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

    /// Ranks paragraphs for a query plan; returns the top `limit` (after the proximity rerank)
    /// and the total number of matching paragraphs (0 when not counted).
    func rank(_ queryPlan: QueryPlan, options: SearchOptions) throws -> ([Candidate], Int) {
        var plan = queryPlan
        guard !plan.scoring.isEmpty, options.limit > 0 else { return ([], 0) }
        let n = snapshot.paragraphCount
        let average = snapshot.averageLength
        let bm25 = options.bm25

        // Global document frequencies (a union's is counted by walking it), and each term's
        // dictionary entry per segment (looked up once).
        var perSegment: [[TermMatcher?]] = []
        var termBounds: [[(maxFrequency: Int, minLength: Int)?]] = []
        // A lone character's lists, kept per segment for the rerank (one dictionary scan).
        var characterLists: [[CharacterPart]] = []
        for segment in snapshot.segments {
            var row: [TermMatcher?] = []
            var boundRow: [(maxFrequency: Int, minLength: Int)?] = []
            for t in plan.terms.indices {
                var found: SegmentTerm? = nil
                if t == plan.loneCharacter {
                    let parts = try characterParts(plan.terms[t], in: segment)
                    characterLists.append(parts)
                    found = union(parts.map { ($0.info, $0.part) }, in: segment)
                } else if !plan.terms[t].isSection || segment.hasSectionTerms {
                    found = try segmentTerm(plan.terms[t], in: segment)
                }
                guard let st = found else {
                    row.append(nil)
                    boundRow.append(nil)
                    continue
                }
                plan.terms[t].documentFrequency += st.documentFrequency
                row.append(st.matcher)
                boundRow.append((st.maxFrequency, st.minLength))
            }
            perSegment.append(row)
            termBounds.append(boundRow)
        }
        for t in plan.terms.indices {
            plan.terms[t].idf = bm25.idf(documentFrequency: plan.terms[t].documentFrequency, paragraphs: n)
        }

        let reranking = (options.proximityWeight > 0 || options.runsFirst) && !plan.proximity.isEmpty
            || options.runsFirst && plan.loneCharacter != nil
        let depth = max(options.limit, reranking ? options.rerankDepth : 0)
        var heap = TopK(capacity: depth)
        var total = 0
        for (s, segment) in snapshot.segments.enumerated() {
            let filter = try documentFilter(plan, segment, s)
            var checker = MatchChecker(plan: plan, segment: segment, build: { try self.matcher($0, in: segment) })
            try checker.prepare()
            // The section terms present in this segment, then one scoring term per query term
            // present, in query order.
            var matchers: [TermMatcher] = []
            var bounds: [Double] = [], weights: [Double] = [], idfs: [Double] = []
            func add(_ t: Int, weight: Double) {
                guard let m = perSegment[s][t], let info = termBounds[s][t] else { return }
                let term = plan.terms[t]
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
            if matchers.count == rankingOnly { continue }
            let scorer = SegmentScorer(matchers: matchers, bounds: bounds, weights: weights, idfs: idfs, rankingOnly: rankingOnly,
                                       norms: segment.norms, bm25: bm25, average: average)
            let accept: (Int) throws -> Bool = { local in
                if let filter, !filter.passes(segment.documentIndex(of: local)) { return false }
                return try checker.accepts(local)
            }
            switch options.strategy {
            case .exhaustive:
                let n = scorer.count
                while true {
                    var d = PostingsCursor.end
                    for i in scorer.rankingOnly..<n { d = min(d, scorer.matchers[i].doc) }
                    if d == PostingsCursor.end { break }
                    for i in 0..<n { scorer.matchers[i].advance(to: d) }
                    if try accept(d) {
                        total += 1
                        let norm = scorer.norm(d)
                        for i in 0..<n where scorer.matchers[i].doc == d { _ = scorer.contribute(i, d, norm) }
                        heap.offer(Candidate(segment: s, local: d, score: scorer.sum(d)))
                    }
                    for i in 0..<n where scorer.matchers[i].doc == d { scorer.matchers[i].next() }
                }
            case .maxScore:
                try maxScore(scorer, segment: s, heap: &heap, accept: accept)
                if options.countTotal {
                    total += try countMatches(plan, segment: segment, perSegment[s], filter: filter)
                }
            }
            if scorer.isCorrupt || checker.isCorrupt {
                throw ParaError(.corrupt, file: segment.name, "index postings are damaged; rebuild the index")
            }
        }
        var ranked = heap.sorted()
        if reranking {
            ranked = try rerank(ranked, plan: plan, options: options, characterLists: characterLists)
        }
        if ranked.count > options.limit { ranked.removeLast(ranked.count - options.limit) }
        return (ranked, total)
    }

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
    /// With one essential list, its postings whose own score plus the others' bounds falls
    /// short are passed over a block at a time. Every paragraph that could enter the top k is
    /// still scored exactly as the exhaustive strategy scores it.
    ///
    /// Ranking-only lists (section terms) are never essential: they add to a paragraph found
    /// through the others and are bounded like any list, but a paragraph they alone hold is no
    /// match.
    private func maxScore(_ scorer: SegmentScorer, segment s: Int, heap: inout TopK,
                          accept: (Int) throws -> Bool) throws {
        let n = scorer.count
        let lead = scorer.rankingOnly
        let m = scorer.matchers
        // Bounds and sums are compared with a relative margin so that rounding never prunes a
        // paragraph whose exact score would tie or beat the threshold.
        let margin = 1 + 1e-9
        var bound = [Double](repeating: 0, count: n)
        var order = Array(0..<n)
        var prefix = [Double](repeating: 0, count: n)
        var next = 0   // every paragraph before this one is decided
        while true {
            // The window: from the first paragraph not yet decided that some term holds...
            var start = PostingsCursor.end
            for i in lead..<n { start = min(start, max(m[i].doc, next)) }
            if start == PostingsCursor.end { break }
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
            next = end + 1
            if let threshold = heap.threshold, total * margin < threshold { continue }
            // The ranking-only lists first, whatever their bounds: they are never essential.
            order[lead...].sort { bound[$0] < bound[$1] }
            var acc = 0.0
            for e in 0..<n { acc += bound[order[e]]; prefix[e] = acc }
            func firstEssential(_ threshold: Double?) -> Int {
                guard let threshold else { return lead }
                var i = 0
                while i < n && prefix[i] * margin < threshold { i += 1 }
                return max(i, lead)
            }
            var essential = firstEssential(heap.threshold)
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
                    if !m[lead].isUnion {
                        // Past the postings whose own score cannot carry them, a block at a time.
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
                var pruned = false
                let threshold = heap.threshold
                var e = essential - 1
                while e >= 0 {
                    if let threshold, (partial + prefix[e]) * margin < threshold { pruned = true; break }
                    m[order[e]].advance(to: d)
                    if m[order[e]].doc == d { partial += scorer.contribute(order[e], d, norm) }
                    e -= 1
                }
                if !pruned {
                    let score = scorer.sum(d)
                    if heap.wouldAccept(score: score, key: s << 32 | d), try accept(d) {
                        heap.offer(Candidate(segment: s, local: d, score: score))
                        essential = firstEssential(heap.threshold)
                    }
                }
                for e in essential..<n where m[order[e]].doc == d { m[order[e]].next() }
            }
        }
    }

    /// Counts matching paragraphs (for `total`) without scoring.
    private func countMatches(_ plan: QueryPlan, segment: SegmentReader, _ row: [TermMatcher?], filter: DocumentFilter?) throws -> Int {
        var matchers = plan.scoring.compactMap { row[$0] }
        var checker = MatchChecker(plan: plan, segment: segment, build: { try self.matcher($0, in: segment) })
        try checker.prepare()
        var count = 0
        while true {
            var d = PostingsCursor.end
            for m in matchers { d = min(d, m.doc) }
            if d == PostingsCursor.end { break }
            if filter.map({ $0.passes(segment.documentIndex(of: d)) }) ?? true, try checker.accepts(d) { count += 1 }
            for i in matchers.indices where matchers[i].doc == d { matchers[i].next() }
        }
        return count
    }

    /// Adds the proximity bonus to the BM25 candidates and re-sorts them: for each proximity
    /// sequence found in the paragraph, BM25's saturation of its occurrence count, weighted by
    /// the summed idf of a CJK run's bigrams (a run found whole counts about as much again as
    /// its bigrams found anywhere) or by the smaller idf of an English pair.
    private func rerank(_ candidates: [Candidate], plan: QueryPlan, options: SearchOptions,
                        characterLists: [[CharacterPart]]) throws -> [Candidate] {
        let bm25 = options.bm25
        let average = snapshot.averageLength
        var out = candidates
        // Phrase-first applies when the query is a single Chinese run (资产追回): then the
        // paragraphs holding it whole come first. With several runs (a question) the runs only
        // earn the bonus: measured, tiering on any run found whole lost 0.001 nDCG@10 on CMRC.
        let cjkRuns = plan.proximity.filter { plan.terms[$0.terms[0].index].kind == .bigram }.count
        // The same holds for a query of one compound word: `COVID-19` whole before `19` alone.
        // And for one character alone: where it stands as a word of its own (`辐射和核`) before
        // where it is only part of a longer word (`核心`, `结核`).
        let tiering = options.runsFirst && (cjkRuns == 1 && plan.scoring.allSatisfy { plan.terms[$0].kind == .bigram }
                                            || plan.compound != nil || plan.loneCharacter != nil)
        let order = candidates.indices.sorted { candidates[$0].key < candidates[$1].key }
        var currentSegment = -1
        var matchers: [[TermMatcher?]] = []
        var character: [(matcher: TermMatcher, part: TermMatcher.Part, inWord: Bool)] = []
        for i in order {
            let c = candidates[i]
            let segment = snapshot.segments[c.segment]
            if c.segment != currentSegment {
                currentSegment = c.segment
                matchers = try plan.proximity.map { seq in try seq.terms.map { try matcher(plan.terms[$0.index], in: segment) } }
                if tiering, plan.loneCharacter != nil {
                    character = characterLists[c.segment].map { name, info, part in
                        (TermMatcher(cursors: [segment.cursor(info)], parts: [.whole], isUnion: false), part,
                         part != .whole && QueryTranslator.isWord(String(decoding: name, as: UTF8.self)))
                    }
                }
            }
            if tiering, plan.loneCharacter != nil, Self.standsAlone(&character, at: c.local) { out[i].runs += 1 }
            let norm = bm25.norm(length: segment.length(of: c.local), average: average)
            var bonus = 0.0
            for (u, seq) in plan.proximity.enumerated() {
                let pf = MatchChecker.occurrences(&matchers[u], seq, at: c.local)
                if pf > 0 && tiering && (plan.terms[seq.terms[0].index].kind == .bigram || u == plan.compound) { out[i].runs += 1 }
                if pf > 0 && options.proximityWeight > 0 {
                    // A CJK run weighs its bigrams' idfs summed; an English pair the rarer word's.
                    let idfs = seq.terms.map { plan.terms[$0.index].idf }
                    let idf = plan.terms[seq.terms[0].index].kind == .bigram ? idfs.reduce(0, +) : idfs.min()!
                    bonus += options.proximityWeight * bm25.score(frequency: pf, norm: norm, idf: idf)
                }
            }
            out[i].score += bonus
        }
        // Lift each tier of run matches just above the best score of the tiers below it, so
        // that scores stay monotonic with rank (evaluation tools sort by score).
        var lifted: [Candidate] = []
        for runs in Set(out.map(\.runs)).sorted() {
            var tier = out.filter { $0.runs == runs }
            if let floor = lifted.map(\.score).max(), let low = tier.map(\.score).min(), low <= floor {
                let shift = floor - low + 1e-6 * max(1, abs(floor))
                for j in tier.indices { tier[j].score += shift }
            }
            lifted += tier
        }
        return lifted.sorted { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
    }

    /// Whether the lone character occurs in paragraph `local` at least once outside every
    /// dictionary word: neither the bigram it starts nor the one it ends is a word. Each
    /// occurrence is a slot, as ``TermMatcher`` counts them. Paragraphs in increasing order.
    static func standsAlone(_ parts: inout [(matcher: TermMatcher, part: TermMatcher.Part, inWord: Bool)], at local: Int) -> Bool {
        var free = Set<Int>(), bound = Set<Int>()
        for k in parts.indices {
            parts[k].matcher.advance(to: local)
            guard parts[k].matcher.doc == local else { continue }
            for p in parts[k].matcher.positions() {
                let slot: Int
                switch parts[k].part {
                case .whole: slot = 2 * p + 1
                case .startsWithChar: slot = 2 * p
                case .endsWithChar: slot = 2 * (p + 1)
                }
                if parts[k].inWord { bound.insert(slot) } else { free.insert(slot) }
            }
        }
        return !free.subtracting(bound).isEmpty
    }

    /// A query term in one segment: its matcher, how many paragraphs hold it, and the inputs
    /// of its score bound.
    struct SegmentTerm {
        var matcher: TermMatcher
        var documentFrequency: Int
        var maxFrequency: Int
        var minLength: Int
    }

    /// The term in one segment, or nil when the segment lacks it. A lone CJK character is the
    /// union of its unigram and every bigram holding it; its frequency is at most the sum of
    /// its parts' (so is its bound), and its document frequency is counted by walking a copy.
    func segmentTerm(_ term: QueryPlan.Term, in segment: SegmentReader) throws -> SegmentTerm? {
        if let prefix = term.prefix {
            // At most 1,024 of them, the first in term order (as Lucene bounds its clauses).
            var lists: [(TermInfo, TermMatcher.Part)] = []
            try segment.terms(withPrefix: prefix) { _, info in if lists.count < 1024 { lists.append((info, .whole)) } }
            guard !lists.isEmpty else { return nil }
            return SegmentTerm(matcher: TermMatcher(cursors: lists.map { segment.cursor($0.0) }, parts: lists.map(\.1), isUnion: lists.count > 1),
                               documentFrequency: min(segment.paragraphCount, lists.reduce(0) { $0 + $1.0.documentFrequency }),
                               maxFrequency: lists.reduce(0) { $0 + $1.0.maxFrequency },
                               minLength: lists.map(\.0.minLength).min()!)
        }
        if !term.alternatives.isEmpty {
            // A word's translations: the paragraphs holding any of them are counted as the sum
            // of each one's (at most the segment's paragraphs), not by walking the union — an
            // upper bound, exact when they never meet in one paragraph.
            var lists: [(TermInfo, TermMatcher.Part)] = []
            for bytes in term.alternatives { if let info = try segment.lookup(bytes) { lists.append((info, .whole)) } }
            guard !lists.isEmpty else { return nil }
            return SegmentTerm(matcher: TermMatcher(cursors: lists.map { segment.cursor($0.0) }, parts: lists.map(\.1), isUnion: lists.count > 1),
                               documentFrequency: min(segment.paragraphCount, lists.reduce(0) { $0 + $1.0.documentFrequency }),
                               maxFrequency: lists.reduce(0) { $0 + $1.0.maxFrequency },
                               minLength: lists.map(\.0.minLength).min()!)
        }
        if !term.isUnion {
            guard let info = try segment.lookup(term.bytes) else { return nil }
            return SegmentTerm(matcher: TermMatcher(cursors: [segment.cursor(info)], parts: [.whole], isUnion: false),
                               documentFrequency: info.documentFrequency, maxFrequency: info.maxFrequency,
                               minLength: info.minLength)
        }
        return union(try characterParts(term, in: segment).map { ($0.info, $0.part) }, in: segment)
    }

    typealias CharacterPart = (name: [UInt8], info: TermInfo, part: TermMatcher.Part)

    /// The lists of a lone CJK character: the character as a unigram, and every bigram that
    /// starts or ends with it (a section term's character, `in:核`, among section terms only).
    func characterParts(_ term: QueryPlan.Term, in segment: SegmentReader) throws -> [CharacterPart] {
        var lists: [CharacterPart] = []
        let c = term.bytes
        try segment.terms(withPrefix: c) { name, info in
            if name == c { lists.append((name, info, .whole)) } else if isOneScalar(name[c.count...]) { lists.append((name, info, .startsWithChar)) }
        }
        let marked = term.isSection ? 1 : 0
        let character = c[marked...]
        try segment.allTerms { name, info in
            // (`cc` is listed twice: once from the prefix scan, once here, for its second c.)
            guard name.count > c.count, (name.first == IndexFormat.sectionMark) == term.isSection else { return }
            if name.suffix(character.count).elementsEqual(character), isOneScalar(name[marked..<(name.count - character.count)]) {
                lists.append((name, info, .endsWithChar))
            }
        }
        return lists
    }

    /// The union of postings lists; its frequency is at most the sum of its parts' (so is its
    /// bound), and its document frequency is counted by walking a copy.
    private func union(_ lists: [(TermInfo, TermMatcher.Part)], in segment: SegmentReader) -> SegmentTerm? {
        guard !lists.isEmpty else { return nil }
        let cursors = lists.map { segment.cursor($0.0) }
        let parts = lists.map(\.1)
        let maxFrequency = lists.reduce(0) { $0 + $1.0.maxFrequency }
        let minLength = lists.map(\.0.minLength).min()!
        let matcher = TermMatcher(cursors: cursors, parts: parts, isUnion: true)
        var walk = matcher
        var count = 0
        while walk.doc != PostingsCursor.end { count += 1; walk.next() }
        return SegmentTerm(matcher: matcher, documentFrequency: count, maxFrequency: maxFrequency, minLength: minLength)
    }

    /// The matcher for a term in one segment, or nil when the segment lacks it.
    func matcher(_ term: QueryPlan.Term, in segment: SegmentReader) throws -> TermMatcher? {
        try segmentTerm(term, in: segment)?.matcher
    }

    /// Which documents of a segment pass the `lang:` and `doc:` filters (nil: all).
    private func documentFilter(_ plan: QueryPlan, _ segment: SegmentReader, _ s: Int) throws -> DocumentFilter? {
        if plan.languages.isEmpty && plan.documents.isEmpty && plan.allowed == nil && plan.dates.isEmpty { return nil }
        var filter = DocumentFilter()
        if !plan.languages.isEmpty {
            filter.codes = try segment.documentLanguageCodes
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
    /// Each document's language code, and the codes wanted (a bit each); empty: any language.
    var codes: [UInt8] = []
    var wanted: UInt8 = 0
    /// The documents named by `doc:` (or allowed) and dated as `date:` asks, when the query
    /// asks any.
    var named: Set<Int>? = nil

    @inline(__always)
    func passes(_ document: Int) -> Bool {
        if !codes.isEmpty, wanted & (1 << codes[document]) == 0 { return false }
        if let named, !named.contains(document) { return false }
        return true
    }
}

@inline(__always)
func isOneScalar(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let f = bytes.first else { return false }
    let n = f < 0x80 ? 1 : f < 0xE0 ? 2 : f < 0xF0 ? 3 : 4
    return bytes.count == n
}

/// Checks the parts of a query that need positions: required phrases, `in:` sections and
/// exclusions.
struct MatchChecker {
    let plan: QueryPlan
    let segment: SegmentReader
    let build: (QueryPlan.Term) throws -> TermMatcher?
    private var phraseMatchers: [[TermMatcher?]] = []
    private var sectionMatchers: [[TermMatcher?]] = []
    private var exclusionMatchers: [[TermMatcher?]] = []

    init(plan: QueryPlan, segment: SegmentReader, build: @escaping (QueryPlan.Term) throws -> TermMatcher?) {
        self.plan = plan
        self.segment = segment
        self.build = build
    }

    mutating func prepare() throws {
        phraseMatchers = try plan.phrases.map { seq in try seq.terms.map { try build(plan.terms[$0.index]) } }
        sectionMatchers = try plan.sections.map { seq in try seq.terms.map { try build(plan.terms[$0.index]) } }
        exclusionMatchers = try plan.exclusions.map { seq in try seq.terms.map { try build(plan.terms[$0.index]) } }
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
        let first = matchers[0]!.positions()
        var sets: [Set<Int>] = []
        for i in 1..<matchers.count { sets.append(Set(matchers[i]!.positions())) }
        var count = 0
        for p in first where seq.terms.indices.dropFirst().allSatisfy({ sets[$0 - 1].contains(p + seq.terms[$0].offset) }) {
            count += 1
            if stopAtFirst { break }
        }
        return count
    }
}

/// The k best candidates: score descending, then paragraph key ascending.
struct TopK {
    let capacity: Int
    private var items: [Searcher.Candidate] = []   // a min-heap on (score, -key): worst first

    init(capacity: Int) { self.capacity = capacity }

    @inline(__always)
    private static func worse(_ a: Searcher.Candidate, _ b: Searcher.Candidate) -> Bool {
        a.score != b.score ? a.score < b.score : a.key > b.key
    }

    /// The score a new candidate must reach, once the heap is full.
    var threshold: Double? { items.count < capacity ? nil : items[0].score }

    func wouldAccept(score: Double, key: Int) -> Bool {
        guard capacity > 0 else { return false }
        if items.count < capacity { return true }
        return Self.worse(items[0], Searcher.Candidate(segment: key >> 32, local: key & 0xFFFF_FFFF, score: score))
    }

    mutating func offer(_ c: Searcher.Candidate) {
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
    }

    func sorted() -> [Searcher.Candidate] {
        items.sorted { Self.worse($1, $0) }
    }
}

