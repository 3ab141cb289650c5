import Foundation
import Synchronization
import ParaCore

/// One word of a query and what it translates to, for a query in one language to find text in
/// the other.
public struct Translation: Sendable, Hashable, Codable {
    /// The query's word as the dictionary knows it: a Chinese word (`资产`) or English words
    /// (`human rights`, stemmed: `human right`).
    public var source: String
    /// Its translations, most usual first: English glosses, or Chinese words.
    public var targets: [String]

    /// A translation of `source` into `targets`.
    public init(source: String, targets: [String]) {
        self.source = source
        self.targets = targets
    }

    /// As JSON: `{"from": source, "to": targets}`.
    enum CodingKeys: String, CodingKey {
        case source = "from", targets = "to"
    }
}

/// Query translation with a general Chinese–English dictionary (CC-CEDICT, made into
/// `CEDICT+Table1.swift`, `CEDICT+Table2.swift` by `scripts/gen-cedict-table.py`).
///
/// - Chinese → English: the dictionary words in each run of Chinese characters translate to
///   their first three glosses (``chineseToEnglish(_:)``).
/// - English → Chinese: the query's words, stemmed, are matched against the dictionary's
///   glosses, stemmed, longest first (three words, then two, then one); a gloss matches the
///   Chinese words it glosses, ranked by the table (the words that give it as their first
///   gloss first), at most three.
///
/// The dictionary is held in the binary as text, copied out and its lines found on first use,
/// and searched in place; the gloss index of the other direction is made from it the first
/// time an English query is translated.
package enum QueryTranslator {
    /// How many Chinese words an English gloss may stand for.
    static let maxChineseTargets = 3
    /// How many of a Chinese word's glosses are used (the dictionary gives the usual senses
    /// first; measured: three 0.419 nDCG@10 on the SDG run, two 0.418, four 0.411, six 0.412).
    static let maxEnglishGlosses = 3

    /// Translations of a query's Chinese words into English glosses: the dictionary words of
    /// two to six characters in each run of Chinese characters that a reading of the run uses
    /// (``wordsRead(_:characters:)``): a word and the words inside it (`地理位置` gives `地理`,
    /// `地理位置` and `位置`), but not a word that straddles two others (`平行` in `维持和平行动`,
    /// `中国` in `发展中国家`). Each goes to its first glosses; a run of one character is
    /// translated as it is, to all its glosses. Single characters inside longer runs are mostly
    /// particles and are left out.
    package static func chineseToEnglish(_ query: String) -> [Translation] {
        var out: [Translation] = []
        func add(_ word: String, line: Int?, glosses count: Int = maxEnglishGlosses) {
            guard let line, !out.contains(where: { $0.source == word }) else { return }
            let glosses = Tables.words.glosses(atLine: line)
            out.append(Translation(source: word, targets: withIrregularPlurals(Array(glosses.prefix(count)))))
        }
        for run in chineseRuns(query) {
            // Where each character starts in the run's UTF-8, and where the run ends.
            let utf8 = Array(run.utf8)
            var starts = run.indices.map { run.utf8.distance(from: run.startIndex, to: $0) }
            starts.append(utf8.count)
            // A character alone is the most ambiguous query there is: all its senses.
            if starts.count == 2 { add(run, line: Tables.words.line(of: run), glosses: .max); continue }
            var found: [(start: Int, length: Int, line: Int)] = []
            utf8.withUnsafeBufferPointer { utf8 in
                for i in 0..<(starts.count - 1) {
                    for length in 2...6 where i + length < starts.count {
                        let word = UnsafeBufferPointer(rebasing: utf8[starts[i]..<starts[i + length]])
                        let (line, begins) = Tables.words.lookUp(word)
                        if let line { found.append((i, length, line)) }
                        // (No headword begins with it: none of the longer words is one.)
                        if !begins { break }
                    }
                }
            }
            let read = wordsRead(found.map { ($0.start, $0.length) }, characters: starts.count - 1)
            for (k, w) in found.enumerated() where read[k] {
                add(String(decoding: utf8[starts[w.start]..<starts[w.start + w.length]], as: UTF8.self), line: w.line)
            }
        }
        return out
    }

    /// Which of the dictionary words found in a run of `characters` characters (each a start
    /// and a length in characters) a reading of the run uses: the words of any segmentation of
    /// the run into the fewest pieces (a piece is a word found or any one character), and inside each such word of three or more characters, by the same rule, the
    /// shorter words it is made of. A word that straddles the border of two words read is
    /// left out, as no reader takes it: `维持和平行动` reads `维持 和平 行动`, never `平行`, and
    /// `发展中国家` (developing countries) holds `发展中 国家`, never `中国`. Where two readings
    /// are equally short (`研究生命`: `研究生 命` or `研究 生命`), both are kept.
    static func wordsRead(_ words: [(start: Int, length: Int)], characters: Int) -> [Bool] {
        var read = [Bool](repeating: false, count: words.count)
        // The words of the fewest-piece segmentations of `lo..<hi`, the span itself excluded
        // when it is a word being read inside.
        func readSpan(_ lo: Int, _ hi: Int, inside: Bool) {
            let candidates = words.indices.filter {
                let w = words[$0]
                return w.start >= lo && w.start + w.length <= hi && !(inside && w.start == lo && w.length == hi - lo)
            }
            guard !candidates.isEmpty else { return }
            // Fewest pieces covering lo..<p (from the left) and p..<hi (from the right).
            var left = [Int](repeating: 0, count: hi - lo + 1)
            var right = [Int](repeating: 0, count: hi - lo + 1)
            for p in (lo + 1)...hi {
                var best = left[p - 1 - lo] + 1
                for k in candidates where words[k].start + words[k].length == p { best = min(best, left[words[k].start - lo] + 1) }
                left[p - lo] = best
            }
            for p in stride(from: hi - 1, through: lo, by: -1) {
                var best = right[p + 1 - lo] + 1
                for k in candidates where words[k].start == p { best = min(best, right[p + words[k].length - lo] + 1) }
                right[p - lo] = best
            }
            let fewest = left[hi - lo]
            for k in candidates where !read[k] {
                let w = words[k]
                guard left[w.start - lo] + 1 + right[w.start + w.length - lo] == fewest else { continue }
                read[k] = true
                if w.length >= 3 { readSpan(w.start, w.start + w.length, inside: true) }
            }
        }
        if characters > 0 { readSpan(0, characters, inside: false) }
        return read
    }

    /// Whether the dictionary has `word` as a headword (Simplified, as the index folds text).
    /// A lone character's query uses it to tell the character standing as a word of its own
    /// (`辐射和核`) from the character inside a longer word (`核心`, `结核`).
    package static func isWord(_ word: String) -> Bool { Tables.words.contains(word) }

    /// Translations of a query's English words into Chinese words.
    package static func englishToChinese(_ query: String) -> [Translation] {
        let words = englishWords(query)
        var out: [Translation] = []
        var i = 0
        while i < words.count {
            var matched = false
            for length in stride(from: min(3, words.count - i), through: 1, by: -1) {
                let stems = words[i..<(i + length)].map(\.stem)
                let targets = chineseWords(glossedAs: Array(stems))
                if !targets.isEmpty {
                    let source = words[i..<(i + length)].map(\.surface).joined(separator: " ")
                    if !out.contains(where: { $0.source == source }) { out.append(Translation(source: source, targets: targets)) }
                    i += length
                    matched = true
                    break
                }
            }
            if !matched { i += 1 }
        }
        return out
    }

    /// The dictionary's notation in glosses, not their meaning: stand-ins for an object
    /// (`split sth into two`, `cling to one's course`), and the marks of a literal or
    /// figurative sense that open a gloss (`lit one spot`, `fig casual acquaintance`; not
    /// `brightly lit`). The table has lost the period that told the mark `fig.` from the word:
    /// of its 473 glosses that open with `fig`, `fig leaf` loses its fruit.
    static let glossNotation: Set<String> = ["sb", "sb's", "sth", "sth's", "one's", "oneself"]
    static let senseMarks: Set<String> = ["lit", "fig"]

    /// A gloss without its notation (``glossNotation``, ``senseMarks``), unless that leaves
    /// no word but stop words (`oneself` for 自己, `by oneself`).
    package static func meaning(ofGloss gloss: String) -> String {
        // (Every translated query asks this of each of its glosses: an ASCII gloss without
        // notation, most of them, is found so from its bytes, without Foundation's
        // lower-casing and trimming of each word.)
        if !hasNotation(gloss) { return gloss }
        return meaningOfNotatedGloss(gloss)
    }

    /// ``meaning(ofGloss:)`` word by word, for a gloss that may have notation.
    static func meaningOfNotatedGloss(_ gloss: String) -> String {
        let words = gloss.split(separator: " ")
        var kept: [Substring] = []
        for (i, word) in words.enumerated() {
            let w = word.lowercased().trimmingCharacters(in: .punctuationCharacters)
            if glossNotation.contains(w) || i == 0 && words.count > 1 && senseMarks.contains(w) { continue }
            kept.append(word)
        }
        guard kept.count < words.count, kept.contains(where: { !Analyzer.stopWords.contains($0.lowercased()) }) else { return gloss }
        return kept.joined(separator: " ")
    }

    /// Whether `gloss` may hold notation: false for a gloss without ASCII letters (a Chinese
    /// word), and for an ASCII gloss none of whose words, lower-cased and trimmed of
    /// punctuation (Unicode's, which in ASCII is ``asciiPunctuation``), is notation or — the
    /// first of two words or more — a sense mark. (Anything else is left to the word-by-word
    /// reading.)
    static func hasNotation(_ gloss: String) -> Bool {
        var gloss = gloss
        return gloss.withUTF8 { bytes in
            // Not ASCII: notation only if a letter of it is an ASCII letter (no other
            // character lower-cases to one of theirs).
            if bytes.contains(where: { $0 >= 0x80 }) { return bytes.contains { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 } }
            var wordStart = 0
            var isFirst = true
            var i = 0
            while i <= bytes.count {
                if i < bytes.count && bytes[i] != UInt8(ascii: " ") { i += 1; continue }
                var lo = wordStart, hi = i
                while lo < hi && asciiPunctuation[Int(bytes[lo])] { lo += 1 }
                while hi > lo && asciiPunctuation[Int(bytes[hi - 1])] { hi -= 1 }
                if hi > lo {
                    let word = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
                    if notationBytes.contains(where: { equalIgnoringASCIICase($0, word) }) { return true }
                    if isFirst, senseMarkBytes.contains(where: { equalIgnoringASCIICase($0, word) }),
                       bytes[i...].contains(where: { $0 != UInt8(ascii: " ") }) { return true }
                }
                if i > wordStart { isFirst = false }
                i += 1
                wordStart = i
            }
            return false
        }
    }

    /// The ASCII characters that Unicode counts as punctuation (`!"#%&'()*,-./:;?@[\]_{}`),
    /// by byte.
    static let asciiPunctuation: [Bool] = (0..<128).map { b in
        Array(##"!"#%&'()*,-./:;?@[\]_{}"##.utf8).contains(UInt8(b))
    }
    static let notationBytes: [[UInt8]] = glossNotation.map { Array($0.utf8) }
    static let senseMarkBytes: [[UInt8]] = senseMarks.map { Array($0.utf8) }

    /// Whether `word` is `lower` (lower case ASCII) but for the case of its letters.
    private static func equalIgnoringASCIICase(_ lower: [UInt8], _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        lower.count == word.count && zip(lower, word).allSatisfy { $0 == ($1 >= 65 && $1 <= 90 ? $1 | 0x20 : $1) }
    }

    /// English nouns whose plural a stemmer cannot bring back to them (Porter leaves
    /// `children` and `women` as they are): glosses give the singular, text often the plural.
    static let irregularPlurals: [String: String] = [
        "child": "children", "woman": "women", "man": "men", "person": "people", "foot": "feet",
        "tooth": "teeth", "mouse": "mice", "goose": "geese", "criterion": "criteria",
        "phenomenon": "phenomena", "datum": "data", "medium": "media", "crisis": "crises",
        "thesis": "theses", "hypothesis": "hypotheses", "life": "lives", "wife": "wives",
        "knife": "knives", "leaf": "leaves", "half": "halves", "self": "selves", "shelf": "shelves",
        "wolf": "wolves", "thief": "thieves", "ox": "oxen",
    ]
    static let irregularSingulars: [String: String] = Dictionary(uniqueKeysWithValues: irregularPlurals.map { ($1, $0) })

    /// Glosses and, after each that holds a noun with an irregular plural, the gloss with the plural.
    static func withIrregularPlurals(_ glosses: [String]) -> [String] {
        var out: [String] = []
        for gloss in glosses {
            out.append(gloss)
            let words = gloss.split(separator: " ").map(String.init)
            if words.contains(where: { irregularPlurals[$0.lowercased()] != nil }) {
                out.append(words.map { irregularPlurals[$0.lowercased()] ?? $0 }.joined(separator: " "))
            }
        }
        return out
    }

    /// What a gloss must begin with to stem to `stem`: the stem but for a final `i` or `e`
    /// that Porter's rules may put in (`recoveri` for `recovery`).
    static func glossPrefix(ofStem stem: String) -> [UInt8] {
        var prefix = Array(stem.utf8)
        if prefix.count > 2, prefix.last == UInt8(ascii: "i") || prefix.last == UInt8(ascii: "e") { prefix.removeLast() }
        return prefix
    }

    /// ``chineseWords(glossedAs:)``'s answers so far, by the stems joined with spaces (a stem
    /// holds none): a common word's stem begins thousands of glosses, and working its answer
    /// out again for each query that holds it was most of an English query's translation. At
    /// most `maxKnownSequences` kept (then forgotten, and worked out again as asked).
    private static let knownWords = Mutex<[String: [String]]>([:])
    private static let maxKnownSequences = 50_000

    /// The Chinese words whose glosses stem to `stems` and begin with the first stem (but for a
    /// final `i` or `e` that Porter's rules may put in), best first.
    static func chineseWords(glossedAs stems: [String]) -> [String] {
        let key = stems.joined(separator: " ")
        if let known = knownWords.withLock({ $0[key] }) { return known }
        let words = findChineseWords(glossedAs: stems)
        knownWords.withLock { known in
            if known.count >= maxKnownSequences { known.removeAll() }
            known[key] = words
        }
        return words
    }

    /// ``chineseWords(glossedAs:)`` worked out, not looked up.
    static func findChineseWords(glossedAs stems: [String]) -> [String] {
        let prefix = glossPrefix(ofStem: stems[0])
        var ranked: [(rank: Int, word: String)] = []
        var place: [String: Int] = [:]
        let index = Tables.glosses
        let bytes = index.table.bytes
        // (Only glosses that begin with the stem, as written: `the development` stems as
        // `development` does, but is another sense.)
        for e in Tables.stemmedGlosses.entries(stemmingTo: stems, prefix: prefix) {
            let word = String(decoding: bytes[Int(e.word.lowerBound)..<Int(e.word.upperBound)], as: UTF8.self)
            let rank = Int(e.rank)
            if let k = place[word] {
                ranked[k].rank = min(ranked[k].rank, rank)
            } else {
                place[word] = ranked.count
                ranked.append((rank, word))
            }
        }
        return Array(ranked.sorted { $0.rank != $1.rank ? $0.rank < $1.rank : $0.word < $1.word }.prefix(maxChineseTargets).map(\.word))
    }

    /// The query's runs of CJK characters, folded as the index folds them (Traditional to
    /// Simplified, full-width to half-width).
    static func chineseRuns(_ text: String) -> [String] {
        var runs: [String] = []
        var run: [Character] = []
        var last = -2
        func close() { if !run.isEmpty { runs.append(String(run)) }; run = [] }
        Analyzer().analyze(text) { term, kind, position, _ in
            guard kind == .bigram || kind == .unigram else { close(); last = -2; return }
            let chars = Array(String(decoding: term, as: UTF8.self))
            if kind == .bigram, position == last + 1, !run.isEmpty {
                run.append(chars[chars.count - 1])
            } else {
                close()
                run = chars
            }
            last = position
        }
        close()
        return runs
    }

    /// The stems of ``englishWords(_:session:)`` of UTF-8 text already in ASCII lower case, joined by
    /// spaces onto `key`, without making a string of each (the glosses a query word's stem
    /// begins are stemmed this way, thousands on a process's first English queries).
    static func appendStems(of text: UnsafeBufferPointer<UInt8>, to key: inout [UInt8], session: AnalysisSession) {
        session.analyze(utf8: text) { term, kind, _, range in
            guard kind == .word else { return }
            if !key.isEmpty { key.append(0x20) }
            if let singular = irregularSingulars[String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)] {
                Analyzer().analyze(singular) { t, _, _, _ in key.append(contentsOf: t) }
            } else {
                key.append(contentsOf: term)
            }
        }
    }

    /// The English words of a text, stemmed as the index stems them and as written (in lower
    /// case); stop words dropped.
    static func englishWords(_ text: String, session: AnalysisSession? = nil) -> [(stem: String, surface: String)] {
        var out: [(String, String)] = []
        let utf8 = Array(text.utf8)
        (session ?? AnalysisSession(cachingStems: false)).analyze(text) { term, kind, _, range in
            guard kind == .word else { return }
            let surface = String(decoding: utf8[range], as: UTF8.self).lowercased()
            if let singular = irregularSingulars[surface] {
                var stem = singular
                Analyzer().analyze(singular) { t, _, _, _ in stem = String(decoding: t, as: UTF8.self) }
                out.append((stem, surface))
            } else {
                out.append((String(decoding: term, as: UTF8.self), surface))
            }
        }
        return out
    }

    /// Makes the dictionary's tables ahead of the first translation: the dictionary's lines
    /// found and every group of its glosses read (else the first query to need each pays for
    /// it). For a process that will translate many queries, on a thread of its own.
    package static func prepareTables() {
        Tables.glosses.readAllGroups()
    }

    enum Tables {
        /// The dictionary, its lines found on first use.
        static let words = DictionaryTable(parts: cedictTableParts, length: cedictTableLength)
        /// Its glosses the other way, sorted, a group read on first use.
        static let glosses = GlossIndex(words)
        /// The glosses by their stems, made on first use.
        static let stemmedGlosses = StemmedGlosses(glosses)
    }
}

