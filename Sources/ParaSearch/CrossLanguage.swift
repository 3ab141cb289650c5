import ParaCore
import ParaAnalysis
import ParaIndex

/// Search across Chinese and English: through the aligned versions of a document, and through
/// the dictionary translation of the query.
///
/// The merge rule (measured in docs/quality.md): the direct ranking is kept as it is — a direct
/// match keeps its score and place; a list found another way is scaled so that its best
/// paragraph scores a set share of the direct list's best (the whole of it for paragraphs
/// found through their other version, which are that version's translation;
/// ``SearchOptions/translationShare`` for a translated query), or, when nothing matched
/// directly, is kept as it scored. A paragraph found both ways but not directly takes the
/// better score.
///
/// `total` is then the direct matches, plus the translated query's, plus the matches in the
/// other-language versions (each counted once per list: a paragraph matched two ways counts
/// twice, and a version's paragraph that aligns with nothing still counts) — an estimate that
/// does not move with `limit` or `offset`.
extension Searcher {
    /// How many more paragraphs than asked the search through the versions ranks, for those
    /// whose document's versions do not align paragraph by paragraph.
    static let unalignedSlack = 20

    struct CrossRanking {
        var candidates: [Candidate]
        var total: Int
        var found: [Int: FoundThrough] = [:]
        var translations: [Translation] = []
        var translatedPlan: QueryPlan? = nil
    }

    /// The languages the snapshot holds documents in.
    func languages() throws -> Set<Language> {
        var out: Set<Language> = []
        for segment in snapshot.segments { out.formUnion(try segment.languages) }
        return out
    }

    /// The language a query is written in: Chinese when all its ranked terms but numbers are
    /// Chinese, English when all are English words, else none (a mixed query is not translated).
    static func language(of plan: QueryPlan) -> Language? {
        // Numbers (`2030`, `15岁`) belong to neither language.
        let kinds = plan.scoring.filter { !plan.terms[$0].isNumber }.map { plan.terms[$0].kind }
        if !kinds.isEmpty, kinds.allSatisfy({ $0 == .bigram || $0 == .unigram }) { return .zh }
        if !kinds.isEmpty, kinds.allSatisfy({ $0 == .word }) { return .en }
        return nil
    }

