import Foundation
import ParaCore

/// A parsed query: free text, required terms and phrases, prefixes, exclusions and filters.
///
/// | written | meaning |
/// |---|---|
/// | `资产追回`, `asset recovery` | any of the terms; more of them, and closer, ranks higher |
/// | `"right to development"`, `+nuclear`, `nuclear AND terrorism` | must occur (a phrase exactly) |
/// | `terrorism OR nuclear` | either (as without `OR`) |
/// | `-nuclear`, `NOT nuclear`, `-"arab spring"` | must not occur |
/// | `terror*`, `联合*` | a word's beginning; Chinese text followed by more |
/// | `A/RES/80/1` | a document symbol, matched as written (as if quoted); when no paragraph cites it, the document that bears it |
/// | `lang:zh`, `doc:A/RES/80/1` | one language; one document by id or any symbol |
/// | `date:2025`, `date:2018..2020`, `after:2025-06`, `before:2025-10-01` | the document's date |
/// | `in:旅游安全`, `in:"rule of law"`, `heading:…` | under a heading (or in a document whose title) holding the words, next to each other |
///
/// `AND`, `OR` and `NOT` are operators in capitals only. A query of filters alone lists the
/// paragraphs that pass them in document order.
///
/// In code, build the value instead of writing syntax — nothing of it is then read as syntax:
///
/// ```swift
/// var query = Query(text: [userText])        // `doc:nothing` in userText is two words
/// query.languages = [.zh]
/// query.excluded = ["利比亚"]
/// let results = try searcher.search(query)
/// ```
///
/// or put a user's words into a syntax string with ``escaped(_:)``.
public struct Query: Sendable, Equatable, CustomStringConvertible {
    /// Free text: any of its terms, more of them and closer ranking higher.
    public var text: [String] = []
    /// Phrases and terms that must occur (`"…"`, `+term`, either side of `AND`).
    public var phrases: [String] = []
    /// Terms and phrases that must not occur (`-term`, `NOT term`).
    public var excluded: [String] = []
    /// Words written with a final `*`, without it.
    public var prefixes: [String] = []
    /// Those of ``prefixes`` that must occur (`+terror*`, `nuclear AND terror*`).
    public var requiredPrefixes: [String] = []
    /// The languages a paragraph may be in (`lang:`); empty: any.
    public var languages: Set<Language> = []
    /// The documents a paragraph may be in, by id or any symbol (`doc:`); empty: any.
    public var documents: [String] = []
    /// Conditions on the document's date (`date:`, `after:`, `before:`), all of which must hold.
    public var dates: [DateCondition] = []
    /// Text the paragraph's section path must hold (`in:`): the document's title or a heading
    /// above the paragraph.
    public var sections: [String] = []

    /// A query of these parts (all optional); none of their text is read as syntax.
    public init(text: [String] = [], phrases: [String] = [], excluded: [String] = [], prefixes: [String] = [],
                requiredPrefixes: [String] = [], languages: Set<Language> = [], documents: [String] = [],
                dates: [DateCondition] = [], sections: [String] = []) {
        self.text = text
        self.phrases = phrases
        self.excluded = excluded
        self.prefixes = prefixes
        self.requiredPrefixes = requiredPrefixes
        self.languages = languages
        self.documents = documents
        self.dates = dates
        self.sections = sections
    }

    /// Whether the query has filters (`lang:`, `doc:`, dates, `in:`).
    public var hasFilters: Bool { !languages.isEmpty || !documents.isEmpty || !dates.isEmpty || !sections.isEmpty }

    /// `text` with every character the syntax would read turned into a space or lower case
    /// (quotes, a leading `-` or `+`, a final `*`, `name:`, the operators `AND` `OR` `NOT`, a
    /// symbol's `/`), so that it parses as free text with the same terms — the way to put a
    /// user's words into a query string: `"\(Query.escaped(userText)) lang:zh"`.
    public static func escaped(_ text: String) -> String {
        var out: [String] = []
        for raw in text.split(whereSeparator: \.isWhitespace) {
            let spaced = String(raw.map { "\"“”「」:：/".contains($0) ? " " : $0 })
            for part in spaced.split(separator: " ") {
                var w = part
                while let f = w.first, "-+－＋".contains(f) { w = w.dropFirst() }
                while let l = w.last, "*＊".contains(l) { w = w.dropLast() }
                if w.isEmpty { continue }
                out.append(["AND", "OR", "NOT"].contains(w) ? w.lowercased() : String(w))
            }
        }
        return out.joined(separator: " ")
    }

