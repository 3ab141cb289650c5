import Foundation
import ParaCore

// Small character and line predicates shared by the extractors. Hand-written over Unicode
// scalars: they run on every line, and a 100 MB line must stay linear.

@inline(__always)
func asciiDigit(_ s: Unicode.Scalar) -> Int? {
    s.value >= 0x30 && s.value <= 0x39 ? Int(s.value - 0x30) : nil
}

@inline(__always)
func isLowerLatin(_ s: Unicode.Scalar) -> Bool { s.value >= 0x61 && s.value <= 0x7A }

/// Han, kana, hangul.
func isCJKScalar(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x3005, 0x3007, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x323AF: return true
    default: return false
    }
}

/// Characters after or before which a line break is joined without a space: CJK characters,
/// CJK punctuation and full-width forms.
func isWideScalar(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x323AF:
        return true
    default: return false
    }
}

/// Width as printed: CJK and full-width characters count two. Stops counting past `limit`.
func displayWidth(_ u: String, limit: Int) -> Int {
    var w = 0
    for s in u.unicodeScalars {
        w += isWideScalar(s) ? 2 : 1
        if w > limit { return w }
    }
    return w
}

func trimmed(_ line: Substring) -> String {
    var s = line.unicodeScalars[...]
    while let f = s.first, isSpace(f) || f == "\n" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, isSpace(l) || l == "\n" || l == "\r" { s = s.dropLast() }
    return String(String.UnicodeScalarView(s))
}

@inline(__always)
func isSpace(_ s: Unicode.Scalar) -> Bool {
    s == " " || s == "\t" || s == "\u{00A0}" || s == "\u{3000}" || s == "\u{FEFF}" || s == "\u{0C}" || s == "\u{0B}"
}

extension String {
    func trimmingLeadingSpaces() -> String {
        var s = unicodeScalars[...]
        while let f = s.first, isSpace(f) { s = s.dropFirst() }
        return String(String.UnicodeScalarView(s))
    }
}

/// Runs of spaces become one space.
func collapseSpaces(_ u: String) -> String {
    guard u.unicodeScalars.contains(where: isSpace) else { return u }
    var out = String.UnicodeScalarView()
    var lastSpace = false
    for s in u.unicodeScalars {
        if isSpace(s) {
            if !lastSpace { out.append(" ") }
            lastSpace = true
        } else {
            out.append(s)
            lastSpace = false
        }
    }
    return String(out)
}

/// Markdown footnote references `[^12]` are removed from the text.
func stripFootnoteReferences(_ u: String) -> String {
    guard u.contains("[^") else { return u }
    var out = ""
    var rest = u[...]
    while let r = rest.range(of: "[^") {
        out += rest[..<r.lowerBound]
        let after = rest[r.upperBound...]
        if let close = after.firstIndex(of: "]"), after[..<close].allSatisfy(\.isNumber) || after[..<close].count <= 6,
           after.index(after: close) == after.endIndex || after[after.index(after: close)] != ":" {
            rest = after[after.index(after: close)...]
        } else {
            out += "[^"
            rest = after
        }
    }
    out += rest
    return out
}

/// `____` or `---`: the rule above footnotes.
func isFootnoteRule(_ u: String) -> Bool {
    guard u.utf8.count >= 3 else { return false }
    return u.utf8.allSatisfy { $0 == UInt8(ascii: "_") } && u.utf8.count >= 5
        || u.utf8.allSatisfy { $0 == UInt8(ascii: "-") }
}

/// A footnote: `* …`, `[^1]: …`, or a small number then text.
func isFootnoteLine(_ u: String) -> Bool {
    let s = u.unicodeScalars
    guard let f = s.first else { return false }
    if f == "*" { return true }
    if u.hasPrefix("[^") { return true }
    var i = s.startIndex, n = 0
    while i < s.endIndex, asciiDigit(s[i]) != nil { n += 1; i = s.index(after: i) }
    return n >= 1 && n <= 3 && i < s.endIndex && s[i] == " "
}