    func rankAcrossLanguages(_ query: Query, _ plan: QueryPlan, options: SearchOptions) throws -> CrossRanking {
        let direct = { () throws -> CrossRanking in
            let (ranked, total) = try self.rank(plan, options: options)
            return CrossRanking(candidates: ranked, total: total)
        }
        // `in:` names headings in the query's language: the query stays in it.
        guard options.limit > 0, options.throughVersions || options.translate, !plan.scoring.isEmpty, plan.sections.isEmpty
        else { return try direct() }
        let present = try languages()
        let wanted = plan.languages.isEmpty ? Set(Language.allCases) : plan.languages
        let source = Self.language(of: plan)
        let target: Language? = source.map { $0 == .zh ? .en : .zh }
        let translating = options.translate && target.map { wanted.contains($0) && present.contains($0) } ?? false
        // Through the versions when the filter keeps another language than the query's own.
        var throughVersions = options.throughVersions && !plan.languages.isEmpty && !present.subtracting(plan.languages).isEmpty
            && !(source.map(plan.languages.contains) ?? false)
        if throughVersions {
            // (Documents without symbols or links, as JSON Lines records are, have no versions:
            // answered without decoding them.)
            throughVersions = try snapshot.segments.contains { try $0.mayHaveVersions } && versions().any
        }
        guard translating || throughVersions else { return try direct() }

        var out = CrossRanking(candidates: [], total: 0)
        var floored = options
        // A query that requires a phrase or term is not translated: the translation could not
        // require it. (A document symbol is the same in every language: nothing to translate.)
        let translate = source == .zh ? QueryTranslator.chineseToEnglish : QueryTranslator.englishToChinese
        let translates = translating && source != nil && query.phrases.allSatisfy(Query.isSymbol)
        let text = (query.text + query.prefixes).joined(separator: " ")
        // The translated query's plan, made only when it runs or highlights (the direct list
        // often leaves it nothing to find).
        let translatedPlan = { [self] (translations: [Translation]) throws -> QueryPlan? in
            guard !translations.isEmpty, let target else { return nil }
            // What the query excludes, the translated query excludes in translation too.
            let excluded = query.excluded.isEmpty ? [] : translate(query.excluded.joined(separator: " "))
            var translated = QueryPlan(translating: plan, translations, excluding: excluded, weight: options.translatedTermWeight)
            translated.languages = [target]
            if target == .en { try leaveOutCommonGlossWords(&translated, share: options.commonGlossWords) }
            return translated
        }
        // On the second core, when it is free, the translated query is searched while the
        // direct one is searched here, and takes up its floor (below) when the direct list is
        // known; the lists and their merge are those of the searches one after the other.
        let second = TranslatedRun()
        var lent: SecondCore.Lent? = nil
        if translates, options.secondCore || options.secondCoreAlways {
            var early = options
            early.sharedFloor = second.floor
            early.help = second.slot
            lent = SecondCore.lend(always: options.secondCoreAlways) { [self] in
                second.translations = translate(text)
                do {
                    second.plan = try translatedPlan(second.translations)
                } catch {
                    second.planError = error
                    return
                }
                // (Not run at all when the direct list, known by now, leaves it nothing.)
                guard second.floor.value != .infinity else { return }
                do {
                    if let plan = second.plan { (second.ranked, second.total) = try rank(plan, options: early) }
                } catch {
                    second.rankError = error
                }
            }
        }
        if translates, lent == nil { out.translations = translate(text) }
        // Each list's top `limit` is enough: scaling keeps a list's order, so nothing below a
        // list's top `limit` can enter the merged top `limit` through that list.
        let directRanking: ([Candidate], Int)
        do {
            directRanking = try rank(plan, options: options)
        } catch {
            // (The second core's walk ends at its next window; a count of its matches, when
            // asked for, runs to its end.)
            second.floor.set(.infinity)
            lent?.wait(helping: second.slot, sleeps: !options.handOffAtOnce)
            throw error
        }
        let (directRanked, directTotal) = directRanking
        out.total = directTotal
        var merged: [Int: Candidate] = [:]
        for c in directRanked { merged[c.key] = c }
        let directKeys = Set(directRanked.map(\.key))
        let reference = directRanked.first?.score
        func merge(_ list: [(Candidate, FoundThrough)], share: Double) {
            guard let best = list.map(\.0.score).max(), best > 0 else { return }
            let scale = reference.map { $0 * share / best } ?? 1
            for (c, how) in list {
                var c = c
                c.score *= scale
                // A direct match keeps its score and place.
                if directKeys.contains(c.key) { continue }
                if let existing = merged[c.key] {
                    if existing.score >= c.score { continue }
                }
                out.found[c.key] = how
                merged[c.key] = c
            }
        }
        // Scaled, the translated list's best scores `translationShare` of the direct best,
        // and the rest in proportion: when the direct list is full, a translated paragraph
        // scoring below (direct k-th ÷ (share × direct best)) of its list's best stays below
        // the k-th and cannot enter. MaxScore prunes by that floor; a floor of 1 or more means
        // no translated paragraph can enter (only `total` still wants it).
        if options.pruneByBounds, directRanked.count >= options.limit, let best = directRanked.first?.score, best > 0 {
            floored.relativeFloor = directRanked[options.limit - 1].score / (options.translationShare * best) / (1 + 1e-9)
        }
        let runsTranslated = floored.relativeFloor < 1 || options.countTotal
        if lent != nil { second.floor.set(runsTranslated ? floored.relativeFloor : .infinity) }
        if throughVersions {
            let found: [(Candidate, FoundThrough)], total: Int
            do {
                (found, total) = try foundThroughVersions(plan, options: options)
            } catch {
                second.floor.set(.infinity)
                lent?.wait(helping: second.slot, sleeps: !options.handOffAtOnce)
                throw error
            }
            out.total += total
            merge(found, share: 1)
        }
        if let lent {
            // (Walking the second part of a long translated walk, if it offers one.)
            lent.wait(helping: second.slot, sleeps: !options.handOffAtOnce)
            // (What one search after the other would have met: the plan is made when the
            // translated query runs or highlights, the query run only when it can enter.)
            if runsTranslated || throughVersions, let error = second.planError { throw error }
            if runsTranslated, let error = second.rankError { throw error }
            out.translations = second.translations
            if runsTranslated, let translated = second.plan {
                out.translatedPlan = translated
                out.total += second.total
                merge(second.ranked.map { ($0, FoundThrough.translation) }, share: options.translationShare)
            } else if throughVersions {
                out.translatedPlan = second.plan
            }
        } else if runsTranslated, let translated = try translatedPlan(out.translations) {
            out.translatedPlan = translated
            let (ranked, total) = try rank(translated, options: floored)
            out.total += total
            merge(ranked.map { ($0, FoundThrough.translation) }, share: options.translationShare)
        } else if throughVersions {
            // (Not run, but it highlights the paragraphs found through their versions: what it
            // would have searched for.)
            out.translatedPlan = try translatedPlan(out.translations)
        }
        out.candidates = merged.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
        if out.candidates.count > options.limit { out.candidates.removeLast(out.candidates.count - options.limit) }
        return out
    }

