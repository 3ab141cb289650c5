import Foundation
import Testing
import ParaSearch
import ParaExtraction

/// End-to-end tests through the real `parasearch` binary (built by `swift build`).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The binary built with these tests: beside the test bundle, in the same build folder (the
/// configuration and platform this test run was built for).
func binary() throws -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parasearch").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    throw CLIError.notBuilt
}

enum CLIError: Error, CustomStringConvertible {
    case notBuilt
    var description: String { "the parasearch binary is not built: run `swift build` before `swift test`" }
}

func run(_ args: [String], in directory: URL = root) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try binary())
    p.arguments = args
    p.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

func temporaryIndex(_ name: String = #function) -> String {
    let clean = name.filter { $0.isLetter }
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("parasearch-cli-\(clean)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try? FileManager.default.removeItem(atPath: d)
    return d
}

/// One index of Corpus/ shared by the read-only tests.
let corpusIndex: String = {
    let dir = temporaryIndex("corpus")
    let r = try! run(["index", "Corpus", "--index", dir])
    precondition(r.status == 0, r.stderr)
    return dir
}()

@Suite struct CLITests {
    @Test func indexPrintsASummaryAndSkipsUnchangedFiles() throws {
        let dir = temporaryIndex()
        let first = try run(["index", "Corpus", "--index", dir])
        #expect(first.status == 0)
        #expect(first.stdout.hasPrefix("indexed \(dir): 61 added, 0 updated, 0 removed, 0 unchanged, 0 failed; 61 documents, "))
        let second = try run(["index", "Corpus", "--index", dir])
        #expect(second.stdout.hasPrefix("indexed \(dir): 0 added, 0 updated, 0 removed, 61 unchanged, 0 failed; 61 documents, "))
    }

    @Test func searchJSONHasExactlyTheDocumentedFields() throws {
        let r = try run(["search", "资产追回", "--index", corpusIndex, "--json", "--limit", "4", "--no-translate"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(Set(obj.keys) == ["query", "total", "took_ms", "hits", "translations", "partial"])
        #expect(obj["partial"] as? Bool == false)
        #expect(obj["query"] as? String == "资产追回")
        #expect(obj["total"] as? Int == 5)
        let hits = try #require(obj["hits"] as? [[String: Any]])
        #expect(hits.count == 4)
        #expect(Set(hits[0].keys) == ["rank", "score", "document", "symbol", "language", "title", "number", "ordinal", "citation",
                                      "headings", "text", "snippet", "highlights", "matches", "source", "pages", "notes",
                                      "extra", "document_paragraphs", "found_through", "parallel"])
        #expect(hits.map { $0["number"] as? String } == ["54", "56", "57", "55"])
        let h = hits[0]
        #expect(h["rank"] as? Int == 1)
        #expect(h["document"] as? String == "unicri-report-ccpcj27-zh")
        #expect(h["symbol"] is NSNull)
        #expect(h["language"] as? String == "zh")
        #expect(h["ordinal"] as? Int == 69)
        #expect(h["citation"] as? String == "unicri-report-ccpcj27-zh ¶54 — 三. 犯罪和司法 › A. 阿拉伯之春国家资产追回试点项目")
        #expect(h["headings"] as? [String] == ["三. 犯罪和司法", "A. 阿拉伯之春国家资产追回试点项目"])
        #expect(h["source"] as? String == "Corpus/unicri-report-ccpcj27-zh.txt")
        let snippet = try #require(h["snippet"] as? String)
        let scalars = Array(snippet.unicodeScalars)
        let ranges = try #require(h["highlights"] as? [[Int]])
        #expect(ranges.first.map { String(String.UnicodeScalarView(scalars[$0[0]..<$0[1]])) } == "资产追回")
        // Each match names the query's term, over the paragraph's text.
        let matches = try #require(h["matches"] as? [[String: Any]])
        let text = Array((h["text"] as? String ?? "").unicodeScalars)
        #expect(Set(matches.compactMap { $0["term"] as? String }) == ["资产", "产追", "追回"])
        #expect(matches.allSatisfy { m in
            guard let r = m["range"] as? [Int], let term = m["term"] as? String else { return false }
            return String(String.UnicodeScalarView(text[r[0]..<r[1]])) == term
        })
    }

    @Test func searchTextOutputCitesAndMarksMatches() throws {
        let r = try run(["search", "资产追回", "--index", corpusIndex, "--limit", "1"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("1. unicri-report-ccpcj27-zh ¶54  score "))
        #expect(lines[1] == "   三. 犯罪和司法 › A. 阿拉伯之春国家资产追回试点项目")
        #expect(lines[2].contains("卡姆登[资产追回]机构间网络"))
        #expect(lines[3] == "   Corpus/unicri-report-ccpcj27-zh.txt")
        #expect(lines[4] == "translated: 资产 → property, assets; 追回 → recover, get back")
        #expect(lines[5].hasPrefix("1 of 21 matching paragraphs"))
    }

    @Test func parallelVersionsAndCrossLanguageSearchThroughTheBinary() throws {
        let r = try run(["search", "asset", "recovery", "--lang", "zh", "--parallel", "--json", "--limit", "1", "--index", corpusIndex])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let hit = try #require((obj["hits"] as? [[String: Any]])?.first)
        #expect(hit["citation"] as? String == "A/RES/70/1 ¶16.4 — 目标16. 创建和平、包容的社会以促进可持续发展,让所有人都能诉诸司法,在各级建立有效、负责和包容的机构")
        let via = try #require(hit["found_through"] as? [String: Any])
        #expect(via["kind"] as? String == "version" && via["language"] as? String == "en")
        #expect((via["citation"] as? String)?.hasPrefix("A/RES/70/1 ¶16.4 — Goal 16.") == true)
        let parallel = try #require(hit["parallel"] as? [[String: Any]])
        #expect(parallel.count == 1)
        #expect(Set(parallel[0].keys) == ["language", "document", "symbol", "title", "number", "ordinal", "citation", "headings",
                                          "text", "source", "pages", "notes", "extra"])
        #expect(parallel[0]["language"] as? String == "en" && parallel[0]["number"] as? String == "16.4")
        #expect(parallel[0]["document"] as? String == "sdg-targets.en" && parallel[0]["symbol"] as? String == "A/RES/70/1")
        let translations = try #require(obj["translations"] as? [[String: Any]])
        #expect(translations.map { $0["from"] as? String } == ["asset", "recovery"])

        // (Through the versions alone: the translated query finds ¶16.4 too.)
        let text = try run(["search", "资产追回", "--lang", "en", "--parallel", "--no-translate", "--limit", "1", "--index", corpusIndex])
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("1. A/RES/70/1 ¶16.4  score "))
        #expect(lines[4] == "   found through the zh version: A/RES/70/1 ¶16.4")
        #expect(lines[5] == "   ⇄ [zh] A/RES/70/1 ¶16.4")
        #expect(lines[6] == "     到2030年,大幅减少非法资金和武器流动,加强追赃和被盗资产返还力度,打击一切形式的有组织犯罪")

        let off = try run(["search", "资产追回", "--lang", "en", "--no-translate", "--json", "--index", corpusIndex])
        let offObj = try #require(try JSONSerialization.jsonObject(with: Data(off.stdout.utf8)) as? [String: Any])
        #expect((offObj["translations"] as? [Any])?.isEmpty == true)

        let show = try run(["show", "A/RES/70/1", "16.4", "--lang", "zh", "--parallel", "--index", corpusIndex])
        #expect(show.stdout.contains("  ⇄ [en] A/RES/70/1 ¶16.4\n  By 2030, significantly reduce illicit financial and arms flows"))
        let none = try run(["show", "unicri-report-ccpcj27-zh", "54", "--parallel", "--index", corpusIndex])
        #expect(none.stdout.hasSuffix("  ⇄ no aligned paragraph in another language\n"))
    }

    @Test func theCommandLineNeverSurprises() throws {
        // A word starting with - is a query word, wherever it stands, and options still work.
        let minus = try run(["search", "terrorism", "-nuclear", "--limit", "1", "--no-translate", "--index", corpusIndex])
        #expect(minus.status == 0, "\(minus.stderr)")
        #expect(minus.stdout.hasPrefix("1. ") && !minus.stdout.lowercased().contains("nuclear"))
        let first = try run(["search", "-nuclear", "terrorism", "--count", "--no-translate", "--index", corpusIndex])
        let count = try run(["search", "terrorism", "--count", "--no-translate", "--index", corpusIndex])
        let both = try run(["search", "terrorism", "AND", "nuclear", "--count", "--no-translate", "--index", corpusIndex])
        #expect(Int(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))! ==
                Int(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines))! - Int(both.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!)
        // Paging, singular, an unknown document, the language in capitals, control characters.
        let page = try run(["search", "development", "--offset", "5", "--limit", "2", "--no-translate", "--index", corpusIndex])
        #expect(page.stdout.hasPrefix("6. ") && page.stdout.contains("\n7. ") && page.stdout.contains("\n6–7 of "))
        let one = try run(["search", "quetzalcoatl", "OR", "A/80/534", "--limit", "1", "--index", corpusIndex])
        #expect(one.stdout.contains("1 of 44 matching paragraphs"))
        let single = try run(["search", "\"obliterated markings\"", "--index", corpusIndex])
        #expect(single.stdout.contains("1 of 1 matching paragraph, "))
        let unknown = try run(["search", "climate", "--doc", "A/RES/99/1", "--index", corpusIndex])
        #expect(unknown.status == 1 && unknown.stderr.contains("no document 'A/RES/99/1' in the index"))
        let upper = try run(["search", "development", "--lang", "EN", "--count", "--index", corpusIndex])
        #expect(upper.status == 0 && Int(upper.stdout.trimmingCharacters(in: .whitespacesAndNewlines))! > 0)
        let control = try run(["search", "foo\u{1B}[31mbar", "--index", corpusIndex])
        #expect(!control.stdout.contains("\u{1B}") && control.stdout.contains("\\u{1b}"))
        // The citation's #N is what show takes.
        let block = try run(["search", "doc:A/RES/80/1", "--limit", "1", "--index", corpusIndex])
        #expect(block.stdout.hasPrefix("1. A/RES/80/1 (unnumbered text, #1)"))
        #expect(try run(["show", "A/RES/80/1", "#1", "--index", corpusIndex]).status == 0)
        // The count does not move with the page; control characters never reach stderr raw.
        let counts = try [1, 50].map { limit in
            try run(["search", "development", "--lang", "zh", "--count", "--limit", String(limit), "--index", corpusIndex]).stdout
        }
        #expect(counts[0] == counts[1] && counts[0] != "0\n")
        let escaped = try run(["search", "doc:\u{1B}[7mX", "--index", corpusIndex])
        #expect(escaped.status == 1 && !escaped.stderr.contains("\u{1B}") && escaped.stderr.contains("\\u{1b}[7mX"))
        #expect(try run(["search", "x", "--offset", "99999999999", "--index", corpusIndex]).status != 0)
        // Formats: a citation list, CSV with a header and quoting, one JSON object a line.
        let markdown = try run(["search", "A/80/534", "--format", "markdown", "--limit", "2", "--index", corpusIndex])
        #expect(markdown.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("- A/RES/80/") && $0.contains(", #") })
        let csv = try run(["search", "A/80/534", "--format", "CSV", "--limit", "1", "--index", corpusIndex]).stdout.split(separator: "\n")
        #expect(csv.count == 2 && csv[0] == "rank,score,document,symbol,language,number,citation,snippet")
        #expect(csv[1].hasSuffix(#","[on the report of the First Committee (A/80/534, para. 7)]""#))
        let jsonl = try run(["search", "A/80/534", "--format", "jsonl", "--limit", "3", "--index", corpusIndex]).stdout.split(separator: "\n")
        #expect(jsonl.count == 3 && jsonl.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        // One line per document.
        let grouped = try run(["search", "nuclear", "disarmament", "--group", "--limit", "2", "--no-translate", "--index", corpusIndex])
        let heads = grouped.stdout.split(separator: "\n").filter { $0.range(of: #"^\d+\. "#, options: .regularExpression) != nil }
        #expect(heads.count == 2 && heads.allSatisfy { $0.contains(" paragraphs: ") || $0.contains(" paragraph: ") })
        #expect(Set(heads.map { $0.split(separator: " ")[1] }).count == 2)
        #expect(try run(["search", "x", "--group", "--json", "--index", corpusIndex]).status != 0)
        // batch: a bad line is reported and the rest run.
        let queries = temporaryIndex() + ".tsv"
        try "a\tdevelopment\nno tab here\nb\t\nc\t资产追回\n".write(toFile: queries, atomically: true, encoding: .utf8)
        let batch = try run(["batch", queries, "--index", corpusIndex])
        #expect(batch.status == 0)
        #expect(batch.stderr.contains("line 2 skipped: expected qid<TAB>query") && batch.stderr.contains("line 3 skipped"))
        #expect(Set(batch.stdout.split(separator: "\n").map { $0.split(separator: " ")[0] }) == ["a", "c"])
    }

    @Test func everyCommandsHelpHasExamples() throws {
        for command in ["search", "index", "remove", "show", "stats", "check", "batch", "extract", "analyze"] {
            let help = try run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("Examples:\n  parasearch \(command)"), "\(command)")
        }
    }

    @Test func filtersFromTheCommandLine() throws {
        let r = try run(["search", "development", "--index", corpusIndex, "--json", "--doc", "A/RES/80/1"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let hits = try #require(obj["hits"] as? [[String: Any]])
        #expect(hits.allSatisfy { $0["symbol"] as? String == "A/RES/80/1" })
        // Only English text says "plenary" (and none of it has a Chinese version).
        let zh = try run(["search", "plenary", "--index", corpusIndex, "--lang", "zh", "--no-translate"])
        #expect(zh.stdout.hasPrefix("no paragraphs match plenary"))
        #expect(try run(["search", "plenary", "--index", corpusIndex, "--lang", "en", "--count"]).stdout != "0\n")
        let bad = try run(["search", "x", "--index", corpusIndex, "--lang", "fr"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--lang must be zh or en"))
    }

    @Test func batchWritesTRECLinesAndATimingSummary() throws {
        let queries = temporaryIndex() + ".tsv"
        try "q1\t资产追回\nq2\tright to development\n# comment\n".write(toFile: queries, atomically: true, encoding: .utf8)
        let r = try run(["batch", queries, "--index", corpusIndex, "--limit", "3"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 6)
        #expect(lines[0][0] == "q1" && lines[0][1] == "Q0" && lines[0][2] == "unicri-report-ccpcj27-zh#69" && lines[0][3] == "1" && lines[0][5] == "parasearch")
        #expect(lines.allSatisfy { $0.count == 6 && Double($0[4]) != nil })
        // Scores as `%.6f` writes them.
        #expect(lines.allSatisfy { $0[4].range(of: #"^[0-9]+\.[0-9]{6}$"#, options: .regularExpression) != nil })
        #expect(r.stderr.range(of: #"^queries 2 p50 [0-9.]+ ms p90 [0-9.]+ ms p99 [0-9.]+ ms qps [0-9.]+\n$"#, options: .regularExpression) != nil)
        let jsonl = temporaryIndex() + ".jsonl"
        try "{\"_id\": \"a\", \"text\": \"资产追回\"}\n".write(toFile: jsonl, atomically: true, encoding: .utf8)
        let j = try run(["batch", jsonl, "--index", corpusIndex, "--format", "jsonl"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(obj["qid"] as? String == "a" && obj["total"] as? Int == 21)
    }

    @Test func statsAndShow() throws {
        let s = try run(["stats", "--index", corpusIndex, "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        #expect(obj["documents"] as? Int == 61)
        #expect((obj["paragraphs"] as? Int ?? 0) > 1900)
        #expect(obj["segments"] as? Int == 1)
        let bytes = try #require(obj["bytes"] as? [String: Int])
        #expect(Set(bytes.keys) == ["postings", "positions", "dictionary", "stored", "other", "total"])
        #expect(bytes["total"] == bytes.filter { $0.key != "total" }.values.reduce(0, +))
        let show = try run(["show", "unicri-report-ccpcj27-zh", "54", "--index", corpusIndex])
        #expect(show.stdout.contains("unicri-report-ccpcj27-zh ¶54 — 三. 犯罪和司法 › A. 阿拉伯之春国家资产追回试点项目\n2017 年，犯罪司法所继续协助埃及"))
        let missing = try run(["show", "nope", "--index", corpusIndex])
        #expect(missing.status == 1)
        #expect(missing.stderr == "parasearch: error: no document 'nope' in \(corpusIndex)\n")
    }

    @Test func aCorruptedIndexGivesOneClearErrorAndExitCode1() throws {
        let dir = temporaryIndex()
        _ = try run(["index", "Corpus/misc_en", "--index", dir])
        let file = dir + "/seg-000001.postings"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let r = try run(["search", "development", "--index", dir])
        #expect(r.status == 1)
        #expect(r.stderr == "parasearch: error: \(file): index file is damaged (checksum mismatch)\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func extractAndAnalyzeJSON() throws {
        let e = try run(["extract", "Corpus/ga_res_80_en/A_RES_80_1.md", "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        let doc = try #require(obj["document"] as? [String: Any])
        #expect(doc["symbol"] as? String == "A/RES/80/1" && doc["language"] as? String == "en")
        let paragraphs = try #require(obj["paragraphs"] as? [[String: Any]])
        #expect(paragraphs.compactMap { $0["number"] as? String } == ["1", "2", "3"])
        let a = try run(["analyze", "資產追回", "--json"])
        let tokens = try #require((try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])?["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["term"] as? String } == ["资产", "产追", "追回"])
        #expect(tokens.map { $0["start"] as? Int } == [0, 3, 6])
        let bad = try run(["extract", "/nonexistent.txt"])
        #expect(bad.status == 1 && bad.stderr == "parasearch: error: /nonexistent.txt: cannot read file: No such file or directory\n")
    }

    @Test func theDefaultIndexIsBuiltFromCorpusOnFirstSearch() throws {
        // A scratch copy of the project layout: Corpus/ and no Index/.
        let work = URL(fileURLWithPath: temporaryIndex())
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("Corpus/misc_en"), to: work.appendingPathComponent("Corpus"))
        let r = try run(["search", "right to development", "--limit", "1"], in: work)
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("parasearch: no index in Index/ yet; building it from Corpus/"))
        #expect(r.stdout.hasPrefix("1. undl_453500_A_C.3_56_draft_right_to_development"))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("Index/manifest").path))
    }

    @Test func incrementalIndexingReplacesChangedAndRemovesDeletedFiles() throws {
        let work = URL(fileURLWithPath: temporaryIndex())
        let corpus = work.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for n in 1...3 {
            try FileManager.default.copyItem(at: root.appendingPathComponent("Corpus/ga_res_80_en/A_RES_80_\(n).md"),
                                             to: corpus.appendingPathComponent("A_RES_80_\(n).md"))
        }
        try "not a report\u{0}\u{1}".write(to: corpus.appendingPathComponent("broken.txt"), atomically: true, encoding: .utf8)
        let idx = work.appendingPathComponent("idx").path
        let first = try run(["index", "reports", "--index", idx], in: work)
        #expect(first.status == 0)
        #expect(first.stdout.hasPrefix("indexed \(idx): 3 added, 0 updated, 0 removed, 0 unchanged, 1 failed; 3 documents"))
        #expect(first.stderr.contains("parasearch: skipped reports/broken.txt: binary data, not text (NUL byte at offset 12)"))
        let strict = try run(["index", "reports", "--index", idx, "--strict"], in: work)
        #expect(strict.status == 1)

        // Change one resolution, delete another.
        let changed = corpus.appendingPathComponent("A_RES_80_2.md")
        try (try String(contentsOf: changed, encoding: .utf8)).replacingOccurrences(of: "The General Assembly,", with: "The General Assembly, zanzibarian,")
            .write(to: changed, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: corpus.appendingPathComponent("A_RES_80_3.md"))
        try FileManager.default.removeItem(at: corpus.appendingPathComponent("broken.txt"))
        let second = try run(["index", "reports", "--index", idx], in: work)
        #expect(second.stdout.hasPrefix("indexed \(idx): 0 added, 1 updated, 1 removed, 1 unchanged, 0 failed; 2 documents"))
        let found = try run(["search", "zanzibarian", "--index", idx, "--json"], in: work)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect((obj["hits"] as? [[String: Any]])?.map { $0["symbol"] as? String } == ["A/RES/80/2"])
        let gone = try run(["show", "A/RES/80/3", "--index", idx], in: work)
        #expect(gone.status == 1)
    }

    @Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let dir = temporaryIndex()
        _ = try run(["index", "Corpus/misc_en", "--index", dir])
        // Hold the lock from this process, as a running indexer would.
        let fd = open(dir + "/write.lock", O_RDWR)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let r = try run(["index", "Corpus/misc_en", "--index", dir])
        #expect(r.status == 1)
        #expect(r.stderr.contains("another process is writing to this index"))
        // Readers are not blocked.
        #expect(try run(["search", "development", "--index", dir]).status == 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// UN PDFs read by layout, through the binary: pages and notes kept in the index, shown by
/// `search` and `show`; a joint document found by either symbol, without regard to case.
@Suite struct PDFCLITests {
    static let pdfs = root.appendingPathComponent("Tests/ParaExtractionTests/Fixtures/pdf").path
    /// pdftohtml on the PATH, as the extractor looks for it (CI installs poppler-utils).
    static var available: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/pdftohtml") }
    }

    @Test(.enabled(if: available)) func pagesNotesAndBothSymbolsOfAJointDocument() throws {
        let dir = temporaryIndex()
        let indexed = try run(["index", Self.pdfs, "--index", dir])
        #expect(indexed.status == 0, "\(indexed.stderr)")

        let json = try run(["search", "multi-stakeholder cooperation", "--doc", "s/2025/999", "--index", dir, "--json", "--limit", "1"])
        #expect(json.status == 0, "\(json.stderr)")
        let hits = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["hits"] as? [[String: Any]])
        let hit = try #require(hits.first)
        #expect(hit["symbol"] as? String == "A/80/999")
        #expect(hit["number"] as? String == "2")
        #expect(hit["citation"] as? String == "A/80/999 ¶2 — I. Introduction")
        #expect(hit["pages"] as? [Int] == [1])
        #expect(hit["notes"] as? [[String: String]] == [["mark": "1", "text": "See A/79/100, para. 12."]])

        // A footnote's words find the paragraph that cites it ("received" is only in the note).
        let note = try run(["search", "received", "--index", dir, "--json"])
        let noteHits = try #require((try JSONSerialization.jsonObject(with: Data(note.stdout.utf8)) as? [String: Any])?["hits"] as? [[String: Any]])
        #expect(noteHits.map { "\($0["symbol"] as? String ?? "") \($0["number"] as? String ?? "")" } == ["E/CN.5/2099/1 2"])
        // Its snippet is the note that matched, highlighted.
        #expect(noteHits.first?["snippet"] as? String == "[2] Information received from 40 local governments.")
        #expect(noteHits.first?["highlights"] as? [[Int]] == [[16, 24]])

        let show = try run(["show", "A/80/999", "4", "--index", dir])
        #expect(show.status == 0)
        #expect(show.stdout.contains("A/80/999 ¶4 — I. Introduction › A. Cooperation between national authorities and the financial intelligence units of the region  (pp. 1–2)"))
        let showNote = try run(["show", "a/80/999", "2", "--index", dir])
        #expect(showNote.stdout.contains("  [1] See A/79/100, para. 12."))

        let zh = try run(["search", "资产追回", "--index", dir, "--limit", "1"])
        #expect(zh.stdout.contains("E/CN.15/2099/1 ¶4"))
        #expect(zh.stdout.contains("zh-un.pdf  (p. 2)"))
    }
}

@Suite struct MarkupMessagesTests {
    @Test func libxml2NeverWritesToTheTerminal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parasearch-cli-html-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = Array("<html><head><meta charset=\"gbk\"></head><body><p>1. ".utf8) + [0xD7, 0xCA, 0xFF, 0xFF]
        bytes += Array("</p><p>2. Two.</p></body></html>".utf8)
        let file = dir.appendingPathComponent("bad.html")
        try Data(bytes).write(to: file)
        let r = try run(["extract", file.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("¶2"))
        // One line, ours, naming the file; nothing from libxml2 itself.
        #expect(r.stderr == "parasearch: warning: \(file.path): 2 bytes not valid in the declared charset gbk read as U+FFFD\n")
    }
}

/// One identity per file: the same file reached by several spellings or a link is one
/// document; a path given that no longer exists takes its documents with it; only regular files
/// are read; `remove` removes by id, symbol or path.
@Suite struct IdentityTests {
    func workspace(_ name: String = #function) throws -> URL {
        let dir = URL(fileURLWithPath: temporaryIndex(name))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try "1. Asset recovery is the subject.\n2. Second paragraph.\n".write(to: dir.appendingPathComponent("docs/z.txt"), atomically: true, encoding: .utf8)
        return dir
    }

    func hits(_ query: String, _ dir: URL) throws -> [String] {
        let r = try run(["search", query, "--index", "Idx", "--json"], in: dir)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (obj?["hits"] as? [[String: Any]] ?? []).map { "\($0["source"] as? String ?? "") \($0["number"] as? String ?? "")" }
    }

    @Test func threeSpellingsAndALinkAreOneDocument() throws {
        let dir = try workspace()
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("linked").path, withDestinationPath: dir.appendingPathComponent("docs").path)
        for spelling in ["docs", "./docs", dir.appendingPathComponent("docs").path, "linked", "docs/../docs/z.txt"] {
            let r = try run(["index", spelling, "--index", "Idx"], in: dir)
            #expect(r.status == 0, "\(spelling): \(r.stderr)")
        }
        #expect(try hits("asset", dir) == ["docs/z.txt 1"])
        // Deleted, then indexed through another spelling of its folder: gone.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("docs/z.txt"))
        let r = try run(["index", "./docs", "--index", "Idx"], in: dir)
        #expect(r.stdout.contains("1 removed"))
        #expect(try hits("asset", dir) == [])
    }

    @Test func aFileDeletedUnderTheRootFolderItselfIsRemoved() throws {
        let dir = try workspace()
        _ = try run(["index", ".", "--index", "Idx"], in: dir)
        #expect(try hits("asset", dir) == ["docs/z.txt 1"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("docs/z.txt"))
        let r = try run(["index", ".", "--index", "Idx"], in: dir)
        #expect(r.stdout.contains("1 removed"))
        #expect(try hits("asset", dir) == [])
    }

    @Test func aPathGivenThatNoLongerExistsRemovesItsDocuments() throws {
        let dir = try workspace()
        _ = try run(["index", "docs/z.txt", "--index", "Idx"], in: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("docs/z.txt"))
        let r = try run(["index", "docs/z.txt", "--index", "Idx"], in: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("docs/z.txt: no longer exists; removed 1 indexed file read from it"))
        #expect(try hits("asset", dir) == [])
        // A path that never existed is an error, and creates no index.
        let none = try run(["index", "nothere", "--index", "Other"], in: dir)
        #expect(none.status == 1)
        #expect(none.stderr == "parasearch: error: nothere: cannot read: No such file or directory\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("Other").path))
    }

    @Test func onlyRegularFilesAreReadAndReasonsAreTheRealOnes() throws {
        let dir = try workspace()
        #expect(mkfifo(dir.appendingPathComponent("docs/b.txt").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("docs/zero.txt").path, withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("docs/loop.txt").path, withDestinationPath: "loop.txt")
        let r = try run(["index", "docs", "--index", "Idx"], in: dir)     // a FIFO read would hang here
        #expect(r.status == 0)
        #expect(r.stderr.contains("skipped docs/b.txt: is a FIFO (named pipe), not a regular file"))
        #expect(r.stderr.contains("skipped docs/zero.txt: is a character device, not a regular file"))
        #expect(r.stderr.contains("skipped docs/loop.txt: cannot read file: Too many levels of symbolic links"))
        #expect(try hits("asset", dir) == ["docs/z.txt 1"])
    }

    @Test func aFileNameThatIsNotUTF8IsIndexedAndShownEscaped() throws {
        let dir = try workspace()
        // docs/r<E9>port<FF>.txt: Latin-1 bytes, not UTF-8.
        let name = dir.appendingPathComponent("docs").path + "/r\u{F7E9}port\u{F7FF}.txt"
        let fd = open(InputFiles.systemPath(name), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let text = Array("1. Latin-1 names are files too.\n".utf8)
        #expect(write(fd, text, text.count) == text.count)
        close(fd)
        let r = try run(["index", "docs", "--index", "Idx"], in: dir)
        #expect(r.status == 0 && r.stdout.contains("2 added"), "\(r.stderr)")
        #expect(try hits("latin", dir) == ["docs/r\\xE9port\\xFF.txt 1"])
        // Deleted: gone from the index.
        #expect(unlink(InputFiles.systemPath(name)) == 0)
        let again = try run(["index", "docs", "--index", "Idx"], in: dir)
        #expect(again.stdout.contains("1 removed"))
        #expect(try hits("latin", dir) == [])
    }

    @Test func removeByPathIdOrSymbol() throws {
        let dir = try workspace()
        try "---\nsymbol: A/80/5\n---\n\n1. Asset freezing.\n".write(to: dir.appendingPathComponent("docs/r.md"), atomically: true, encoding: .utf8)
        _ = try run(["index", "docs", "--index", "Idx"], in: dir)
        #expect(try hits("asset", dir).sorted() == ["docs/r.md 1", "docs/z.txt 1"])
        let bySymbol = try run(["remove", "a/80/5", "--index", "Idx"], in: dir)
        #expect(bySymbol.status == 0 && bySymbol.stdout.hasPrefix("removed 1 indexed file from Idx; 1 documents"))
        let byPath = try run(["remove", "./docs/z.txt", "--index", "Idx"], in: dir)
        #expect(byPath.status == 0)
        #expect(try hits("asset", dir) == [])
        let unknown = try run(["remove", "nothing-of-that-name", "--index", "Idx"], in: dir)
        #expect(unknown.status == 1 && unknown.stderr.contains("no document or indexed path of that name"))
    }
}

/// The indexer killed (SIGKILL) at seeded moments while it indexes and merges: after each
/// kill the index passes `check` (every posting and stored paragraph consistent), and the next
/// run completes it with every file.
@Suite struct KillTests {
    @Test func killedAtRandomMomentsTheIndexStaysSound() throws {
        let work = URL(fileURLWithPath: temporaryIndex())
        let docs = work.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        for i in 0..<120 {
            var text = ""
            for p in 1...60 { text += "\(p). Paragraph \(p) of report \(i) on asset recovery, 资产追回 and the rule of law.\n" }
            try text.write(to: docs.appendingPathComponent("r\(i).txt"), atomically: true, encoding: .utf8)
        }
        var state: UInt64 = 20261130
        func nextDelay() -> UInt32 {   // 5 to 125 ms, seeded
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return 5_000 + UInt32((state >> 33) % 120_000)
        }
        var kills = 0
        for round in 0..<10 {
            // Each round changes some files, so there is always work to interrupt.
            for i in stride(from: round % 4, to: 120, by: 4) {
                try "1. Revised in round \(round): asset recovery.\n2. Second.\n".write(to: docs.appendingPathComponent("r\(i).txt"), atomically: true, encoding: .utf8)
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try binary())
            p.arguments = ["index", "docs", "--index", "Idx", "--memory-budget", "1"] + (round % 3 == 2 ? ["--merge"] : [])
            p.currentDirectoryURL = work
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(nextDelay())
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
            if FileManager.default.fileExists(atPath: work.appendingPathComponent("Idx/manifest").path) {
                let check = try run(["check", "--index", "Idx", "--sample", "50"], in: work)
                #expect(check.status == 0, "round \(round): \(check.stdout)")
            }
        }
        // The next run completes the index: every file, whole.
        let last = try run(["index", "docs", "--index", "Idx"], in: work)
        #expect(last.status == 0)
        #expect(last.stdout.contains("; 120 documents, "))
        let check = try run(["check", "--index", "Idx", "--json"], in: work)
        let obj = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        #expect(obj?["sound"] as? Bool == true && obj?["documents"] as? Int == 120)
        #expect(kills >= 1)      // the property holds either way; this says the test exercised it
    }
}
