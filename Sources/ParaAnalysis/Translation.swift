import ParaCore

/// One word of a query and what it translates to, for a query in one language to find text in
/// the other.
public struct Translation: Sendable, Hashable, Codable {
    /// The query's word as the dictionary knows it: a Chinese word (`资产`) or English words
    /// (`human rights`, stemmed: `human right`).
    public var source: String
    /// Its translations, most usual first: English glosses, or Chinese words.
    public var targets: [String]

    public init(source: String, targets: [String]) {
        self.source = source
        self.targets = targets
    }
}

/// Query translation with a general Chinese–English dictionary (CC-CEDICT, made into
/// `CEDICT+Table.swift` by `scripts/gen-cedict-table.py`).
///
/// - Chinese → English: the dictionary words in each run of Chinese characters translate to
///   their first three glosses (``chineseToEnglish(_:)``).
/// - English → Chinese: the query's words, stemmed, are matched against the dictionary's
///   glosses, stemmed, longest first (three words, then two, then one); a gloss matches the
///   Chinese words it glosses, ranked by the table (the words that give it as their first
///   gloss first), at most three.
///
/// The tables are searched in place; only their line offsets are built, on first use.
public enum QueryTranslator {
    /// How many Chinese words an English gloss may stand for.
    static let maxChineseTargets = 3
    /// How many of a Chinese word's glosses are used (the dictionary gives the usual senses
    /// first; measured: three 0.419 nDCG@10 on the SDG run, two 0.418, four 0.411, six 0.412).
    static let maxEnglishGlosses = 3

    /// Translations of a query's Chinese words into English glosses: every dictionary word of
    /// two to six characters in each run of Chinese characters, overlapping ones included
    /// (`地理位置` gives `地理`, `地理位置` and `位置`), each to its first glosses; a run of one
    /// character is translated as it is, to all its glosses. Single characters inside longer
    /// runs are mostly particles and are left out.
    public static func chineseToEnglish(_ query: String) -> [Translation] {
        var out: [Translation] = []
        func add(_ word: String, glosses count: Int = maxEnglishGlosses) {
            if let glosses = Tables.words.value(word), !out.contains(where: { $0.source == word }) {
                out.append(Translation(source: word, targets: withIrregularPlurals(glosses.split(separator: "|").prefix(count).map(String.init))))
            }
        }
        for run in chineseRuns(query) {
            let chars = Array(run)
            // A character alone is the most ambiguous query there is: all its senses.
            if chars.count == 1 { add(run, glosses: .max); continue }
            for i in chars.indices {
                for length in 2...6 where i + length <= chars.count { add(String(chars[i..<(i + length)])) }
            }
        }
        return out
    }

    /// Translations of a query's English words into Chinese words.
    public static func englishToChinese(_ query: String) -> [Translation] {
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

    /// The Chinese words whose glosses stem to `stems`, best first. The gloss table is keyed by
    /// the glosses as written; a stem is (but for a final `i` or `e` that Porter's rules may
    /// put in) a beginning of the words it stems, so the glosses that begin with it are
    /// stemmed and compared.
    static func chineseWords(glossedAs stems: [String]) -> [String] {
        var prefix = Array(stems[0].utf8)
        if prefix.count > 2, prefix.last == UInt8(ascii: "i") || prefix.last == UInt8(ascii: "e") { prefix.removeLast() }
        var ranked: [(rank: Int, word: String)] = []
        Tables.glosses.forEach(withPrefix: prefix) { key, value in
            guard englishWords(key).map(\.stem) == stems else { return }
            for item in value.split(separator: "|") {
                guard let comma = item.lastIndex(of: ","), let rank = Int(item[item.index(after: comma)...]) else { continue }
                let word = String(item[..<comma])
                if let k = ranked.firstIndex(where: { $0.word == word }) {
                    ranked[k].rank = min(ranked[k].rank, rank)
                } else {
                    ranked.append((rank, word))
                }
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

    /// The English words of a text, stemmed as the index stems them and as written (in lower
    /// case); stop words dropped.
    static func englishWords(_ text: String) -> [(stem: String, surface: String)] {
        var out: [(String, String)] = []
        let utf8 = Array(text.utf8)
        Analyzer().analyze(text) { term, kind, _, range in
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

    enum Tables {
        static let words = SortedLines(cedictTable)
        static let glosses = SortedLines(cedictGlosses)
    }
}

/// A table of lines `key<TAB>value` sorted by key (UTF-8 byte order), searched in place: only
/// the offsets of its lines are built, on first use.
struct SortedLines: Sendable {
    private let text: String
    private let starts: [Int32]

    init(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        var starts: [Int32] = []
        text.utf8.withContiguousStorageIfAvailable { bytes in
            starts.reserveCapacity(bytes.count / 16)
            var lineStart = 0
            for i in bytes.indices where bytes[i] == 0x0A {
                if i > lineStart { starts.append(Int32(lineStart)) }
                lineStart = i + 1
            }
            if lineStart < bytes.count { starts.append(Int32(lineStart)) }
        }
        self.text = text
        self.starts = starts
    }

    /// The value of `key`, if the table has it.
    func value(_ key: String) -> Substring? {
        var found: Substring? = nil
        forEach(withPrefix: Array(key.utf8), exact: true) { _, value in found = value }
        return found
    }

    /// Calls `body` with each key that starts with `prefix` (or equals it, when `exact`), and
    /// its value, in key order.
    func forEach(withPrefix prefix: [UInt8], exact: Bool = false, _ body: (String, Substring) -> Void) {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            // Compares a line's key with the prefix: <0, 0 (the key starts with it), >0.
            func compare(_ line: Int) -> Int {
                var i = Int(starts[line])
                for b in prefix {
                    guard i < bytes.count, bytes[i] != 0x09 else { return -1 }
                    if bytes[i] != b { return bytes[i] < b ? -1 : 1 }
                    i += 1
                }
                return 0
            }
            var lo = 0, hi = starts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if compare(mid) < 0 { lo = mid + 1 } else { hi = mid }
            }
            var line = lo
            while line < starts.count, compare(line) == 0 {
                let start = Int(starts[line])
                var tab = start
                while tab < bytes.count, bytes[tab] != 0x09, bytes[tab] != 0x0A { tab += 1 }
                var end = tab
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if !exact || tab - start == prefix.count {
                    let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<tab]), as: UTF8.self)
                    let value = tab < end ? String(decoding: UnsafeBufferPointer(rebasing: bytes[(tab + 1)..<end]), as: UTF8.self) : ""
                    body(key, Substring(value))
                }
                line += 1
            }
        }
    }
}
