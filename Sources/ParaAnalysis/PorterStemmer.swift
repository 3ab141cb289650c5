/// The Porter (1980) stemming algorithm over lowercase ASCII bytes.
///
/// M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980. Steps 1a–5b as
/// published; `y` is a consonant when it follows a vowel. One rule added to step 4:
/// (m>1) ERI → ε, so that a noun in `-ery` meets the verb it comes from, as `-er` already
/// does (`recovery`, `recoveries`, `recovering`, `recovered` → `recov`; `machinery` and
/// `machine` → `machin`). The measure keeps short stems whole (`mystery` and `mysterious`
/// stay `mysteri`, `every` is not `ever`, `battery` not `batter`).
///
/// Works in place on a caller's buffer, which must have room for one byte more than the word
/// (step 1b can turn `-at` into `-ate`).
struct PorterStemmer {
    private var b: UnsafeMutablePointer<UInt8>
    private var k = 0   // index of the last byte of the current word
    private var j = 0   // end of the stem found by `ends`

    init(buffer: UnsafeMutablePointer<UInt8>) { b = buffer }

    /// Stems the `count` lowercase ASCII letters at the buffer's start; returns the new length.
    mutating func stem(count: Int) -> Int {
        guard count > 2 else { return count }
        k = count - 1
        step1ab(); if k > 0 { step1c(); step2(); step3(); step4(); step5() }
        return k + 1
    }

    /// Convenience for tests: stems an array.
    static func stem(_ word: inout [UInt8]) {
        let n = word.count
        var buffer = word + [0]
        let m = buffer.withUnsafeMutableBufferPointer { p in
            var s = PorterStemmer(buffer: p.baseAddress!)
            return s.stem(count: n)
        }
        word = Array(buffer[0..<m])
    }

