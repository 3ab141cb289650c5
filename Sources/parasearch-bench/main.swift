import Foundation
import ParaSearch

// Release-mode benchmarks. Not tests: they print numbers, they assert nothing.
//
//   swift run -c release parasearch-bench analyzer [FILE ...]
//
// `analyzer` tokenises mixed Chinese/English text (by default every file in Corpus/, repeated
// to 64 MB) on one core and prints MB/s of input UTF-8.

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
        let start = DispatchTime.now().uptimeNanoseconds
        bytes.withUnsafeBufferPointer { p in
            session.analyze(utf8: p) { _, _, _, _ in count += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, seconds)
        terms = count
    }
    let mb = Double(bytes.count) / 1e6
    var han = 0, scalars = 0
    for u in sample.unicodeScalars { scalars += 1; if u.value >= 0x4E00 && u.value <= 0x9FFF { han += 1 } }
    print(String(format: "analyzer %@: %.1f MB in %.3f s = %.0f MB/s (best of 5, one core), %d terms, %.0f%% Han scalars",
                 Analyzer.identity, mb, best, mb / best, terms, Double(han) * 100 / Double(max(1, scalars))))
}

func corpusFiles() -> [String] {
    var out: [String] = []
    let root = "Corpus"
    if let e = FileManager.default.enumerator(atPath: root) {
        for case let p as String in e where DocumentExtractor.isInput(p) { out.append(root + "/" + p) }
    }
    return out.sorted()
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "analyzer":
    analyzerBenchmark(Array(args.dropFirst()))
default:
    print("usage: parasearch-bench analyzer [FILE ...]")
}