    /// The query in the syntax ``init(parsing:)`` reads back as a query of the same meaning:
    /// free text and prefixes escaped with ``escaped(_:)`` (each word a text item), quotes
    /// inside a phrase turned into spaces, a document name with spaces quoted (`doc:"…"`).
    public var description: String {
        // (A quote of any kind closes a phrase: none may stay inside one.)
        func quoted(_ s: String) -> String { "\"" + String(s.map { "\"“”「」".contains($0) ? " " : $0 }) + "\"" }
        var parts: [String] = text.map(Self.escaped).filter { !$0.isEmpty }
        parts += phrases.map(quoted)
        parts += prefixes.map(Self.escaped).filter { !$0.isEmpty && !$0.contains(" ") }
            .map { requiredPrefixes.contains($0) ? "+\($0)*" : "\($0)*" }
        parts += excluded.map { "-" + quoted($0) }
        parts += languages.map(\.rawValue).sorted().map { "lang:\($0)" }
        parts += documents.map { $0.contains(where: { $0.isWhitespace || "\"“”「」".contains($0) }) ? "doc:" + quoted($0) : "doc:\($0)" }
        parts += dates.map(\.description)
        parts += sections.map { "in:" + quoted($0) }
        return parts.joined(separator: " ")
    }

    /// Parses the query syntax. Unknown `name:value` pairs are plain text.
    ///
    /// - Throws: ``ParaError`` of kind `badQuery` (an unclosed quote, an unknown language, a
    ///   date that is none).
    public init(parsing input: String) throws {
        enum Item { case word(String), phrase(String) }
        var i = input.startIndex
        func skipSpace() { while i < input.endIndex, input[i].isWhitespace { i = input.index(after: i) } }
        var negateNext = false, requireNext = false
        /// The last positive item added, to make it required when `AND` follows it.
        var last: (item: Item, inPhrases: Bool)? = nil
        func add(_ item: Item, negated: Bool, required: Bool) throws {
            switch item {
            case .phrase(let p):
                if negated { excluded.append(p); last = nil; return }
                phrases.append(p)
                last = (item, true)
            case .word(let w):
                if negated { excluded.append(w); last = nil; return }
                if w.count > 1, w.hasSuffix("*") || w.hasSuffix("＊") {
                    let prefix = String(w.dropLast())
                    prefixes.append(prefix)
                    if required { requiredPrefixes.append(prefix) }
                    last = (item, false)
                    return
                }
                if required || Self.isSymbol(w) {
                    phrases.append(w)
                    last = (item, true)
                } else {
                    text.append(w)
                    last = (item, false)
                }
            }
        }
        while true {
            skipSpace()
            guard i < input.endIndex else { break }
            var negated = negateNext, required = requireNext
            negateNext = false
            requireNext = false
            if input[i] == "-" || input[i] == "－" || input[i] == "+" || input[i] == "＋" {
                let n = input.index(after: i)
                if n < input.endIndex, !input[n].isWhitespace {
                    if input[i] == "-" || input[i] == "－" { negated = true } else { required = true }
                    i = n
                }
            }
            func quoted() throws -> String? {
                guard i < input.endIndex, ["\"", "“", "”", "「"].contains(input[i]) else { return nil }
                let close: Set<Character> = ["\"", "”", "“", "」"]
                let start = input.index(after: i)
                var j = start
                while j < input.endIndex, !close.contains(input[j]) { j = input.index(after: j) }
                guard j < input.endIndex else { throw ParaError(.badQuery, "unclosed quote in query: \(input)") }
                i = input.index(after: j)
                return String(input[start..<j])
            }
            if let phrase = try quoted() {
                if phrase.allSatisfy(\.isWhitespace) { continue }
                try add(.phrase(phrase), negated: negated, required: true)
                continue
            }
            let wordStart = i
            var j = i
            while j < input.endIndex, !input[j].isWhitespace, input[j] != "\"" { j = input.index(after: j) }
            let word = String(input[i..<j])
            i = j
            if !negated {
                // Operators, also right after another (`x AND NOT y`: y must not occur).
                switch word {
                case "AND":
                    // The item before and the one after must both occur.
                    if let (item, inPhrases) = last, !inPhrases, case .word(let w) = item {
                        if w.hasSuffix("*") || w.hasSuffix("＊") {
                            let prefix = String(w.dropLast())
                            if !requiredPrefixes.contains(prefix) { requiredPrefixes.append(prefix) }
                        } else if let k = text.lastIndex(of: w) {
                            text.remove(at: k)
                            phrases.append(w)
                        }
                        last = (item, true)
                    }
                    requireNext = true
                    continue
                case "OR":
                    requireNext = required
                    continue
                case "NOT":
                    negateNext = true
                    continue
                default:
                    break
                }
            }
            if !negated, let colon = word.firstIndex(of: ":") {
                let key = word[..<colon].lowercased()
                let value = String(word[word.index(after: colon)...])
                if key == "lang", !value.isEmpty {
                    guard let l = Language(rawValue: value.lowercased()) else {
                        throw ParaError(.badQuery, "unknown language '\(value)' in query (use lang:zh or lang:en)")
                    }
                    languages.insert(l)
                    continue
                }
                if key == "doc" {
                    // `doc:A/RES/80/1`, or `doc:"an id with spaces"`.
                    if value.isEmpty, let name = try quoted(), !name.allSatisfy(\.isWhitespace) { documents.append(name); continue }
                    if !value.isEmpty { documents.append(value); continue }
                }
                if ["date", "after", "before"].contains(key), !value.isEmpty {
                    dates.append(try DateCondition(key, value))
                    continue
                }
                if key == "in" || key == "heading" {
                    // `in:word` or `in:"several words"` (any of the quotes a phrase takes).
                    if let q = value.first, ["“", "”", "「"].contains(q) {
                        i = input.index(wordStart, offsetBy: key.count + 1)
                    }
                    guard let section = value.isEmpty || ["“", "”", "「"].contains(value.first!) ? try quoted() : value,
                          !section.allSatisfy(\.isWhitespace) else {
                        throw ParaError(.badQuery, "\(key): wants the words of a heading: in:旅游安全 or in:\"rule of law\"")
                    }
                    sections.append(section)
                    continue
                }
            }
            try add(.word(word), negated: negated, required: required)
        }
    }