/// The dictionary's lines (`word<TAB>compounds<TAB>gloss|gloss…`, sorted by word), searched in
/// place.
struct DictionaryTable: Sendable {
    let bytes: [UInt8]
    /// Where each line starts.
    let starts: [Int32]

    /// The table from its parts (runs of whole lines, joined with a line end), as the binary
    /// holds them: copied out once (a millisecond, where inflating a compressed copy took a
    /// dozen), so that the rest reads one array.
    init(parts: [StaticString], length: Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for (n, part) in parts.enumerated() {
            if n > 0 { bytes.append(0x0A) }
            // (A literal of more than one scalar is held as its UTF-8 bytes.)
            if part.hasPointerRepresentation {
                bytes.append(contentsOf: UnsafeBufferPointer(start: part.utf8Start, count: part.utf8CodeUnitCount))
            }
        }
        // A table not as long as generated (it always is) translates nothing.
        if bytes.count != length { bytes = [] }
        var starts: [Int32] = []
        starts.reserveCapacity(bytes.count / 24)
        // (Line ends found by memchr: a loop a byte at a time cost a fifth of the first
        // translation.)
        bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            var lineStart = 0
            while lineStart < bytes.count {
                let end = memchr(base + lineStart, 0x0A, bytes.count - lineStart).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                if end > lineStart { starts.append(Int32(lineStart)) }
                lineStart = end + 1
            }
        }
        self.bytes = bytes
        self.starts = starts
    }

    /// Line `k`: the word's bytes, how many headwords hold it, and where its glosses are.
    func line(_ k: Int) -> (word: Range<Int>, compounds: Int, glosses: Range<Int>) {
        let start = Int(starts[k])
        var i = start
        while bytes[i] != 0x09 { i += 1 }
        let word = start..<i
        i += 1
        var compounds = 0
        while bytes[i] != 0x09 { compounds = compounds * 10 + Int(bytes[i] - 0x30); i += 1 }
        i += 1
        var end = i
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return (word, compounds, i..<end)
    }

    /// The glosses of line `k`'s word.
    func glosses(atLine k: Int) -> [String] {
        bytes[line(k).glosses].split(separator: UInt8(ascii: "|")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `word` is a headword.
    func contains(_ word: String) -> Bool { line(of: word) != nil }

    /// The line of headword `word`: a binary search that compares headwords in place (a
    /// query's translation looks up every word of two to six characters in it, and a lone
    /// character's query every bigram that holds it).
    func line(of word: String) -> Int? {
        var word = word
        return word.withUTF8 { lookUp($0).line }
    }

    /// The line of headword `key` (UTF-8), and whether any headword begins with it.
    func lookUp(_ key: UnsafeBufferPointer<UInt8>) -> (line: Int?, begins: Bool) {
        bytes.withUnsafeBufferPointer { table in
            // Line `k`'s headword against the key: below, equal or above, and whether it
            // begins with the key (the tab that ends a headword sorts below every byte of a word).
            func order(_ k: Int) -> (Int, begins: Bool) {
                var i = Int(starts[k])
                for b in key {
                    // (The tab first: a key holding one must not read on past the headword.)
                    let c = table[i]
                    if c == 0x09 { return (-1, false) }
                    if c != b { return (c < b ? -1 : 1, false) }
                    i += 1
                }
                return (table[i] == 0x09 ? 0 : 1, true)
            }
            var lo = 0, hi = starts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if order(mid).0 < 0 { lo = mid + 1 } else { hi = mid }
            }
            // (The first headword not below the key is the key itself, or else the first that
            // begins with it, if any does.)
            guard lo < starts.count else { return (nil, false) }
            let (o, begins) = order(lo)
            return (o == 0 ? lo : nil, begins)
        }
    }
}

