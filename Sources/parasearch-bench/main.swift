import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

// Release-mode benchmarks. Not tests: they print numbers and assert nothing.
//
//   parasearch-bench analyzer [FILE ...]
//       tokenises mixed Chinese/English text (default: Corpus/, half of the bytes each) on one
//       core and prints MB/s of input UTF-8.
//   parasearch-bench index CORPUS INDEX [--memory-budget MB] [--merge]
//       indexes CORPUS (a file or folder) into a new INDEX; prints one JSON line: wall time,
//       MB/s, peak RSS, size on disk by part. --merge: end with one segment (as the peers'
//       Lucene run ends with forceMerge(1)).
//   parasearch-bench query INDEX QUERIES.tsv [--limit K] [--threads N] [--plain] [--no-translate] [--one-core]
//       opens INDEX (time to open and answer the first query), then replays the queries
//       single-threaded as the peer harness does — warm-up passes until ≥ 2000 executions and
//       ≥ 3 s (at most 10 s), timed passes until ≥ 1000 executions and ≥ 3 s (at most 20 s) —
//       and prints one JSON line: p50/p90/p99/mean ms, QPS, median per language, and QPS with
//       N threads sharing the snapshot (default 2). --plain: BM25 only (no proximity rerank, no
//       translated query); --no-translate: no translated query; --one-core: the translated
//       query searched after the query, not beside it on the second core.
//       --slowest N: also list the N queries with the highest median latency (on stderr).
//   parasearch-bench translate QUERIES.tsv
//       the dictionary translation alone of each query line (one with a Chinese character into
//       English, any other into Chinese; the search translates only a query's words, and not a
//       query of both languages): prints one JSON line, µs per query by language, and the ms
//       of the process's first translation each way (the tables made on first use).

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // kilobytes on Linux
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func analyzerBenchmark(_ files: [String]) {
    var sample = ""
    for f in files { if let s = try? String(contentsOfFile: f, encoding: .utf8) { sample += s + "\n" } }
    if files.isEmpty {
        // Default: the Corpus's Chinese and English text, half of the bytes each.
        let all = corpusFiles().compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        let zh = all.filter { detectLanguage($0) == .zh }.joined(separator: "\n")
        let en = all.filter { detectLanguage($0) == .en }.joined(separator: "\n")
        guard !zh.isEmpty, !en.isEmpty else { print("no Corpus/ here; give files"); return }
        var zhPart = zh
        while zhPart.utf8.count < en.utf8.count { zhPart += "\n" + zh }
        sample = zhPart + "\n" + en
    }
    guard !sample.isEmpty else { print("no input"); return }
    var text = ""
    let target = Int(ProcessInfo.processInfo.environment["BENCH_MB"] ?? "") ?? 64
    while text.utf8.count < target << 20 { text += sample }
    let bytes = Array(text.utf8)
    let session = AnalysisSession()
    var best = Double.infinity
    var terms = 0
    for _ in 0..<5 {
        var count = 0
        let start = now()
        bytes.withUnsafeBufferPointer { p in
            session.analyze(utf8: p) { _, _, _, _ in count += 1 }
        }
        best = min(best, now() - start)
        terms = count
    }
    let mb = Double(bytes.count) / 1e6
    var han = 0, scalars = 0
    for u in sample.unicodeScalars { scalars += 1; if u.value >= 0x4E00 && u.value <= 0x9FFF { han += 1 } }
    print(String(format: "analyzer %@: %.1f MB in %.3f s = %.0f MB/s (best of 5, one core), %d terms, %.0f%% Han scalars",
                 Analyzer.identity, mb, best, mb / best, terms, Double(han) * 100 / Double(max(1, scalars))))
}

func corpusFiles() -> [String] {
    var failures: [ParaError] = []
    return InputFiles.find(under: "Corpus", failures: &failures)
}

func option(_ args: [String], _ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Size of a file, following symbolic links.
func fileSize(_ path: String) -> Int {
    (try? URL(fileURLWithPath: path).resolvingSymlinksInPath().resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
}

func directorySize(_ path: String) -> Int {
    var total = 0
    for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
        total += ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.size] as? Int) ?? 0
    }
    return total
}

