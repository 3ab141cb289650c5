import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index and print ranked, cited paragraphs.",
        discussion: """
        Query syntax: words and Chinese text (any of their terms; together ranks higher); \
        "quoted phrases", +word and a AND b (must occur); a OR b; -word, -"phrase" and NOT word \
        (must not occur); word* (a word's beginning); an unquoted symbol (A/RES/80/1) as \
        written; lang:zh, doc:ID-OR-SYMBOL, date:2025, date:2018..2020, after:2025-06, \
        before:2025-10-01; in:旅游安全 or in:"rule of law" (a section whose heading, or the \
        document's title, holds the words). A query of filters alone lists their paragraphs. \
        A word starting with - is a query word, never an option. A paragraph under a heading \
        that matches the query ranks higher.

        Examples:
          parasearch search 资产追回
          parasearch search asset recovery --lang zh --parallel
          parasearch search terrorism -nuclear --limit 5
          parasearch search '"right to development"' date:2025 --offset 10
          parasearch search lang:zh doc:A/RES/70/1 --count
          parasearch search 培训 in:旅游安全
        """
    )

    @Argument(parsing: .allUnrecognized, help: "The query.")
    var query: [String]

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Option(name: .long, help: "Number of hits.")
    var limit = 10

    @Option(name: .long, help: "Pass over this many of the best hits first (the next page).")
    var offset = 0

    @Flag(help: "Print only the number of matching paragraphs.")
    var count = false

    @Option(name: .long, help: "Only this language (zh or en).")
    var lang: String?

    @Option(name: .long, help: "Only this document (id or symbol).")
    var doc: String?

    @Flag(help: "Show under each hit its aligned paragraph in the document's other language versions.")
    var parallel = false

    @Flag(name: .customLong("no-translate"), help: "Do not also search the other language with the query translated.")
    var noTranslate = false

    @Flag(help: "Print JSON (the same as --format json).")
    var json = false

    @Option(name: .customLong("time-limit"), help: "Stop a search after this many seconds with the best hits so far, marked partial (0: no limit).")
    var timeLimit: Double = 10

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, csv, markdown
        init?(argument: String) { self.init(rawValue: argument.lowercased()) }
    }

    @Option(name: .long, help: "text, json, jsonl (one hit a line), csv, or markdown (a citation list to paste).")
    var format: Format = .text

    @Flag(help: "One line per document, with its best paragraphs (--limit documents).")
    var group = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        guard timeLimit.isFinite, timeLimit >= 0 else { throw ValidationError("--time-limit takes seconds (0 for no limit)") }
        guard offset >= 0, offset <= Searcher.maxOffset else { throw ValidationError("--offset must be 0 to \(Searcher.maxOffset)") }
        guard limit <= 100_000 else { throw ValidationError("--limit must be at most 100000") }
        if group, json || format != .text { throw ValidationError("--group prints text: leave out --json and --format") }
        if let lang, Language(rawValue: lang.lowercased()) == nil { throw ValidationError("--lang must be zh or en") }
        guard !query.joined().trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the query is empty") }
    }

    func run() throws {
        if !noTranslate { Searcher.prepareTranslation(of: query.joined(separator: " ")) }
        let snapshot = try openIndex(index, defaultDirectory: index == "Index")
        var text = query.joined(separator: " ")
        if let lang { text += " lang:\(lang.lowercased())" }
        if let doc { text += " doc:\(doc)" }
        var options = SearchOptions(limit: group ? min(1000, (limit + offset) * 20) : limit)   // (both validated small)
        options.offset = group ? 0 : offset
        options.countTotal = true
        options.parallel = parallel
        options.translate = !noTranslate
        // (No limit for 0, or for more than a day.)
        options.timeLimit = timeLimit > 0 && timeLimit < 86_400 ? .milliseconds(Int64(timeLimit * 1000)) : nil
        let results = try reportingErrors { try Searcher(snapshot: snapshot).search(text, options: options) }
        if count {
            print(results.total)
            return
        }
        let typed = query.joined(separator: " ")
        if group {
            printGroups(results)
            return
        }
        switch json ? .json : format {
        case .json:
            var shown = results
            shown.query = typed
            print(jsonString(encoding: shown))
        case .jsonl: for hit in results.hits { print(jsonString(encoding: hit)) }
        case .csv:
            print("rank,score,document,symbol,language,number,citation,snippet")
            for hit in results.hits {
                let fields = [String(hit.rank), String(format: "%.6f", hit.score), InputFiles.shown(hit.document.id),
                              hit.document.symbol ?? "", hit.document.language.rawValue, hit.paragraph.number ?? "",
                              InputFiles.shown(hit.citation.description), hit.snippet.replacingOccurrences(of: "\n", with: " ")]
                print(fields.map(csvField).joined(separator: ","))
            }
        case .markdown:
            for hit in results.hits {
                print("- " + InputFiles.shown(referenceStyle(hit.citation)) + ": " + hit.snippet.replacingOccurrences(of: "\n", with: " "))
            }
        case .text: printText(results)
        }
    }

    /// One line per document, in the order of its best paragraph, with its matching paragraphs.
    func printGroups(_ results: SearchResults) {
        var order: [String] = []
        var byDocument: [String: [SearchHit]] = [:]
        for hit in results.hits {
            if byDocument[hit.document.id] == nil { order.append(hit.document.id) }
            byDocument[hit.document.id, default: []].append(hit)
        }
        let shown = order.dropFirst(offset).prefix(limit)
        if shown.isEmpty {
            let typed = printable(query.joined(separator: " "))
            print(order.isEmpty ? "no paragraphs match \(typed)" : "no documents after the first \(order.count) for \(typed)")
            return
        }
        let tty = styled()
        for (k, id) in shown.enumerated() {
            let hits = byDocument[id]!
            let best = hits[0]
            let labels = hits.prefix(8).map { $0.paragraph.number.map(Citation.label) ?? "#\($0.paragraph.ordinal)" }
            let head = InputFiles.shown("\(offset + k + 1). \(best.citation.document)")
            print((tty ? "\u{1B}[1m\(head)\u{1B}[0m" : head) + "  " + counted(hits.count, "paragraph") + ": "
                  + labels.joined(separator: ", ") + (hits.count > labels.count ? ", …" : "") + String(format: "  best %.3f", best.score))
            if !best.document.title.isEmpty { print("   " + best.document.title) }
            print("   " + marked(best.snippet, best.highlights, tty: tty).replacingOccurrences(of: "\n", with: " "))
        }
        print("\(shown.count) of \(counted(order.count, "document")) among the best \(counted(results.hits.count, "paragraph")) of \(results.total)")
    }

    func printText(_ results: SearchResults) {
        let tty = styled()
        if results.hits.isEmpty {
            let shown = printable(query.joined(separator: " "))
            print(offset > 0 && results.total > 0 ? "no hits after the first \(offset) of \(results.total) for \(shown)" : "no paragraphs match \(shown)")
            return
        }
        for hit in results.hits {
            let c = hit.citation
            let number = c.number.map(Citation.label) ?? "(unnumbered text, #\(c.ordinal))"
            let head = InputFiles.shown("\(hit.rank). \(c.document) \(number)")
            print((tty ? "\u{1B}[1m\(head)\u{1B}[0m" : head) + String(format: "  score %.3f", hit.score))
            if !c.headings.isEmpty { print("   " + c.headings.joined(separator: " › ")) }
            print("   " + marked(hit.snippet, hit.highlights, tty: tty).replacingOccurrences(of: "\n", with: " "))
            print("   " + InputFiles.shown(hit.document.source) + pagesLabel(hit.paragraph.pages))
            switch hit.foundThrough {
            case .version(let citation, let language)?:
                print("   found through the \(language.rawValue) version: " + InputFiles.shown(citationLabel(citation)))
            case .translation?:
                print("   found through the translated query")
            case nil: break
            }
            for p in hit.parallel {
                print("   ⇄ [\(p.language.rawValue)] " + InputFiles.shown(citationLabel(p.citation)))
                print("     " + p.paragraph.text.replacingOccurrences(of: "\n", with: " "))
            }
        }
        if !results.translations.isEmpty {
            print("translated: " + results.translations.map { "\($0.source) → \($0.targets.joined(separator: ", "))" }.joined(separator: "; "))
        }
        let first = results.hits[0].rank, last = results.hits[results.hits.count - 1].rank
        let range = offset > 0 ? "\(first)–\(last)" : "\(results.hits.count)"
        print("\(range) of \(counted(results.total, "matching paragraph")), " + String(format: "%.1f ms", results.tookMilliseconds)
              + (results.isPartial ? " (partial: stopped at the time limit; --time-limit to change it)" : ""))
    }
}

