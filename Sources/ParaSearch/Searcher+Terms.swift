import Foundation
import ParaCore
import ParaAnalysis
import ParaIndex

// How a query term is looked up in one segment: a word, a bigram, a prefix, a translation
// or a lone character (the union of the bigrams that hold it).

extension Searcher {
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
        return try character(term, in: segment).flatMap { characterTerm($0, in: segment) }
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
        // (`cc` is listed twice: once from the prefix scan, once here, for its second c.)
        if !term.isSection {
            for name in try segment.bigrams(endingWith: c[...]) {
                if let info = try segment.lookup(name) { lists.append((name, info, .endsWithChar)) }
            }
            return lists
        }
        // A section term's character (`in:核`, rare): the dictionary scanned for it.
        let character = c[1...]
        try segment.allTerms { name, info in
            guard name.count > c.count, name.first == IndexFormat.sectionMark else { return }
            if name.suffix(character.count).elementsEqual(character), isOneScalar(name[1..<(name.count - character.count)]) {
                lists.append((name, info, .endsWithChar))
            }
        }
        return lists
    }

    /// A lone character's lists and their merge (``MergedPostings``), from the searcher's cache
    /// when it was asked for lately: no dictionary look-up, no merge. Nil when the segment has
    /// none of its lists.
    func character(_ term: QueryPlan.Term, in segment: SegmentReader, budget: Budget? = nil) throws -> MergedPostings? {
        let merged = try mergedCache.get(segment: segment.name, term: term.bytes) {
            MergedPostings(try characterParts(term, in: segment), cursor: segment.cursor, length: segment.length(of:), budget: budget)
        }
        return merged.parts.isEmpty ? nil : merged
    }

    /// The term of a merged character: its document frequency, frequencies and largest
    /// frequency exact.
    func characterTerm(_ merged: MergedPostings, in segment: SegmentReader) -> SegmentTerm? {
        // (Damaged lists leave a matcher that says so, as a live union would.)
        guard !merged.docs.isEmpty || merged.isCorrupt else { return nil }
        return SegmentTerm(matcher: TermMatcher(merged: merged, placeholder: segment.cursor(merged.parts[0].info)),
                           documentFrequency: merged.docs.count, maxFrequency: max(1, merged.maxFrequency), minLength: merged.minLength)
    }

    /// The matcher for a term in one segment, or nil when the segment lacks it.
    func matcher(_ term: QueryPlan.Term, in segment: SegmentReader) throws -> TermMatcher? {
        try segmentTerm(term, in: segment)?.matcher
    }
}

@inline(__always)
func isOneScalar(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let f = bytes.first else { return false }
    let n = f < 0x80 ? 1 : f < 0xE0 ? 2 : f < 0xF0 ? 3 : 4
    return bytes.count == n
}