func indexBenchmark(_ args: [String]) throws {
    guard args.count >= 2 else { print("usage: parasearch-bench index CORPUS INDEX [--memory-budget MB]"); return }
    let corpus = args[0], directory = args[1]
    try? FileManager.default.removeItem(atPath: directory)
    var indexer = Indexer(directory: directory)
    if let mb = option(args, "--memory-budget").flatMap(Int.init) { indexer.memoryBudget = mb << 20 }
    indexer.mergeAll = args.contains("--merge")
    var inputBytes = 0
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: corpus, isDirectory: &isDir)
    if isDir.boolValue {
        var failures: [ParaError] = []
        for f in InputFiles.find(under: corpus, failures: &failures) { inputBytes += fileSize(f) }
    } else {
        inputBytes = fileSize(corpus)
    }
    let start = now()
    let report = try indexer.index(paths: [corpus])
    let wall = now() - start
    let peak = peakRSSMegabytes()   // before the snapshot below maps the index
    let snapshot = try IndexSnapshot.open(directory: directory)
    var sizes = snapshot.fileSizes()
    sizes["total"] = directorySize(directory)
    sizes["without_stored"] = (sizes["total"] ?? 0) - (sizes["stored"] ?? 0)
    emit([
        "bench": "index", "corpus": corpus, "documents": report.documents, "paragraphs": report.paragraphs,
        "segments": report.segments, "failed": report.failures.count, "wall_s": wall,
        "input_mb": Double(inputBytes) / 1e6, "mb_per_s": Double(inputBytes) / 1e6 / wall,
        "peak_rss_mb": peak, "memory_budget_mb": indexer.memoryBudget >> 20,
        "bytes": sizes,
    ])
}

func queryBenchmark(_ args: [String]) throws {
    guard args.count >= 2 else { print("usage: parasearch-bench query INDEX QUERIES.tsv [--limit K] [--threads N] [--plain] [--no-translate] [--one-core]"); return }
    let directory = args[0]
    var queries: [String] = []
    for line in try String(contentsOfFile: args[1], encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: "\t", maxSplits: 1)
        if parts.count == 2 { queries.append(String(parts[1])) }
    }
    guard !queries.isEmpty else { print("no queries"); return }
    var options = SearchOptions(limit: Int(option(args, "--limit") ?? "") ?? 10)
    options.countTotal = false
    options.snippets = false
    if args.contains("--plain") { options.proximityWeight = 0; options.runsFirst = false }
    if args.contains("--plain") || args.contains("--no-translate") { options.translate = false }
    // (The default searches a query's translation on the second core while it searches the query.)
    if args.contains("--one-core") { options.secondCore = false }
    let threads = Int(option(args, "--threads") ?? "") ?? 2

    let openStart = now()
    let snapshot = try IndexSnapshot.open(directory: directory)
    let openSeconds = now() - openStart
    let searcher = Searcher(snapshot: snapshot)
    IndexSnapshot.keepFreedMemoryForSearches()   // (as `batch` does)
    _ = try searcher.search(queries[0], options: options)
    let firstQuerySeconds = now() - openStart

    // Warm-up, then timed passes (the peer harness's protocol).
    var executions = 0
    let warmStart = now()
    while (executions < 2000 || now() - warmStart < 3) && now() - warmStart < 10 {
        for q in queries { _ = try searcher.search(q, options: options); executions += 1 }
    }
    var latencies: [Double] = []
    var perQuery = [[Double]](repeating: [], count: queries.count)
    let timedStart = now()
    while (latencies.count < 1000 || now() - timedStart < 3) && now() - timedStart < 20 {
        for (i, q) in queries.enumerated() {
            let t = now()
            _ = try searcher.search(q, options: options)
            let ms = (now() - t) * 1000
            latencies.append(ms)
            perQuery[i].append(ms)
        }
    }
    let timedWall = now() - timedStart
    latencies.sort()
    func pct(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] }
    func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
    if let n = option(args, "--slowest").flatMap(Int.init) {
        let slowest = queries.indices.sorted { median(perQuery[$0]) > median(perQuery[$1]) }.prefix(n)
        for i in slowest { FileHandle.standardError.write(Data(String(format: "%8.3f ms  %@\n", median(perQuery[i]), queries[i]).utf8)) }
    }
    let isChinese = queries.map { q in q.unicodeScalars.contains { $0.value >= 0x3400 && $0.value <= 0x9FFF } }
    let zh = queries.indices.filter { isChinese[$0] }.map { median(perQuery[$0]) }
    let en = queries.indices.filter { !isChinese[$0] }.map { median(perQuery[$0]) }

    // Several threads on one snapshot: each replays the whole query list.
    let threadStart = now()
    let group = DispatchGroup()
    let passes = max(1, 2000 / queries.count)
    let list = queries, opts = options
    for _ in 0..<threads {
        group.enter()
        Thread {
            for _ in 0..<passes { for q in list { _ = try? searcher.search(q, options: opts) } }
            group.leave()
        }.start()
    }
    group.wait()
    let threadQPS = Double(threads * passes * queries.count) / (now() - threadStart)

    emit([
        "bench": "query", "index": directory, "queries": queries.count, "limit": options.limit,
        "pipeline": args.contains("--plain") ? "bm25" : args.contains("--no-translate") ? "bm25+proximity"
            : args.contains("--one-core") ? "bm25+proximity+translation, one core" : "bm25+proximity+translation",
        "open_s": openSeconds, "open_and_first_query_s": firstQuerySeconds,
        "p50_ms": pct(0.5), "p90_ms": pct(0.9), "p99_ms": pct(0.99),
        "mean_ms": latencies.reduce(0, +) / Double(latencies.count),
        "qps": Double(latencies.count) / timedWall, "executions": latencies.count,
        "zh_median_ms": median(zh), "en_median_ms": median(en),
        "threads": threads, "qps_threads": threadQPS,
        "peak_rss_mb": peakRSSMegabytes(),
    ])
}

