import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run many queries in one process; print a TREC run or JSON Lines, timing on stderr.",
        discussion: """
        QUERIES is TSV (qid<TAB>query; lines starting with # are skipped) or JSON Lines \
        ({"_id" or "id", "text"}). TREC lines are `qid Q0 docid rank score parasearch`, where \
        docid is the document id for a one-paragraph document, else DOCID#ORDINAL. A line that \
        is neither is reported on standard error and passed over.

        Examples:
          parasearch batch queries.tsv --limit 100 > run.trec
          parasearch batch queries.jsonl --format jsonl --index MyIndex
        """
    )

    enum Format: String, ExpressibleByArgument { case trec, jsonl }

    @Argument(help: "The queries file.")
    var queries: String

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Option(name: .long, help: "Hits per query.")
    var limit = 10

    @Option(name: .long, help: "Output format.")
    var format: Format = .trec

    @Option(name: .long, help: "BM25 k1 (default: the measured default).")
    var k1: Double?

    @Option(name: .long, help: "BM25 b.")
    var b: Double?

    @Option(name: .long, help: "Weight of the proximity bonus (0 = plain BM25).")
    var proximity: Double?

    @Option(name: .long, help: "Rank paragraphs holding more of the query's Chinese runs whole first (true/false).")
    var runsFirst: Bool?

    @Option(name: .long, help: "Weight of a query term found in the paragraph's headings or document title (0 = text only).")
    var sectionWeight: Double?

    @Option(name: .customLong("time-limit"), help: "Stop a search after this many seconds with the best hits so far (0: no limit).")
    var timeLimit: Double = 10

    @Flag(name: .customLong("no-translate"), help: "Do not also search the other language with the queries translated.")
    var noTranslate = false

    @Option(name: .long, help: "Weight of a translated term against an original one.")
    var translatedWeight: Double?

    @Option(name: .long, help: "Share of the direct list's best score that the translated list's best is scaled to.")
    var translationShare: Double?

    @Option(name: .long, help: "Share of the paragraphs above which a word of a longer English gloss is left out of a translation that has a rarer word (0: none).")
    var commonGlossWords: Double?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        if let k1 { guard k1.isFinite, k1 >= 0 else { throw ValidationError("--k1 must be 0 or more") } }
        if let b { guard b.isFinite, (0...1).contains(b) else { throw ValidationError("--b must be from 0 to 1") } }
        if let proximity { guard proximity.isFinite, proximity >= 0 else { throw ValidationError("--proximity must be 0 or more") } }
        if let sectionWeight { guard sectionWeight.isFinite, sectionWeight >= 0 else { throw ValidationError("--section-weight must be 0 or more") } }
        if let commonGlossWords { guard commonGlossWords.isFinite, (0...1).contains(commonGlossWords) else { throw ValidationError("--common-gloss-words must be from 0 to 1") } }
        guard timeLimit.isFinite, timeLimit >= 0 else { throw ValidationError("--time-limit takes seconds (0 for no limit)") }
    }

    func run() throws {
        let snapshot = try openIndex(index, defaultDirectory: index == "Index")
        let list = try reportingErrors { try readQueries(queries) }
        let searcher = Searcher(snapshot: snapshot)
        IndexSnapshot.keepFreedMemoryForSearches()
        // (Many queries: what they share is made on the other core while the first ones run.
        // The language table serves translated queries and `lang:` filters only.)
        if !noTranslate || list.contains(where: { $0.1.contains("lang:") }) { searcher.prepareInBackground(translating: !noTranslate) }
        var options = SearchOptions(limit: limit)
        options.countTotal = format == .jsonl
        options.snippets = format == .jsonl
        if let k1 { options.bm25.k1 = k1 }
        if let b { options.bm25.b = b }
        if let proximity { options.proximityWeight = proximity }
        if let runsFirst { options.runsFirst = runsFirst }
        if let sectionWeight { options.sectionWeight = sectionWeight }
        options.translate = !noTranslate
        // (No limit for 0, or for more than a day.)
        options.timeLimit = timeLimit > 0 && timeLimit < 86_400 ? .milliseconds(Int64(timeLimit * 1000)) : nil
        if let translatedWeight { options.translatedTermWeight = translatedWeight }
        if let translationShare { options.translationShare = translationShare }
        if let commonGlossWords { options.commonGlossWords = commonGlossWords }
        var latencies: [Double] = []
        var out = ""
        let started = DispatchTime.now().uptimeNanoseconds
        for (qid, text) in list {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let results: SearchResults
            do {
                results = try searcher.search(text, options: options)
                if results.isPartial { printError("query \(qid): stopped at the time limit; its results are partial") }
            } catch let error as ParaError {
                printError("parasearch: query \(qid): \(error)")
                continue
            }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            switch format {
            case .trec:
                for hit in results.hits {
                    out += "\(qid) Q0 \(hit.runID) \(hit.rank) \(sixDecimals(hit.score)) parasearch\n"
                }
            case .jsonl:
                // The results as the library encodes them, with the query's id.
                var obj = try JSONSerialization.jsonObject(with: Data(jsonString(encoding: results).utf8)) as! [String: Any]
                obj["qid"] = qid
                out += jsonString(obj) + "\n"
            }
            if out.utf8.count > 1 << 20 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        latencies.sort()
        func pct(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1 < 0 ? 0 : Int((p * Double(latencies.count)).rounded(.up)) - 1)]
        }
        printError(String(format: "queries %d p50 %.3f ms p90 %.3f ms p99 %.3f ms qps %.1f",
                          latencies.count, pct(0.5), pct(0.9), pct(0.99), wall > 0 ? Double(latencies.count) / wall : 0))
    }
}

/// `x` as `%.6f` writes it, through the C library (Foundation's `String(format:)` was 3 % of the
/// instructions of a TREC run over the perf queries).
func sixDecimals(_ x: Double) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
        let n = withVaList([x]) { vsnprintf(buffer.baseAddress, 64, "%.6f", $0) }
        // (A number too long for the buffer is written the slow way.)
        guard n > 0, n < 64 else { return String(format: "%.6f", x) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(n)), as: UTF8.self)
    }
}

/// Reads `qid<TAB>query` lines or JSON Lines `{"_id"|"id", "text"}`; a line that is neither
/// (or has no query) is reported on standard error and passed over.
func readQueries(_ path: String) throws -> [(String, String)] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ParaError(.unreadableInput, file: path, "cannot read queries file") }
    guard let text = String(data: data, encoding: .utf8) else { throw ParaError(.unreadableInput, file: path, "queries file is not UTF-8") }
    var out: [(String, String)] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
        if line.hasPrefix("{") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = obj["_id"] ?? obj["id"], let q = obj["text"] as? String, !q.allSatisfy(\.isWhitespace) else {
                printError("parasearch: \(path): line \(n + 1) skipped: expected {\"_id\", \"text\"} with a query")
                continue
            }
            out.append(("\(id)", q))
        } else {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, !parts[1].allSatisfy(\.isWhitespace) else {
                printError("parasearch: \(path): line \(n + 1) skipped: expected qid<TAB>query")
                continue
            }
            out.append((String(parts[0]), String(parts[1])))
        }
    }
    return out
}