    /// A UN document symbol written as one word (`A/RES/80/1`, `E/CN.15/2018/12`): capitals,
    /// then two or more `/`-separated parts, one with a figure.
    /// (`^[A-Z][A-Z0-9.]{0,9}(/[A-Z0-9][A-Za-z0-9.()]*){2,}$` with a figure, checked by hand:
    /// a regular expression compiled for every word of every query cost 5 % of a search.)
    static func isSymbol(_ w: String) -> Bool {
        let parts = w.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, let lead = parts[0].first, lead.isASCII, lead.isUppercase, parts[0].count <= 10,
              parts[0].allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == ".") }) else { return false }
        for part in parts.dropFirst() {
            guard let c = part.first, c.isASCII, c.isUppercase || c.isNumber,
                  part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "(" || $0 == ")") }) else { return false }
        }
        return w.contains(where: \.isASCIIDigitCharacter)
    }
}

/// A condition on a document's date, compared on the date's first characters in ISO form
/// (`2025`, `2025-09`, `2025-09-19`): documents without a date do not pass.
public enum DateCondition: Sendable, Equatable, CustomStringConvertible {
    /// `date:2025`: the year (or month, or day) itself.
    case within(String)
    /// `date:2018..2020`: from the first through the last.
    case between(String, String)
    /// `after:2025-06`: later than it.
    case after(String)
    /// `before:2025-10-01`: earlier than it.
    case before(String)

    /// The condition as the query syntax writes it (`date:2018..2020`).
    public var description: String {
        switch self {
        case .within(let d): return "date:\(d)"
        case .between(let a, let b): return "date:\(a)..\(b)"
        case .after(let d): return "after:\(d)"
        case .before(let d): return "before:\(d)"
        }
    }