    private func isConsonant(_ i: Int) -> Bool {
        switch b[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): return false
        case UInt8(ascii: "y"): return i == 0 ? true : !isConsonant(i - 1)
        default: return true
        }
    }

    /// m() of the paper: the number of vowel-consonant sequences in b[0...j].
    private func measure() -> Int {
        var n = 0, i = 0
        while true { if i > j { return n }; if !isConsonant(i) { break }; i += 1 }
        i += 1
        while true {
            while true { if i > j { return n }; if isConsonant(i) { break }; i += 1 }
            i += 1; n += 1
            while true { if i > j { return n }; if !isConsonant(i) { break }; i += 1 }
            i += 1
        }
    }

    private func vowelInStem() -> Bool {
        var i = 0
        while i <= j { if !isConsonant(i) { return true }; i += 1 }
        return false
    }

    private func doubleConsonant(_ i: Int) -> Bool {
        i >= 1 && b[i] == b[i - 1] && isConsonant(i)
    }

    /// cvc(i): consonant-vowel-consonant ending at i, the last not w, x or y.
    private func cvc(_ i: Int) -> Bool {
        if i < 2 || !isConsonant(i) || isConsonant(i - 1) || !isConsonant(i - 2) { return false }
        let c = b[i]
        return c != UInt8(ascii: "w") && c != UInt8(ascii: "x") && c != UInt8(ascii: "y")
    }

    private mutating func ends(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        if n > k + 1 { return false }
        let p = s.utf8Start
        for x in 0..<n where b[k - n + 1 + x] != p[x] { return false }
        j = k - n
        return true
    }

    private mutating func setTo(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        let p = s.utf8Start
        for x in 0..<n { b[j + 1 + x] = p[x] }
        k = j + n
    }

    private mutating func r(_ s: StaticString) { if measure() > 0 { setTo(s) } }


    private mutating func step1ab() {
        if b[k] == UInt8(ascii: "s") {
            if ends("sses") { k -= 2 }
            else if ends("ies") { setTo("i") }
            else if k >= 1 && b[k - 1] != UInt8(ascii: "s") { k -= 1 }
        }
        if ends("eed") { if measure() > 0 { k -= 1 } }
        else if (ends("ed") || ends("ing")) && vowelInStem() {
            k = j
            if ends("at") { setTo("ate") }
            else if ends("bl") { setTo("ble") }
            else if ends("iz") { setTo("ize") }
            else if doubleConsonant(k) {
                let c = b[k]
                if c != UInt8(ascii: "l") && c != UInt8(ascii: "s") && c != UInt8(ascii: "z") { k -= 1 }
            } else if measure() == 1 && cvc(k) { j = k; setTo("e") }
        }
    }

    private mutating func step1c() {
        if ends("y") && vowelInStem() { b[k] = UInt8(ascii: "i") }
    }

    private mutating func step2() {
        guard k >= 1 else { return }
        switch b[k - 1] {
        case UInt8(ascii: "a"):
            if ends("ational") { r("ate") } else if ends("tional") { r("tion") }
        case UInt8(ascii: "c"):
            if ends("enci") { r("ence") } else if ends("anci") { r("ance") }
        case UInt8(ascii: "e"):
            if ends("izer") { r("ize") }
        case UInt8(ascii: "l"):
            if ends("bli") { r("ble") } else if ends("alli") { r("al") } else if ends("entli") { r("ent") }
            else if ends("eli") { r("e") } else if ends("ousli") { r("ous") }
        case UInt8(ascii: "o"):
            if ends("ization") { r("ize") } else if ends("ation") { r("ate") } else if ends("ator") { r("ate") }
        case UInt8(ascii: "s"):
            if ends("alism") { r("al") } else if ends("iveness") { r("ive") }
            else if ends("fulness") { r("ful") } else if ends("ousness") { r("ous") }
        case UInt8(ascii: "t"):
            if ends("aliti") { r("al") } else if ends("iviti") { r("ive") } else if ends("biliti") { r("ble") }
        case UInt8(ascii: "g"):
            if ends("logi") { r("log") }
        default: break
        }
    }

    private mutating func step3() {
        switch b[k] {
        case UInt8(ascii: "e"):
            if ends("icate") { r("ic") } else if ends("ative") { r("") } else if ends("alize") { r("al") }
        case UInt8(ascii: "i"):
            if ends("iciti") { r("ic") }
        case UInt8(ascii: "l"):
            if ends("ical") { r("ic") } else if ends("ful") { r("") }
        case UInt8(ascii: "s"):
            if ends("ness") { r("") }
        default: break
        }
    }

    private mutating func step4() {
        guard k >= 1 else { return }
        var matched = false
        switch b[k - 1] {
        case UInt8(ascii: "a"): matched = ends("al")
        case UInt8(ascii: "c"): matched = ends("ance") || ends("ence")
        case UInt8(ascii: "e"): matched = ends("er")
        case UInt8(ascii: "i"): matched = ends("ic")
        case UInt8(ascii: "l"): matched = ends("able") || ends("ible")
        case UInt8(ascii: "n"): matched = ends("ant") || ends("ement") || ends("ment") || ends("ent")
        case UInt8(ascii: "r"): matched = ends("eri")
        case UInt8(ascii: "o"):
            if ends("ion") && j >= 0 && (b[j] == UInt8(ascii: "s") || b[j] == UInt8(ascii: "t")) { matched = true }
            else { matched = ends("ou") }
        case UInt8(ascii: "s"): matched = ends("ism")
        case UInt8(ascii: "t"): matched = ends("ate") || ends("iti")
        case UInt8(ascii: "u"): matched = ends("ous")
        case UInt8(ascii: "v"): matched = ends("ive")
        case UInt8(ascii: "z"): matched = ends("ize")
        default: break
        }
        if matched && measure() > 1 { k = j }
    }

    private mutating func step5() {
        // As published, the final-l test measures the stem before the final e was removed,
        // so the e is dropped from the buffer only at the end.
        j = k
        var end = k
        if b[k] == UInt8(ascii: "e") {
            let a = measure()
            if a > 1 || (a == 1 && !cvc(k - 1)) { end = k - 1 }
        }
        if b[end] == UInt8(ascii: "l") && doubleConsonant(end) && measure() > 1 { end -= 1 }
        k = end
    }
}
