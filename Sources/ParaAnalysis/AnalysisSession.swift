#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable tokenizer state for one thread: buffers and a cache of stems.
///
/// Not thread-safe: give each thread its own session. The analysis itself is the pure
/// function described on ``Analyzer``; the session only saves allocations and repeated
/// stemming (English text is Zipfian, so most words hit the cache).
package final class AnalysisSession {
    private let word: UnsafeMutablePointer<UInt8>      // current word, folded (+1 byte for the stemmer)
    private let stemmed: UnsafeMutablePointer<UInt8>   // scratch for stemming / bigrams
    private let cache: StemCache
    private let stopWords = StopWordTable.shared
    private let tables = CharacterFolding.tables

    static let wordCapacity = Analyzer.maxWordBytes + 8

    /// - Parameter cachingStems: keep a 768 KB cache of stems; worth it for more than a few
    ///   kilobytes of English text, wasted on a single query.
    package init(cachingStems: Bool = true) {
        word = .allocate(capacity: Self.wordCapacity)
        stemmed = .allocate(capacity: Self.wordCapacity)
        cache = StemCache(slots: cachingStems ? StemCache.defaultSlots : 0)
    }

    deinit {
        word.deallocate()
        stemmed.deallocate()
        cache.deallocate()
    }

    /// Analyses `text`; see ``Analyzer/analyze(_:_:)``.
    package func analyze(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void) {
        var copy = text
        copy.withUTF8 { analyze(utf8: $0, body) }
    }

    /// Analyses UTF-8 bytes; see ``Analyzer``.
    package func analyze(utf8 input: UnsafeBufferPointer<UInt8>,
                        _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void) {
        guard let base = input.baseAddress else { return }
        let n = input.count
        var position = 0
        var i = 0
        // CJK run: the previous character (folded) and its byte range; run length.
        var prevScalar: UInt32 = 0
        var prevStart = 0, prevEnd = 0
        var cjkRun = 0

        while i < n {
            let b0 = base[i]
            if b0 < 0x80 {
                if isASCIIAlnum(b0) {
                    if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
                    i = wordRun(base, n, from: i, position: &position, body)
                } else {
                    if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
                    i += 1
                }
                continue
            }
            let (scalar, length) = decodeScalar(input, at: i)
            if length == 0 {
                if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
                i += 1
                continue
            }
            let (folded, cls) = CharacterFolding.classify(scalar, tables)
            switch cls {
            case .cjk:
                if cjkRun > 0 {
                    var len = encodeUTF8(prevScalar, into: stemmed)
                    len += encodeUTF8(folded, into: stemmed + len)
                    body(UnsafeBufferPointer(start: stemmed, count: len), .bigram, position, prevStart..<(i + length))
                    position += 1
                }
                prevScalar = folded
                prevStart = i
                prevEnd = i + length
                cjkRun += 1
                i += length
            case .word:
                if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
                i = wordRun(base, n, from: i, position: &position, body)
            case .separator:
                if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
                i += length
            }
        }
        if cjkRun > 0 { position = endCJK(cjkRun, prevScalar, prevStart, prevEnd, position, body); cjkRun = 0 }
    }

    /// Ends a CJK run: a run of one character is emitted as a unigram. Returns the next position.
    /// (A method, not a closure over the loop's variables: captured variables would be boxed
    /// and every access checked for exclusivity at run time.)
    @inline(__always)
    private func endCJK(_ run: Int, _ scalar: UInt32, _ start: Int, _ end: Int, _ position: Int,
                        _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void) -> Int {
        // A run of two or more characters ends with a position gap, so that its last character
        // (the end of its last bigram) and the first character of a following run never fall
        // on the same slot: phrases do not match across punctuation, and a lone character's
        // occurrences can be counted from positions alone.
        guard run == 1 else { return position + 1 }
        let len = encodeUTF8(scalar, into: stemmed)
        body(UnsafeBufferPointer(start: stemmed, count: len), .unigram, position, start..<end)
        return position + 1
    }

    /// Consumes one run of letters and digits starting at `start`; emits its word.
    @inline(__always)
    private func wordRun(_ base: UnsafePointer<UInt8>, _ n: Int, from start: Int, position: inout Int,
                         _ body: (UnsafeBufferPointer<UInt8>, TermKind, Int, Range<Int>) -> Void) -> Int {
        var i = start
        var len = 0
        var allLetters = true
        var ascii = true
        var hash: UInt32 = 2166136261   // FNV-1a of the folded bytes, for the stem cache
        let cap = Analyzer.maxWordBytes + 1
        while i < n {
            let c = base[i]
            if c < 0x80 {
                guard isASCIIAlnum(c) else { break }
                if len < cap {
                    let folded = c <= 0x39 ? c : c | 0x20
                    if c <= 0x39 { allLetters = false }
                    word[len] = folded
                    hash = (hash ^ UInt32(folded)) &* 16777619
                }
                len += 1
                i += 1
                continue
            }
            let (scalar, length) = decodeScalar(UnsafeBufferPointer(start: base, count: n), at: i)
            if length == 0 { break }
            let (folded, cls) = CharacterFolding.classify(scalar, tables)
            guard cls == .word else { break }
            if folded < 0x80 {
                // Full-width ASCII folds to ASCII and is then treated exactly like it.
                if len < cap {
                    word[len] = UInt8(folded)
                    hash = (hash ^ folded) &* 16777619
                }
                if folded <= 0x39 { allLetters = false }
                len += 1
            } else {
                ascii = false
                if len + 4 <= cap { len += encodeUTF8(folded, into: word + len) } else { len = cap + 1 }
            }
            i += length
        }
        defer { position += 1 }
        if len > Analyzer.maxWordBytes { return i }
        var term = UnsafeBufferPointer(start: UnsafePointer(word), count: len)
        if ascii && stopWords.contains(word, len) {
            // Indexed (so that phrases are exact) but marked: the query planner does not rank by them.
            body(term, .stopWord, position, start..<i)
            return i
        }
        if ascii && allLetters && len > 2 {
            term = cache.stem(word, len, hash: hash)
        }
        body(term, .word, position, start..<i)
        return i
    }
}

