import ParaCore

/// How Chinese laws, regulations and policy documents number their parts, as written at the
/// start of a block: `第十二条` (an article), `第一编` / `第二分编` / `第三章` / `第四节`
/// (divisions, which are headings), `一、` and `（一）` items, and decimal clauses `1.2.1`.
/// A citation quotes the label as written (`第十二条`, `（三）`, `5.2.3`; an `一、` item as `一`).
struct ChineseLabel: Equatable {
    enum Kind: Equatable {
        /// `第N条` (also `第N条之一`): the unit a law is cited by.
        case article
        /// `第N编` 1, `第N分编` 2, `第N章` 3, `第N节` 4: headings.
        case division(level: Int)
        /// `一、`
        case item
        /// `（一）` or `(一)`
        case parenthesizedItem
        /// `1.2`, `1.2.1` or `16.a`: the depth is the count of parts.
        case clause(depth: Int)
    }

    var kind: Kind
    /// The label as cited: `第十二条`, `一`, `（三）`, `5.2.3`.
    var label: String
    /// The text after the label and its spaces.
    var rest: String

    static let numerals: Set<Unicode.Scalar> = Set("零〇一二三四五六七八九十百千万两".unicodeScalars)

    /// The label a block starts with, if any.
    static func parse(_ u: String) -> ChineseLabel? {
        let s = Array(u.unicodeScalars.prefix(40))
        guard let first = s.first else { return nil }
        func restAfter(_ i: Int) -> String {
            var j = i
            while j < s.count, isSpace(s[j]) { j += 1 }
            return String(String.UnicodeScalarView(u.unicodeScalars.dropFirst(j)))
        }
        if first == "第" {
            var i = 1
            while i < s.count, numerals.contains(s[i]) || asciiDigit(s[i]) != nil { i += 1 }
            guard i > 1, i < s.count else { return nil }
            let number = String(String.UnicodeScalarView(s[0..<i]))
            switch s[i] {
            case "条":
                var end = i + 1
                // 第二百二十四条之一
                if end + 1 < s.count, s[end] == "之", numerals.contains(s[end + 1]) {
                    end += 1
                    while end < s.count, numerals.contains(s[end]) { end += 1 }
                }
                // An article head is followed by a space (or ends the block), not by more text
                // of a sentence that merely starts with the words (第一条规定…).
                guard end == s.count || isSpace(s[end]) else { return nil }
                return ChineseLabel(kind: .article, label: String(String.UnicodeScalarView(s[0..<end])), rest: restAfter(end))
            case "编", "章", "节":
                guard i + 1 == s.count || isSpace(s[i + 1]) else { return nil }
                let level = s[i] == "编" ? 1 : s[i] == "章" ? 3 : 4
                return ChineseLabel(kind: .division(level: level), label: number + String(s[i]), rest: restAfter(i + 1))
            case "分" where i + 1 < s.count && s[i + 1] == "编":
                return ChineseLabel(kind: .division(level: 2), label: number + "分编", rest: restAfter(i + 2))
            default:
                return nil
            }
        }
        if numerals.contains(first) {
            var i = 0
            while i < s.count, numerals.contains(s[i]), i < 4 { i += 1 }
            guard i < s.count, s[i] == "、", i + 1 < s.count else { return nil }
            return ChineseLabel(kind: .item, label: String(String.UnicodeScalarView(s[0..<i])), rest: restAfter(i + 1))
        }
        if first == "（" || first == "(" {
            var i = 1
            while i < s.count, numerals.contains(s[i]), i < 5 { i += 1 }
            guard i > 1, i < s.count, s[i] == "）" || s[i] == ")", i + 1 < s.count else { return nil }
            return ChineseLabel(kind: .parenthesizedItem, label: String(String.UnicodeScalarView(s[0...i])), rest: restAfter(i + 1))
        }
        if asciiDigit(first) != nil {
            // Parts separated by dots: numbers of at most two figures, or (after the first) one
            // lowercase letter, as the Sustainable Development Goals number targets (`16.a`,
            // `1.a.1`). Two parts at least (a lone `1.` is the UN paragraph number's business),
            // then a space: `3.5亿元`, `2024.12.31` and `1.25美元` are no clauses.
            var i = 0, depth = 0
            while true {
                var figures = 0
                while i < s.count, asciiDigit(s[i]) != nil { figures += 1; i += 1 }
                if figures == 0, depth > 0, i < s.count, isLowerLatin(s[i]) { figures = 1; i += 1 }
                guard figures >= 1, figures <= 2 else { return nil }
                depth += 1
                guard i + 1 < s.count, s[i] == ".", asciiDigit(s[i + 1]) != nil || isLowerLatin(s[i + 1]) else { break }
                i += 1
            }
            guard depth >= 2, i < s.count, isSpace(s[i]) else { return nil }
            return ChineseLabel(kind: .clause(depth: depth), label: String(String.UnicodeScalarView(s[0..<i])), rest: restAfter(i))
        }
        return nil
    }

    /// Whether a paragraph number is a law's article (`第十二条`).
    static func isArticle(_ number: String?) -> Bool {
        guard let n = number, n.hasPrefix("第") else { return false }
        return n.contains("条")
    }
}