func translateBenchmark(_ args: [String]) throws {
    guard let file = args.first else { print("usage: parasearch-bench translate QUERIES.tsv"); return }
    let queries = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").compactMap { line in
        line.hasPrefix("#") ? nil : line.split(separator: "\t", maxSplits: 1).dropFirst().first.map(String.init)
    }
    guard !queries.isEmpty else { print("no queries"); return }
    // The tables' first uses (a process's first translation each way), before anything else.
    var out: [String: Any] = ["bench": "translate"]
    var start = now()
    _ = QueryTranslator.chineseToEnglish("资产")
    out["first_zh_ms"] = (now() - start) * 1000
    start = now()
    _ = QueryTranslator.englishToChinese("asset")
    out["first_en_ms"] = (now() - start) * 1000
    let chinese = queries.map { q in q.unicodeScalars.contains { $0.value >= 0x3400 && $0.value <= 0x9FFF } }
    // Best of five passes, per language.
    for (name, zh) in [("zh", true), ("en", false)] {
        let list = zip(queries, chinese).filter { $0.1 == zh }.map(\.0)
        guard !list.isEmpty else { continue }
        let translate = zh ? QueryTranslator.chineseToEnglish : QueryTranslator.englishToChinese
        var targets = 0
        for q in list { targets += translate(q).reduce(0) { $0 + $1.targets.count } }   // (tables made on first use)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = now()
            for q in list { _ = translate(q) }
            best = min(best, now() - start)
        }
        out["\(name)_queries"] = list.count
        out["\(name)_targets"] = targets
        out["\(name)_us_per_query"] = best / Double(list.count) * 1e6
    }
    emit(out)
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "analyzer": analyzerBenchmark(Array(args.dropFirst()))
    case "index": try indexBenchmark(Array(args.dropFirst()))
    case "query": try queryBenchmark(Array(args.dropFirst()))
    case "translate": try translateBenchmark(Array(args.dropFirst()))
    default: print("usage: parasearch-bench analyzer|index|query|translate … (see the comment at the top of main.swift)")
    }
} catch {
    FileHandle.standardError.write(Data("parasearch-bench: \(error)\n".utf8))
    exit(1)
}