func isURL(_ u: String) -> Bool {
    (u.hasPrefix("http://") || u.hasPrefix("https://") || u.hasPrefix("www.")) && !u.contains(" ")
}

/// `12`, `2/3`, `- 4 -`.
func isPageNumber(_ u: String) -> Bool {
    let b = u.utf8
    guard b.count <= 11 else { return false }
    let core = u.filter { $0 != " " && $0 != "-" }
    if core.isEmpty { return false }
    if core.allSatisfy(\.isASCIIDigitCharacter) { return core.count <= 4 }
    let parts = core.split(separator: "/")
    return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigitCharacter) }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

/// A line that is only a UN document symbol, as in running headers: `A/RES/80/1`, `E/CN.15/2018/1`.
func isDocumentSymbolLine(_ u: String) -> Bool {
    guard u.utf8.count <= 40, !u.contains(" ") else { return false }
    return findDocumentSymbol(in: u).map { $0 == u } ?? false
}

/// Finds a UN document symbol such as `E/CN.15/2018/1` or `A/RES/80/1` in `text`.
package func findDocumentSymbol(in text: String) -> String? {
    // Body letters, then at least two /-separated parts, at least one of which has a digit.
    let scalars = Array(text.unicodeScalars.prefix(4000))
    var i = 0
    while i < scalars.count {
        let startOK = i == 0 || !(scalars[i - 1].properties.isAlphabetic || scalars[i - 1] == "/")
        if startOK, scalars[i].value >= 0x41 && scalars[i].value <= 0x5A {
            var j = i
            while j < scalars.count, scalars[j].value >= 0x41 && scalars[j].value <= 0x5A { j += 1 }
            if j - i <= 6, j < scalars.count, scalars[j] == "/" {
                var end = j, slashes = 0, hasDigit = false
                while end < scalars.count {
                    let c = scalars[end]
                    if c == "/" { slashes += 1 }
                    else if asciiDigit(c) != nil { hasDigit = true }
                    else if !(c.value >= 0x41 && c.value <= 0x5A) && c != "." && c != "(" && c != ")" && c != "-" { break }
                    end += 1
                }
                while end > j, [".", "(", "-", "/"].contains(scalars[end - 1]) { end -= 1 }
                if slashes >= 2 && hasDigit {
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: scalars[i..<end])
                    return String(view)
                }
            }
            i = j
        }
        i += 1
    }
    return nil
}

/// Print job numbers and barcodes: `01-66657 (E) 291101`, `V.18-00828 (C)`, `*0166657*`.
func isJobNumber(_ u: String) -> Bool {
    guard u.utf8.count <= 40 else { return false }
    var s = Substring(u)
    if s.hasPrefix("*") && s.hasSuffix("*") && s.count >= 8 {
        return s.dropFirst().dropLast().allSatisfy(\.isASCIIDigitCharacter)
    }
    for prefix in ["V.", "GE.", "N"] where s.hasPrefix(prefix) { s = s.dropFirst(prefix.count); break }
    let digits = s.prefix(while: \.isASCIIDigitCharacter)
    guard digits.count == 2 else { return false }
    s = s.dropFirst(2)
    guard s.first == "-" else { return false }
    s = s.dropFirst()
    return s.prefix(while: \.isASCIIDigitCharacter).count == 5
}

/// `(a)`, `(iv)`, `(12)`, `（三）`: a sub-item inside a paragraph, which starts a new line of it.
func startsSubItem(_ u: String) -> Bool {
    let s = u.unicodeScalars
    guard let f = s.first, f == "(" || f == "（" else { return false }
    var i = s.index(after: s.startIndex), n = 0
    while i < s.endIndex, n <= 5, (s[i].value >= 0x61 && s[i].value <= 0x7A) || asciiDigit(s[i]) != nil
            || ChineseLabel.numerals.contains(s[i]) {
        n += 1; i = s.index(after: i)
    }
    return n >= 1 && n <= 4 && i < s.endIndex && (s[i] == ")" || s[i] == "）")
}