/// The glosses of the dictionary's words of two to four characters (of at most three words
/// each), sorted without regard to case, each with its word and rank: the gloss's place among
/// the word's glosses first, then words of two characters before longer ones, then the word
/// that more headwords hold (a common word makes many compounds: 资产 in 固定资产 …).
///
/// Grouped by the gloss's first byte (in lower case), a group read when a query first asks
/// for it from the order the table's generator stored beside it (`CEDICT+GlossOrder.swift`:
/// where each gloss starts in the table), and checked as it is read: each a gloss of a word
/// of two to four characters, of at most three words, each pair in order, the entries on
/// either side of the group of a lower and a higher byte. A group that fails its check (a
/// stored order not of this table) is not used: the whole index is then enumerated and
/// sorted here. (That the order holds every entry is not checked here, which would take the
/// enumeration it saves: it is written with the table, and the tests compare it whole.)
/// Sorting the entries was most of an English query's first search; sorting the group a
/// query needs, 15 ms of a one-shot search.
final class GlossIndex: Sendable {
    struct Entry: Sendable, Equatable {
        /// The gloss's first eight bytes in lower case, big-endian (most comparisons end there).
        var head: UInt64
        var gloss: Range<Int32>
        var word: Range<Int32>
        var rank: Int32
    }
    let table: DictionaryTable
    /// The stored order's digits (four a gloss, `perLine` to a line), and where each group
    /// starts in it (257 bounds); nil when the order is not of the expected shape.
    private let order: (digits: [UInt8], groupStarts: [Int32], perLine: Int)?
    /// The groups read so far, and whether one failed its check.
    private let groups: Mutex<(read: [[Entry]?], failed: Bool)>
    /// The whole index, enumerated and sorted here (when the stored order is not used).
    private let sortedHere: Mutex<[Entry]?>