    init(_ key: String, _ value: String) throws {
        func checked(_ v: String) throws -> String {
            guard Self.isISO(v) else {
                throw ParaError(.badQuery, "\(key):\(value) wants a year, a month or a day: 2025, 2025-09, 2025-09-19 (or date:2018..2020)")
            }
            return v
        }
        switch key {
        case "after": self = .after(try checked(value))
        case "before": self = .before(try checked(value))
        default:
            if let r = value.range(of: "..") {
                let a = try checked(String(value[..<r.lowerBound])), b = try checked(String(value[r.upperBound...]))
                guard a <= b else { throw ParaError(.badQuery, "\(key):\(value): the range runs backwards") }
                self = .between(a, b)
            } else {
                self = .within(try checked(value))
            }
        }
    }

    /// Whether a document dated `iso` (`2025-09-19`, or only `2025-09` or `2025`) passes: the
    /// whole of its date must meet the condition, so a document dated only `2025` is not
    /// known to be before `2025-06` and does not pass it.
    func admits(_ iso: String) -> Bool {
        func head(_ n: Int) -> Substring { iso.prefix(n) }
        // The document's date is coarser than `d` and takes it in (`2025` around `2025-06`).
        func around(_ d: String) -> Bool { iso.count < d.count && d.hasPrefix(iso) }
        switch self {
        case .within(let d): return head(d.count) == d
        case .between(let a, let b): return head(a.count) >= a && head(b.count) <= b && !around(b)
        case .after(let d): return head(d.count) > d
        case .before(let d): return head(d.count) < d && !around(d)
        }
    }

    /// `2025`, `2025-09` or `2025-09-19`, with a month of 1–12 and a day of 1–31.
    static func isISO(_ v: String) -> Bool {
        guard v.range(of: #"^\d{4}(-\d{2}(-\d{2})?)?$"#, options: .regularExpression) != nil else { return false }
        let parts = v.split(separator: "-").compactMap { Int($0) }
        if parts.count > 1, !(1...12).contains(parts[1]) { return false }
        if parts.count > 2, !(1...31).contains(parts[2]) { return false }
        return true
    }

    /// A document's date as written (`2025-09-19`, `19 September 2025`, `2018年3月1日`) in ISO
    /// form, or nil when it is not one of those.
    public static func isoDate(_ written: String) -> String? {
        let t = written.trimmingCharacters(in: .whitespaces)
        if isISO(t) { return t }
        func iso(_ y: Int, _ m: Int?, _ d: Int?) -> String? {
            guard y >= 1000, y <= 9999 else { return nil }
            guard let m else { return String(format: "%04d", y) }
            guard (1...12).contains(m) else { return nil }
            guard let d else { return String(format: "%04d-%02d", y, m) }
            return (1...31).contains(d) ? String(format: "%04d-%02d-%02d", y, m, d) : nil
        }
        let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                      "september", "october", "november", "december"]
        let words = t.lowercased().replacingOccurrences(of: ",", with: " ").split(separator: " ")
        // `19 September 2025`, `September 19, 2025`, `September 2025`.
        if words.count == 3, let d = Int(words[0]), let m = months.firstIndex(of: String(words[1])), let y = Int(words[2]) {
            return iso(y, m + 1, d)
        }
        if words.count == 3, let m = months.firstIndex(of: String(words[0])), let d = Int(words[1]), let y = Int(words[2]) {
            return iso(y, m + 1, d)
        }
        if words.count == 2, let m = months.firstIndex(of: String(words[0])), let y = Int(words[1]) {
            return iso(y, m + 1, nil)
        }
        // `2018年3月1日`, `2018年3月`, `2018年` (a span such as `2017-2018年` is no one date).
        if t.range(of: #"^\d{4} ?年( ?\d{1,2} ?月( ?\d{1,2} ?日)?)?$"#, options: .regularExpression) != nil {
            let digits = t.split(whereSeparator: { !$0.isASCIIDigitCharacter }).compactMap { Int($0) }
            return iso(digits[0], digits.count > 1 ? digits[1] : nil, digits.count > 2 ? digits[2] : nil)
        }
        return nil
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isWholeNumber }
}