/// Whether to style output: a terminal, and `NO_COLOR` not set (https://no-color.org).
func styled() -> Bool {
    isatty(STDOUT_FILENO) != 0 && (getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true)
}

/// `1 matching paragraph`, `2 matching paragraphs`.
func counted(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}

/// Text a user typed, safe to print: control characters and invisible format characters
/// (such as U+202E, which turns the text around) shown as `\u{…}` escapes.
func printable(_ text: String) -> String {
    var out = ""
    for s in text.unicodeScalars {
        let category = s.properties.generalCategory
        if (category == .control && s != "\n") || (category == .format && s != "\u{200D}") {
            out += "\\u{\(String(s.value, radix: 16))}"
        } else {
            out.unicodeScalars.append(s)
        }
    }
    return out
}

/// Marks highlight ranges (scalar offsets): bold on a terminal, [brackets] otherwise.
func marked(_ text: String, _ ranges: [Range<Int>], tty: Bool) -> String {
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    let (open, close) = tty ? ("\u{1B}[1m", "\u{1B}[0m") : ("[", "]")
    for r in ranges where r.lowerBound >= i && r.upperBound <= scalars.count {
        out.append(contentsOf: scalars[i..<r.lowerBound])
        out.append(contentsOf: open.unicodeScalars)
        out.append(contentsOf: scalars[r])
        out.append(contentsOf: close.unicodeScalars)
        i = r.upperBound
    }
    out.append(contentsOf: scalars[i...])
    return String(out)
}