@inline(__always)
func isASCIIAlnum(_ c: UInt8) -> Bool {
    (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26
}

/// Writes `v` as UTF-8 at `p`; returns the byte count.
@inline(__always)
func encodeUTF8(_ v: UInt32, into p: UnsafeMutablePointer<UInt8>) -> Int {
    switch v {
    case 0..<0x80:
        p[0] = UInt8(v); return 1
    case 0x80..<0x800:
        p[0] = UInt8(0xC0 | v >> 6); p[1] = UInt8(0x80 | v & 0x3F); return 2
    case 0x800..<0x10000:
        p[0] = UInt8(0xE0 | v >> 12); p[1] = UInt8(0x80 | v >> 6 & 0x3F); p[2] = UInt8(0x80 | v & 0x3F); return 3
    default:
        p[0] = UInt8(0xF0 | v >> 18); p[1] = UInt8(0x80 | v >> 12 & 0x3F)
        p[2] = UInt8(0x80 | v >> 6 & 0x3F); p[3] = UInt8(0x80 | v & 0x3F); return 4
    }
}

/// Stop words are at most eight letters (the longest has five): packed into a UInt64 and
/// looked up in a small open-addressing table (a `Set` would hash with SipHash on every word).
struct StopWordTable: @unchecked Sendable {
    /// The longest word the table can hold.
    static let maxLength = 8
    /// 128 slots, allocated once for the life of the process, read-only after set-up.
    let slots: UnsafePointer<UInt64>

    static let shared: StopWordTable = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 128)
        table.initialize(repeating: 0, count: 128)
        for w in Analyzer.stopWords {
            precondition(w.utf8.count <= maxLength, "stop word '\(w)' longer than the table holds")
            let key = w.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var slot = slot(key)
            while table[slot] != 0 { slot = (slot + 1) & 127 }
            table[slot] = key
        }
        return StopWordTable(slots: UnsafePointer(table))
    }()

    @inline(__always)
    private static func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 57)
    }

    /// Whether the `len` bytes at `w` are a stop word (any word longer than ``maxLength`` is not).
    @inline(__always)
    func contains(_ w: UnsafeMutablePointer<UInt8>, _ len: Int) -> Bool {
        guard len <= Self.maxLength else { return false }
        var key: UInt64 = 0
        for x in 0..<len { key = key << 8 | UInt64(w[x]) }
        var slot = Self.slot(key)
        while true {
            let v = slots[slot]
            if v == key { return true }
            if v == 0 { return false }
            slot = (slot + 1) & 127
        }
    }
}

/// A direct-mapped cache of Porter stems for words of up to 23 bytes.
///
/// Slot layout (48 bytes): key length, key (23 bytes), stem length, stem (23 bytes).
struct StemCache {
    static let defaultSlots = 16384
    static let slotBytes = 48
    static let maxKey = 23
    private let slots: Int          // a power of two, or 0 for no cache
    private let table: UnsafeMutablePointer<UInt8>
    private let work: UnsafeMutablePointer<UInt8>

    init(slots: Int) {
        self.slots = slots
        table = .allocate(capacity: max(1, slots * Self.slotBytes))
        table.initialize(repeating: 0, count: max(1, slots * Self.slotBytes))
        work = .allocate(capacity: AnalysisSession.wordCapacity + 1)
    }

    func deallocate() {
        table.deallocate()
        work.deallocate()
    }

    /// The stem of the `len` bytes at `w`, valid until the next call.
    @inline(__always)
    func stem(_ w: UnsafeMutablePointer<UInt8>, _ len: Int, hash h: UInt32) -> UnsafeBufferPointer<UInt8> {
        guard len <= Self.maxKey, slots > 0 else {
            var s = PorterStemmer(buffer: w)
            return UnsafeBufferPointer(start: w, count: s.stem(count: len))
        }
        let slot = table + Int(h & UInt32(slots - 1)) * Self.slotBytes
        if Int(slot[0]) == len && memcmp(slot + 1, w, len) == 0 {
            return UnsafeBufferPointer(start: slot + 25, count: Int(slot[24]))
        }
        work.update(from: w, count: len)
        var s = PorterStemmer(buffer: work)
        let m = s.stem(count: len)
        slot[0] = UInt8(len)
        (slot + 1).update(from: w, count: len)
        slot[24] = UInt8(m)
        (slot + 25).update(from: work, count: m)
        return UnsafeBufferPointer(start: slot + 25, count: m)
    }
}
