import Testing
import ParaTestSupport
@testable import ParaAnalysis

/// (term, position, byte range) triples, the golden form of an analysis.
private func table(_ text: String) -> [String] {
    Analyzer().tokens(text).map { "\($0.term) \($0.position) \($0.byteRange.lowerBound)-\($0.byteRange.upperBound)" }
}

@Suite struct AnalyzerGoldenTests {
    @Test func chineseRunBecomesOverlappingBigrams() {
        #expect(table("资产追回") == ["资产 0 0-6", "产追 1 3-9", "追回 2 6-12"])
    }

    @Test func loneHanCharacterIsUnigramAndNoBigramCrossesPunctuation() {
        #expect(table("核，资产。") == ["核 0 0-3", "资产 1 6-12"])
        #expect(table("核") == ["核 0 0-3"])
    }

    @Test func englishWordsAreLowercasedStemmedAndStopWordsKeptUnstemmed() {
        #expect(table("The Recovery of Stolen Assets was") == [
            "the 0 0-3", "recov 1 4-12", "of 2 13-15", "stolen 3 16-22", "asset 4 23-29", "was 5 30-33",
        ])
        #expect(Analyzer().terms("the assets").map(\.kind) == [.stopWord, .word])
        // Every stop word of the set, the five-letter ones too, and no word that shares their
        // last four letters.
        for word in Analyzer.stopWords {
            #expect(Analyzer().terms(word).map(\.kind) == [.stopWord], "\(word)")
            #expect(Analyzer().terms(word.uppercased()).map(\.kind) == [.stopWord], "\(word)")
        }
        #expect(Analyzer().terms("here heir hese their there these theirs").map(\.kind)
                == [.word, .word, .word, .stopWord, .stopWord, .stopWord, .word])
    }

    @Test func mixedChineseAndEnglishSplitAtScriptBoundaries() {
        #expect(table("2017年UNICRI报告") == [
            "2017 0 0-4", "年 1 4-7", "unicri 2 7-13", "报告 3 13-19",
        ])
    }

    @Test func fullWidthFoldsToHalfWidthWithOriginalRanges() {
        // Each full-width letter is three bytes in the original.
        #expect(table("ＬＩＴＭＡＳ２０１７") == ["litmas2017 0 0-30"])
        #expect(table("ＳＤＧ　１６") == ["sdg 0 0-9", "16 1 12-18"])
        // Folded words are stemmed like their half-width spelling.
        #expect(Analyzer().tokens("ＬＩＴＭＡＳ Ｒｅｃｏｖｅｒｙ").map(\.term) == Analyzer().tokens("LITMAS Recovery").map(\.term))
    }

    @Test func traditionalFoldsToSimplifiedWithOriginalRanges() {
        #expect(table("資產追回") == table("资产追回"))
        #expect(table("國際刑事司法") == ["国际 0 0-6", "际刑 1 3-9", "刑事 2 6-12", "事司 3 9-15", "司法 4 12-18"])
    }

    @Test func kanaAndHangulAreBigrammed() {
        #expect(table("カタカナ") == ["カタ 0 0-6", "タカ 1 3-9", "カナ 2 6-12"])
        #expect(table("한국어") == ["한국 0 0-6", "국어 1 3-9"])
    }

    @Test func accentedLatinIsOneWordLowercased() {
        #expect(table("Côte d’Ivoire") == ["côte 0 0-5", "d 1 6-7", "ivoir 2 10-16"])
    }

    @Test func overlongWordsAreSkippedButKeepTheirPosition() {
        let long = String(repeating: "x", count: 150)
        #expect(table("a \(long) asset") == ["a 0 0-1", "asset 2 153-158"])
    }

    @Test func invalidUTF8IsASeparatorNotACrash() {
        let bytes: [UInt8] = [0xE8, 0xB5, 0x84, 0xFF, 0xE4, 0xBA, 0xA7, 0xC0, 0x80, 0x61, 0x62, 0x63]
        var out: [String] = []
        bytes.withUnsafeBufferPointer { p in
            Analyzer().analyze(utf8: p) { term, _, pos, r in
                out.append("\(String(decoding: term, as: UTF8.self)) \(pos) \(r.lowerBound)-\(r.upperBound)")
            }
        }
        #expect(out == ["资 0 0-3", "产 1 4-7", "abc 2 9-12"])
    }
}

