import ParaCore

/// A parsed query: free text, quoted phrases, exclusions and filters.
///
/// Syntax: words and Chinese text are matched by their terms (any of them; more and closer
/// together ranks higher); `"quoted phrases"` must occur exactly; `-word` or `-"a phrase"`
/// excludes paragraphs containing it; `lang:zh` / `lang:en` keep one language;
/// `doc:ID` keeps one document (by id or symbol; repeat for several).
public struct Query: Sendable, Equatable {
    public var text: [String] = []
    public var phrases: [String] = []
    public var excluded: [String] = []
    public var languages: Set<Language> = []
    public var documents: [String] = []

    public init(text: [String] = [], phrases: [String] = [], excluded: [String] = [],
                languages: Set<Language> = [], documents: [String] = []) {
        self.text = text
        self.phrases = phrases
        self.excluded = excluded
        self.languages = languages
        self.documents = documents
    }

    /// Parses the query syntax. Unknown `name:value` pairs are plain text.
    public init(parsing input: String) throws {
        var i = input.startIndex
        func skipSpace() { while i < input.endIndex, input[i].isWhitespace { i = input.index(after: i) } }
        while true {
            skipSpace()
            guard i < input.endIndex else { break }
            var negated = false
            if input[i] == "-" || input[i] == "－" {
                let n = input.index(after: i)
                if n < input.endIndex, !input[n].isWhitespace { negated = true; i = n }
            }
            if input[i] == "\"" || input[i] == "“" || input[i] == "”" || input[i] == "「" {
                let close: Set<Character> = ["\"", "”", "“", "」"]
                let start = input.index(after: i)
                var j = start
                while j < input.endIndex, !close.contains(input[j]) { j = input.index(after: j) }
                guard j < input.endIndex else { throw ParaError("unclosed quote in query: \(input)") }
                let phrase = String(input[start..<j])
                i = input.index(after: j)
                if phrase.allSatisfy(\.isWhitespace) { continue }
                if negated { excluded.append(phrase) } else { phrases.append(phrase) }
                continue
            }
            var j = i
            while j < input.endIndex, !input[j].isWhitespace, input[j] != "\"" { j = input.index(after: j) }
            let word = String(input[i..<j])
            i = j
            if !negated, let colon = word.firstIndex(of: ":") {
                let key = word[..<colon].lowercased()
                let value = String(word[word.index(after: colon)...])
                if key == "lang", !value.isEmpty {
                    guard let l = Language(rawValue: value.lowercased()) else {
                        throw ParaError("unknown language '\(value)' in query (use lang:zh or lang:en)")
                    }
                    languages.insert(l)
                    continue
                }
                if key == "doc", !value.isEmpty { documents.append(value); continue }
            }
            if negated { excluded.append(word) } else { text.append(word) }
        }
    }
}