    /// The index of `table`'s glosses, read from `order` as `CEDICT+GlossOrder.swift` writes
    /// it (the digits, the group bounds, how many a line); `nil`: sorted here.
    init(_ table: DictionaryTable,
         order: (digits: [UInt8], groupStarts: [Int32], perLine: Int)? = (GlossIndex.storedDigits, cedictGlossGroupStarts, cedictGlossesPerLine)) {
        self.table = table
        if let order, order.perLine > 0, order.groupStarts.count == 257, order.groupStarts[0] == 0,
           zip(order.groupStarts, order.groupStarts.dropFirst()).allSatisfy({ $0 <= $1 }) {
            let count = Int(order.groupStarts[256])
            // (A line end between lines: none after the last.)
            let lines = (count + order.perLine - 1) / order.perLine
            self.order = order.digits.count == count * 4 + max(0, lines - 1) ? order : nil
        } else {
            self.order = nil
        }
        groups = Mutex(([[Entry]?](repeating: nil, count: 256), false))
        sortedHere = Mutex(nil)
    }

    /// The stored order's digits as the binary holds them.
    static var storedDigits: [UInt8] {
        cedictGlossOrder.hasPointerRepresentation
            ? Array(UnsafeBufferPointer(start: cedictGlossOrder.utf8Start, count: cedictGlossOrder.utf8CodeUnitCount))
            : []
    }

