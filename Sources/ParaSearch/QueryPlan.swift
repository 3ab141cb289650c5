import ParaCore
import ParaAnalysis
import ParaIndex

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
        /// For the translations of one query word: the words of each translation (a gloss of
        /// one or more words, a Chinese word's bigrams), as indexes of ``alternatives``.
        var glosses: [[Int]] = []
        /// For `word*`: every indexed term that starts with these bytes, pooled as one.
        var prefix: [UInt8]? = nil
        var isUnion: Bool { kind == .unigram || !alternatives.isEmpty || prefix != nil }
        /// A term of the section path (``IndexFormat/sectionMark`` and a term of text).
        var isSection: Bool { bytes.first == IndexFormat.sectionMark && prefix == nil }
        /// Figures only (`2030`): a term of both languages.
        var isNumber: Bool { !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// A sequence of terms at relative positions: a phrase, or one term.
    struct Sequence: Equatable {
        var terms: [(index: Int, offset: Int)]

        static func == (a: Sequence, b: Sequence) -> Bool {
            a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.index == $1.index && $0.offset == $1.offset }
        }
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

    /// How many times its own BM25 score the proximity bonus can add to a paragraph at most,
    /// per unit of ``SearchOptions/proximityWeight`` (nil: no bound). A sequence occurs in a
    /// paragraph no more often than any of its terms, so a CJK run's bonus is at most its
    /// bigrams' scores summed (the bonus weighs the run by their idfs summed), and a pair's or
    /// compound's at most the score of one of its scoring terms (it weighs the smallest idf):
    /// each sequence is charged to terms, and the largest charge per unit of a term's
    /// weight bounds the whole bonus against the score.
    var bonusBound: Double? {
        var charge = [Double](repeating: 0, count: terms.count)
        for seq in proximity {
            if terms[seq.terms[0].index].kind == .bigram {
                for t in seq.terms { charge[t.index] += 1 }
            } else if let t = seq.terms.last(where: { scoring.contains($0.index) && terms[$0.index].weight > 0 }) {
                charge[t.index] += 1
            } else {
                return nil
            }
        }
        var bound = 0.0
        for t in terms.indices where charge[t] > 0 {
            guard scoring.contains(t), terms[t].weight > 0 else { return nil }
            bound = max(bound, charge[t] / terms[t].weight)
        }
        return bound
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
        // A phrase given twice weighs as once (a word repeated in free text weighs more, as
        // BM25's query-term frequency has it).
        var phrasesOnce: [String] = []
        for p in query.phrases where !phrasesOnce.contains(p) { phrasesOnce.append(p) }
        // Free text is word by word however it was given (typed, or a sentence in code), so
        // that both rank alike. (Pairing its neighbouring English words for the proximity
        // bonus was measured: Cranfield +0.0019, but the rerank's 100 candidates instead of
        // the 10 asked for doubled the English median latency; see docs/quality.md.)
        let freeText = query.text.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        for text in freeText + phrasesOnce {
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
        // A phrase, pair or exclusion given twice is checked once (`"right to development"`
        // pasted a thousand times is one phrase).
        func unique(_ list: [Sequence]) -> [Sequence] {
            var out: [Sequence] = []
            for s in list where !out.contains(s) { out.append(s) }
            return out
        }
        phrases = unique(phrases)
        exclusions = unique(exclusions)
        let compoundSequence = compound.map { proximity[$0] }
        proximity = unique(proximity)
        compound = compoundSequence.flatMap { c in proximity.firstIndex(of: c) }
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
            var glosses: [[Int]] = []
            var kind = TermKind.word
            for text in translation.targets {
                // (`split sth into two`: the dictionary's notation is no word to search for.)
                let target = QueryTranslator.meaning(ofGloss: text)
                let utf8 = Array(target.utf8)
                var gloss: [Int] = []
                analyzer.analyze(target) { term, k, _, range in
                    guard k != .stopWord else { return }
                    if let i = alternatives.firstIndex(where: { $0.elementsEqual(term) }) {
                        if !gloss.contains(i) { gloss.append(i) }
                        return
                    }
                    gloss.append(alternatives.count)
                    alternatives.append(Array(term))
                    kind = k
                    if written[Array(term)] == nil { written[Array(term)] = String(decoding: utf8[range], as: UTF8.self) }
                }
                if !gloss.isEmpty { glosses.append(gloss) }
            }
            guard !alternatives.isEmpty else { continue }
            let id: Int
            if alternatives.count == 1 {
                id = termID(alternatives[0], kind)
            } else {
                id = termID(Array("\u{0}\(translation.source)".utf8), kind)
                terms[id].alternatives = alternatives
                terms[id].glosses = glosses
            }
            terms[id].weight += weight
            if !scoringSet.contains(id) { scoringSet.append(id) }
        }
        scoring = scoringSet.filter { terms[$0].weight > 0 }
        for seq in original.exclusions {
            exclusions.append(Sequence(terms: seq.terms.map { (termID(original.terms[$0.index].bytes, original.terms[$0.index].kind), $0.offset) }))
        }
        for translation in excluded {
            for text in translation.targets {
                var seq = Sequence(terms: [])
                var first: Int? = nil
                analyzer.analyze(QueryTranslator.meaning(ofGloss: text)) { term, kind, position, _ in
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