/// A CSV field, quoted when it must be (RFC 4180); a text that a spreadsheet would take for a
/// formula (`=…`, `+…`, `-…`, `@…`) starts with `'`.
func csvField(_ s: String) -> String {
    var s = s
    if let first = s.first, "=+-@".contains(first), Double(s) == nil { s = "'" + s }
    return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// A citation as a reference list gives it: `A/80/62, para. 23`; a law's article or an item
/// as written (`…法, 第十二条`); unnumbered text by its place (`A/80/62, #4`).
func referenceStyle(_ c: Citation) -> String {
    guard let number = c.number else { return "\(c.document), #\(c.ordinal)" }
    return Citation.label(number).hasPrefix("¶") ? "\(c.document), para. \(number)" : "\(c.document), \(number)"
}

/// `A/RES/70/1 ¶16.4` (without the heading path).
func citationLabel(_ c: Citation) -> String {
    c.document + " " + (c.number.map(Citation.label) ?? "#\(c.ordinal)")
}

/// `  (p. 7)`, `  (pp. 7–8)`, or nothing when the source has no pages.
func pagesLabel(_ pages: [Int]) -> String {
    guard let first = pages.first, let last = pages.last else { return "" }
    return first == last ? "  (p. \(first))" : "  (pp. \(first)–\(last))"
}