    /// Whether every group read so far came from the stored order (for tests).
    var tookStoredOrder: Bool { order != nil && !groups.withLock { $0.failed } }

    /// Every entry, sorted (for tests).
    var allEntries: [Entry] { (0...255).flatMap { group(UInt8($0)) } }

    /// The entries whose gloss begins with byte `first` (in lower case), sorted.
    func group(_ first: UInt8) -> ArraySlice<Entry> {
        let k = Int(first)
        if let order, !groups.withLock({ $0.failed }) {
            if let read = groups.withLock({ $0.read[k] }) { return read[...] }
            // Read outside the lock (searches that need other groups go on); the first copy
            // read is kept.
            if let read = Self.read(group: k, order, table.bytes) {
                return groups.withLock { g in
                    if g.read[k] == nil { g.read[k] = read }
                    return g.read[k]![...]
                }
            }
            groups.withLock { $0.failed = true }
        }
        let all = sortedHere.withLock { all in
            if all == nil {
                var entries: [Entry] = []
                table.bytes.withUnsafeBufferPointer { bytes in
                    Self.enumerate(bytes, into: &entries)
                    entries.sort { Self.precedes($0, $1, bytes) }
                }
                all = entries
            }
            return all!
        }
        // (The first entry whose first byte is at least `byte`: a binary search.)
        func bound(_ byte: Int) -> Int {
            var lo = 0, hi = all.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if all[mid].head >> 56 < UInt64(byte) { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return all[bound(k)..<bound(k + 1)]
    }

    /// Reads every group (as ``group(_:)`` would when first asked for each).
    func readAllGroups() {
        for first in 0...UInt8.max { _ = group(first) }
    }

    /// Group `k` as the stored order gives it, if each gloss in it is one of an entry whose
    /// gloss begins with byte `k`, each pair is in order, and the entries on either side of
    /// it begin with a lower and a higher byte; else nil.
    static func read(group k: Int, _ order: (digits: [UInt8], groupStarts: [Int32], perLine: Int), _ bytes: [UInt8]) -> [Entry]? {
        let lo = Int(order.groupStarts[k]), hi = Int(order.groupStarts[k + 1])
        let count = Int(order.groupStarts[256])
        var out: [Entry] = []
        out.reserveCapacity(hi - lo)
        return bytes.withUnsafeBufferPointer { b -> [Entry]? in
            order.digits.withUnsafeBufferPointer { digits -> [Entry]? in
                func entry(_ i: Int) -> Entry? {
                    let at = i / order.perLine * (order.perLine * 4 + 1) + i % order.perLine * 4
                    var start = 0
                    for j in at..<(at + 4) {
                        let c = digits[j]
                        guard c >= 0x30, c < 0x70 else { return nil }
                        start = start << 6 | Int(c - 0x30)
                    }
                    return Self.entry(at: start, b)
                }
                // The group's bounds: the entry before it of a lower first byte, the one after
                // of a higher.
                if lo > 0 { guard let e = entry(lo - 1), e.head >> 56 < UInt64(k) else { return nil } }
                if hi < count { guard let e = entry(hi), e.head >> 56 > UInt64(k) else { return nil } }
                for i in lo..<hi {
                    guard let e = entry(i), e.head >> 56 == UInt64(k) else { return nil }
                    if let last = out.last, !precedes(last, e, b) { return nil }
                    out.append(e)
                }
                return out
            }
        }
    }

    /// The entry of the gloss that starts at byte `start` of the table `b`, if a gloss starts
    /// there and is one the index holds (of a word of two to four characters, of at most
    /// three words).
    static func entry(at start: Int, _ b: UnsafeBufferPointer<UInt8>) -> Entry? {
        guard start > 0, start <= b.count else { return nil }
        var lineStart = start
        while lineStart > 0, b[lineStart - 1] != 0x0A { lineStart -= 1 }
        // The word, how many headwords hold it, then its glosses.
        var i = lineStart, characters = 0
        while i < start, b[i] != 0x09 {
            if b[i] & 0xC0 != 0x80 { characters += 1 }
            i += 1
        }
        guard i < start, (2...4).contains(characters) else { return nil }
        let word = Int32(lineStart)..<Int32(i)
        i += 1
        var compounds = 0
        while i < start, b[i] != 0x09 {
            guard b[i] >= 0x30, b[i] <= 0x39, compounds < 1_000_000 else { return nil }
            compounds = compounds * 10 + Int(b[i] - 0x30)
            i += 1
        }
        guard i < start else { return nil }
        let glosses = i + 1
        // At the glosses' start or after a `|`; its place among them.
        guard start == glosses || b[start - 1] == UInt8(ascii: "|") else { return nil }
        var position = 0
        for j in glosses..<start where b[j] == UInt8(ascii: "|") { position += 1 }
        var end = start, spaces = 0
        while end < b.count, b[end] != UInt8(ascii: "|"), b[end] != 0x0A {
            if b[end] == 0x20 { spaces += 1 }
            end += 1
        }
        guard spaces < 3 else { return nil }
        var head: UInt64 = 0
        for j in 0..<8 { head = head << 8 | UInt64(start + j < end ? lower(b[start + j]) : 0) }
        let rank = (position * 4 + (characters == 2 ? 0 : 1)) * 10000 + max(0, 9999 - compounds)
        return Entry(head: head, gloss: Int32(start)..<Int32(end), word: word, rank: Int32(rank))
    }

    /// Appends the entries of the table `b` in its order, line by line, gloss by gloss, in one
    /// pass over its bytes: the glosses of words of two to four characters, of at most three
    /// words (three spaces).
    static func enumerate(_ b: UnsafeBufferPointer<UInt8>, into entries: inout [Entry]) {
        let n = b.count
        var i = 0
        while i < n {
            // The word, and how many characters it has.
            let wordStart = i
            var characters = 0
            while i < n, b[i] != 0x09, b[i] != 0x0A {
                if b[i] & 0xC0 != 0x80 { characters += 1 }
                i += 1
            }
            let word = Int32(wordStart)..<Int32(i)
            // How many headwords hold it.
            var compounds = 0
            if i < n, b[i] == 0x09 { i += 1 }
            while i < n, b[i] != 0x09, b[i] != 0x0A {
                compounds = compounds * 10 + Int(b[i] &- 0x30)
                i += 1
            }
            if i < n, b[i] == 0x09 { i += 1 }
            guard (2...4).contains(characters) else {
                while i < n, b[i] != 0x0A { i += 1 }
                i += 1
                continue
            }
            // Its glosses, separated by `|`, to the line's end.
            var position = 0, start = i, spaces = 0
            while true {
                let atEnd = i >= n || b[i] == 0x0A
                if !atEnd, b[i] != UInt8(ascii: "|") {
                    if b[i] == 0x20 { spaces += 1 }
                    i += 1
                    continue
                }
                if spaces < 3 {
                    var head: UInt64 = 0
                    for j in 0..<8 { head = head << 8 | UInt64(start + j < i ? Self.lower(b[start + j]) : 0) }
                    let rank = (position * 4 + (characters == 2 ? 0 : 1)) * 10000 + max(0, 9999 - compounds)
                    entries.append(Entry(head: head, gloss: Int32(start)..<Int32(i), word: word, rank: Int32(rank)))
                }
                position += 1
                i += 1
                start = i
                spaces = 0
                if atEnd { break }
            }
        }
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Whether entry `a` goes before `b`: by gloss in lower case (a gloss before the longer
    /// ones it begins), then by rank, then in dictionary order.
    static func precedes(_ a: Entry, _ b: Entry, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.head != b.head { return a.head < b.head }
        var i = Int(a.gloss.lowerBound), j = Int(b.gloss.lowerBound)
        let aEnd = Int(a.gloss.upperBound), bEnd = Int(b.gloss.upperBound)
        while i < aEnd && j < bEnd {
            let x = lower(bytes[i]), y = lower(bytes[j])
            if x != y { return x < y }
            i += 1
            j += 1
        }
        if i < aEnd || j < bEnd { return i == aEnd }
        return a.rank != b.rank ? a.rank < b.rank : a.gloss.lowerBound < b.gloss.lowerBound
    }

    /// The entries whose gloss starts with `prefix` (in lower case), sorted; none for an empty
    /// prefix (an English word's stem is never empty).
    func entries(withPrefix prefix: [UInt8]) -> ArraySlice<Entry> {
        guard let first = prefix.first else { return [] }
        let entries = group(first)
        let bytes = table.bytes
        // Compares an entry's gloss with the prefix: <0, 0 (it starts with it), >0.
        func compare(_ e: Entry) -> Int {
            var i = Int(e.gloss.lowerBound)
            for b in prefix {
                guard i < Int(e.gloss.upperBound) else { return -1 }
                let c = Self.lower(bytes[i])
                if c != b { return c < b ? -1 : 1 }
                i += 1
            }
            return 0
        }
        var lo = entries.startIndex, hi = entries.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if compare(entries[mid]) < 0 { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        hi = entries.endIndex
        while end < hi {
            let mid = (end + hi) / 2
            if compare(entries[mid]) <= 0 { end = mid + 1 } else { hi = mid }
        }
        return entries[lo..<end]
    }
}

/// The gloss index's entries by the stems of their glosses (`human right` for `human rights`).
/// A gloss is stemmed on first need, when a query word's stem begins it, and its stems are
/// kept: each gloss that begins with a query word's stem is stemmed once per process, and no
/// query stems the whole dictionary. (Stemming all of them at once, on another core while `batch`
/// runs its first queries, was measured: no faster; docs/performance.md.)
final class StemmedGlosses: Sendable {
    /// The stems of each gloss stemmed so far (joined by spaces), by where it starts in the table.
    private let stemmed = Mutex<[Int32: String]>([:])
    let index: GlossIndex

    init(_ index: GlossIndex) { self.index = index }

    /// How many glosses have been stemmed (for tests).
    var stemmedCount: Int { stemmed.withLock { $0.count } }

    /// The entries whose glosses begin with `prefix` (lower case) and stem to `stems`, in
    /// gloss order.
    func entries(stemmingTo stems: [String], prefix: [UInt8]) -> [GlossIndex.Entry] {
        let candidates = index.entries(withPrefix: prefix)
        guard !candidates.isEmpty else { return [] }
        let wanted = stems.joined(separator: " ")
        return zip(keys(of: candidates), candidates).compactMap { $0 == wanted ? $1 : nil }
    }

    /// The stems of each entry's gloss (in gloss order, as the index sorts them).
    private func keys(of entries: ArraySlice<GlossIndex.Entry>) -> [String] {
        var keys = stemmed.withLock { known in entries.map { known[$0.gloss.lowerBound] } }
        if keys.contains(nil) {
            // Stemmed outside the lock (other searches go on); what two searches both stemmed is
            // the same.
            let bytes = index.table.bytes
            let session = AnalysisSession(cachingStems: false)
            var made: [(Int32, String)] = []
            var previous: (gloss: Range<Int>, key: String)? = nil
            var lowered: [UInt8] = []
            var key: [UInt8] = []
            for (k, e) in zip(keys.indices, entries) {
                let gloss = Int(e.gloss.lowerBound)..<Int(e.gloss.upperBound)
                if let known = keys[k] {
                    previous = (gloss, known)
                    continue
                }
                // (The entries of one gloss come together.)
                if let previous, bytes[previous.gloss].elementsEqual(bytes[gloss], by: { GlossIndex.lower($0) == GlossIndex.lower($1) }) {
                    keys[k] = previous.key
                } else {
                    lowered.removeAll(keepingCapacity: true)
                    lowered.append(contentsOf: bytes[gloss].lazy.map(GlossIndex.lower))
                    key.removeAll(keepingCapacity: true)
                    lowered.withUnsafeBufferPointer { QueryTranslator.appendStems(of: $0, to: &key, session: session) }
                    keys[k] = String(decoding: key, as: UTF8.self)
                }
                previous = (gloss, keys[k]!)
                made.append((e.gloss.lowerBound, keys[k]!))
            }
            stemmed.withLock { known in for (at, key) in made { known[at] = key } }
        }
        return keys.map { $0! }
    }
}