func stemmed(_ word: String) -> String {
    var bytes = Array(word.utf8)
    PorterStemmer.stem(&bytes)
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct PorterStemmerTests {
    /// Examples from Porter (1980) and its published vocabulary/output pairs.
    @Test(arguments: [
        ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"), ("cats", "cat"),
        ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"), ("motoring", "motor"),
        ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"), ("sized", "size"), ("hopping", "hop"),
        ("tanned", "tan"), ("falling", "fall"), ("hissing", "hiss"), ("fizzed", "fizz"), ("failing", "fail"),
        ("filing", "file"), ("happy", "happi"), ("sky", "sky"), ("relational", "relat"), ("conditional", "condit"),
        ("rational", "ration"), ("valenci", "valenc"), ("digitizer", "digit"), ("conformabli", "conform"),
        ("radicalli", "radic"), ("differentli", "differ"), ("vileli", "vile"), ("analogousli", "analog"),
        ("vietnamization", "vietnam"), ("predication", "predic"), ("operator", "oper"), ("feudalism", "feudal"),
        ("decisiveness", "decis"), ("hopefulness", "hope"), ("callousness", "callous"), ("formaliti", "formal"),
        ("sensitiviti", "sensit"), ("sensibiliti", "sensibl"), ("triplicate", "triplic"), ("formative", "form"),
        ("formalize", "formal"), ("electriciti", "electr"), ("electrical", "electr"), ("hopeful", "hope"),
        ("goodness", "good"), ("revival", "reviv"), ("allowance", "allow"), ("inference", "infer"),
        ("airliner", "airlin"), ("gyroscopic", "gyroscop"), ("adjustable", "adjust"), ("defensible", "defens"),
        ("irritant", "irrit"), ("replacement", "replac"), ("adjustment", "adjust"), ("dependent", "depend"),
        ("adoption", "adopt"), ("homologou", "homolog"), ("communism", "commun"), ("activate", "activ"),
        ("angulariti", "angular"), ("homologous", "homolog"), ("effective", "effect"), ("bowdlerize", "bowdler"),
        ("probate", "probat"), ("rate", "rate"), ("cease", "ceas"), ("controll", "control"), ("roll", "roll"),
        ("generalization", "gener"), ("oscillators", "oscil"),
    ])
    func porterVocabulary(word: String, stem: String) {
        #expect(stemmed(word) == stem)
    }
}

@Suite struct EryRuleTests {
    /// The one rule added to Porter's: (m>1) ERI → ε in step 4, and what its measure spares.
    @Test(arguments: [
        ("recovery", "recov"), ("recoveries", "recov"), ("recovering", "recov"), ("recovered", "recov"),
        ("recover", "recov"), ("discovery", "discov"), ("discovering", "discov"), ("delivery", "deliv"),
        ("delivered", "deliv"), ("machinery", "machin"), ("machine", "machin"), ("imagery", "imag"),
        ("mystery", "mysteri"), ("mysterious", "mysteri"), ("every", "everi"), ("ever", "ever"),
        ("battery", "batteri"), ("batter", "batter"), ("surgery", "surgeri"), ("surgeries", "surgeri"),
        ("query", "queri"), ("queries", "queri"), ("artery", "arteri"), ("arterial", "arteri"),
    ])
    func eryNounsMeetTheirVerbs(word: String, stem: String) {
        #expect(stemmed(word) == stem)
    }
}

@Suite struct AnalyzerInvariantTests {

    static let alphabet: [String] = [
        "资", "产", "追", "回", "國", "際", "核", "ａ", "Ｂ", "１", "a", "B", "z", "7", " ", "，", "。", "-", "'",
        "é", "ß", "カ", "한", "𠀀", "\u{0301}", "\n", "Ω", "٣", "Ⅻ", "\u{3000}", "the", "ing",
    ]

    @Test(arguments: 0..<200)
    func rangesArePositionsIncreaseAndTermsAreNonEmpty(seed: Int) {
        var rng = SplitMix64(state: UInt64(seed))
        let n = Int.random(in: 0..<60, using: &rng)
        let text = (0..<n).map { _ in Self.alphabet.randomElement(using: &rng)! }.joined()
        let utf8 = Array(text.utf8)
        var scalarStarts = Set<Int>()
        var offset = 0
        for s in text.unicodeScalars { scalarStarts.insert(offset); offset += String(s).utf8.count }
        scalarStarts.insert(utf8.count)
        var lastPosition = -1
        for token in Analyzer().tokens(text) {
            #expect(!token.term.isEmpty)
            #expect(token.position > lastPosition, "positions increase in \(text.debugDescription)")
            lastPosition = token.position
            #expect(token.byteRange.lowerBound >= 0 && token.byteRange.upperBound <= utf8.count)
            #expect(token.byteRange.lowerBound < token.byteRange.upperBound)
            #expect(scalarStarts.contains(token.byteRange.lowerBound) && scalarStarts.contains(token.byteRange.upperBound),
                    "range on scalar boundaries in \(text.debugDescription)")
        }
    }
}

@Suite struct PorterStemmerRobustnessTests {
    @Test(arguments: 0..<20)
    func randomLowercaseWordsNeverTrapAndNeverGrow(seed: Int) {
        var rng = SplitMix64(state: UInt64(seed) &* 7919)
        let letters = Array("aeiouybcdlmnrstxzwgs".utf8)
        for _ in 0..<2000 {
            let n = Int.random(in: 1...14, using: &rng)
            var w = (0..<n).map { _ in letters.randomElement(using: &rng)! }
            let before = w.count
            PorterStemmer.stem(&w)
            #expect(!w.isEmpty && w.count <= before + 1)
        }
    }
}

/// The dictionary's look-up (a binary search comparing headwords in place) against a set of
/// every headword: each is found at its own line, and strings next to them in order are found
/// exactly when they are headwords.
@Suite struct DictionaryLookupTests {
    @Test func everyHeadwordAndItsNeighboursAgreeWithASetOfAll() {
        let table = QueryTranslator.Tables.words
        var all: [String] = []
        for k in table.starts.indices {
            all.append(String(decoding: table.bytes[table.line(k).word], as: UTF8.self))
        }
        #expect(all.count > 90_000)
        let headwords = Set(all)
        for (k, word) in all.enumerated() {
            #expect(table.line(of: word) == k, "\(word)")
        }
        var generator = SplitMix64(state: 7)
        var checked = 0
        for _ in 0..<20_000 {
            let word = all[Int(generator.next() % UInt64(all.count))]
            let scalars = Array(word.unicodeScalars)
            // A prefix, the word and one more character, a character changed, the word and a
            // tab (the table's own separator).
            var probes = [String(String.UnicodeScalarView(scalars.dropLast())), word + "的", word + "a", word + "\t", word + "\t1"]
            if let last = scalars.last, let next = Unicode.Scalar(last.value + 1) {
                probes.append(String(String.UnicodeScalarView(scalars.dropLast() + [next])))
            }
            for probe in probes {
                #expect(table.contains(probe) == headwords.contains(probe), "\(probe)")
                checked += 1
            }
        }
        #expect(checked > 100_000)
        #expect(!table.contains(""))
    }
}