    /// Leaves the common words of glosses of several words out of a translation into English
    /// that has a rarer word: a word in more than `share` of the paragraphs (of all languages,
    /// as idf counts them) stays only as a gloss of its own. Glosses carry grammatical and
    /// general words (`withdraw from`, `have dealings with`, `one after another`); pooled with
    /// the rest, each made the whole translation as common as it is, and found paragraphs by
    /// itself alone (docs/quality.md).
    func leaveOutCommonGlossWords(_ plan: inout QueryPlan, share: Double) throws {
        guard share > 0 else { return }
        let cutoff = share * Double(snapshot.paragraphCount)
        for t in plan.scoring where plan.terms[t].alternatives.count > 1 {
            let term = plan.terms[t]
            var rare: [Bool] = []
            for bytes in term.alternatives {
                var df = 0
                for segment in snapshot.segments { df += try segment.lookup(bytes)?.documentFrequency ?? 0 }
                rare.append(df > 0 && Double(df) <= cutoff)
            }
            guard rare.contains(true) else { continue }
            var keep = rare
            for gloss in term.glosses where gloss.count == 1 { keep[gloss[0]] = true }
            plan.terms[t].alternatives = term.alternatives.indices.filter { keep[$0] }.map { term.alternatives[$0] }
            plan.terms[t].glosses = []   // (its indexes were of the words before)
        }
    }

    /// Paragraphs in the wanted languages whose aligned version in another language matches
    /// the query, scored as that version scored; the query's exclusions still apply to them.
    private func foundThroughVersions(_ plan: QueryPlan, options: SearchOptions) throws -> ([(Candidate, FoundThrough)], Int) {
        let versions = try versions()
        var other = plan
        other.languages = Set(Language.allCases).subtracting(plan.languages)
        // Only documents with a version in a wanted language (of the one `doc:` names, when it
        // names one) are searched, so that the best of them map to paragraphs to show.
        var allowed: Set<DocumentLocation> = []
        if !plan.documents.isEmpty {
            for (s, segment) in snapshot.segments.enumerated() {
                for (i, d) in try segment.documents.enumerated() where plan.documents.contains(where: { d.metadata.isNamed($0) }) {
                    allowed.formUnion(try versions.versions(of: DocumentLocation(segment: s, index: i)))
                }
            }
        } else {
            allowed = try versions.documents(withVersionIn: plan.languages)
        }
        other.documents = []
        other.allowed = allowed
        // (Some of them may not align paragraph by paragraph: a few more are ranked.)
        var deeper = options
        deeper.limit = options.limit + Self.unalignedSlack
        let (found, total) = try rank(other, options: deeper)
        var cache: [Versions.PairKey: [Int: Int]?] = [:]
        var out: [(Candidate, FoundThrough)] = []
        for c in found {
            let segment = snapshot.segments[c.segment]
            let index = segment.documentIndex(of: c.local)
            let doc = try segment.document(at: index)
            let paragraph = try segment.paragraph(c.local)
            for (location, local, _) in try versions.aligned(DocumentLocation(segment: c.segment, index: index),
                                                             ordinal: paragraph.ordinal, cache: &cache) {
                let metadata = try versions.stored(location).metadata
                guard plan.languages.contains(metadata.language),
                      plan.documents.isEmpty || plan.documents.contains(where: { metadata.isNamed($0) }),
                      plan.dates.isEmpty || metadata.extra["date"].flatMap(DateCondition.isoDate).map({ iso in plan.dates.allSatisfy { $0.admits(iso) } }) == true
                else { continue }
                let how = FoundThrough.version(Citation(metadata: doc.metadata, paragraph: paragraph), doc.metadata.language)
                out.append((Candidate(segment: location.segment, local: local, score: c.score), how))
            }
        }
        return (try withoutExclusions(out, plan), total)
    }

    /// Drops the candidates that hold an excluded term or phrase of the plan.
    private func withoutExclusions(_ list: [(Candidate, FoundThrough)], _ plan: QueryPlan) throws -> [(Candidate, FoundThrough)] {
        guard !plan.exclusions.isEmpty else { return list }
        var exclusionsOnly = plan
        exclusionsOnly.phrases = []
        exclusionsOnly.sections = []
        var keep: Set<Int> = []
        let order = list.map(\.0).sorted { $0.key < $1.key }
        var i = 0
        while i < order.count {
            let s = order[i].segment
            let segment = snapshot.segments[s]
            var checker = MatchChecker(plan: exclusionsOnly, segment: segment, build: { try self.matcher(exclusionsOnly.terms[$0], in: segment) })
            try checker.prepare()
            var last = -1
            while i < order.count, order[i].segment == s {
                if order[i].local != last, try checker.accepts(order[i].local) { keep.insert(order[i].key) }
                last = order[i].local
                i += 1
            }
        }
        return list.filter { keep.contains($0.0.key) }
    }
}

/// What the second core's search of a translated query leaves for the merge (written there,
/// read here once ``SecondCore/Lent/wait()`` returns).
private final class TranslatedRun: @unchecked Sendable {
    let floor = SharedFloor()
    let slot = HelpSlot()
    var translations: [Translation] = []
    var plan: QueryPlan? = nil
    var ranked: [Searcher.Candidate] = []
    var total = 0
    var planError: Error? = nil
    var rankError: Error? = nil
}
