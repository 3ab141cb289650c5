/// Character classes and one-to-one folds used by ``Analyzer``.
///
/// Every fold maps one Unicode scalar to one scalar, so byte ranges computed on the original
/// text stay valid: full-width ASCII → ASCII, upper → lower case, Traditional → Simplified Han
/// (OpenCC `TSCharacters`). DESIGN.md measured Foundation NFKC and ICU transforms at 6–57 MB/s;
/// a table lookup keeps the tokenizer byte-level.
enum CharacterClass: UInt8 {
    case separator
    case word
    case cjk
}

enum CharacterFolding {
    /// Dense table for the BMP Han blocks (U+3400–U+9FFF); 0 means "unchanged".
    static let denseBase: UInt32 = 0x3400
    static let denseEnd: UInt32 = 0xA000

    struct Tables: @unchecked Sendable {
        /// Allocated once for the life of the process and never written after set-up.
        let dense: UnsafePointer<UInt32>
        /// Pairs (from, to) outside the dense range, sorted by `from`.
        let sparse: UnsafePointer<UInt32>
        let sparseCount: Int
    }

    static let tables: Tables = {
        var dense = [UInt32](repeating: 0, count: Int(denseEnd - denseBase))
        var sparse: [UInt32: UInt32] = [:]
        var pending: UInt32? = nil
        for scalar in tsCharacterPairs.unicodeScalars {
            if let from = pending {
                if from >= denseBase && from < denseEnd {
                    dense[Int(from - denseBase)] = scalar.value
                } else {
                    sparse[from] = scalar.value
                }
                pending = nil
            } else {
                pending = scalar.value
            }
        }
        // Plain pointers: the tables live for the whole process and the hot loop must not
        // retain or release anything.
        let storage = UnsafeMutablePointer<UInt32>.allocate(capacity: dense.count)
        storage.initialize(from: dense, count: dense.count)
        let pairs = sparse.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        let sparseStorage = UnsafeMutablePointer<UInt32>.allocate(capacity: max(pairs.count, 1))
        sparseStorage.initialize(from: pairs, count: pairs.count)
        return Tables(dense: UnsafePointer(storage), sparse: UnsafePointer(sparseStorage), sparseCount: pairs.count / 2)
    }()

    /// Traditional → Simplified for one Han scalar (identity when the table has no entry).
    @inline(__always)
    static func simplified(_ v: UInt32, _ t: Tables) -> UInt32 {
        if v >= denseBase && v < denseEnd {
            let s = t.dense[Int(v - denseBase)]
            return s == 0 ? v : s
        }
        if v >= 0xF900 {
            var lo = 0, hi = t.sparseCount
            while lo < hi {
                let mid = (lo + hi) / 2
                let key = t.sparse[2 * mid]
                if key == v { return t.sparse[2 * mid + 1] }
                if key < v { lo = mid + 1 } else { hi = mid }
            }
        }
        return v
    }

    @inline(__always)
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x3005, 0x3007: return true                // 々 〇
        case 0x3040...0x30FF, 0x31F0...0x31FF: return true  // kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF: return true  // Han, Ext. A
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: return true  // hangul
        case 0xF900...0xFAFF: return true                // compatibility ideographs
        case 0x20000...0x323AF: return true              // Ext. B–H
        default: return false
        }
    }

    /// Folds a non-ASCII scalar and classifies it. Full-width ASCII is folded first, so
    /// `ＬＩＴＭＡＳ２０１７` becomes the word `litmas2017`.
    @inline(__always)
    static func classify(_ v: UInt32, _ t: Tables) -> (UInt32, CharacterClass) {
        if v >= 0xFF01 && v <= 0xFF5E {
            let a = v - 0xFEE0
            return asciiClass(a)
        }
        if isCJK(v) { return (simplified(v, t), .cjk) }
        switch v {
        case 0x2000...0x206F, 0x3000...0x303F, 0xFE30...0xFE4F, 0xFF00...0xFF65:
            // General and CJK punctuation, full-width punctuation: the common separators in
            // Chinese text, answered without a Unicode property look-up.
            return (v, .separator)
        default: break
        }
        return classifyByProperties(v)
    }

    /// Other scripts: letters and digits by their Unicode properties. Kept out of line so the
    /// common path above stays small enough to inline.
    @inline(never)
    static func classifyByProperties(_ v: UInt32) -> (UInt32, CharacterClass) {
        guard let scalar = Unicode.Scalar(v) else { return (v, .separator) }
        let p = scalar.properties
        if p.isAlphabetic || p.numericType != nil {
            if p.changesWhenLowercased, let lower = p.lowercaseMapping.unicodeScalars.first,
               p.lowercaseMapping.unicodeScalars.count == 1 {
                return (lower.value, .word)
            }
            return (v, .word)
        }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return (v, .word)
        default: return (v, .separator)
        }
    }

    @inline(__always)
    static func asciiClass(_ a: UInt32) -> (UInt32, CharacterClass) {
        switch a {
        case 0x41...0x5A: return (a | 0x20, .word)
        case 0x61...0x7A, 0x30...0x39: return (a, .word)
        default: return (a, .separator)
        }
    }
}
