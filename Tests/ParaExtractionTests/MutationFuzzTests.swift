import Foundation
import Testing
import ParaTestSupport
@testable import ParaExtraction
import ParaCore

/// A seeded random mutator over every extractor: valid inputs are damaged (bit flips, byte
/// insertions and deletions, spliced chunks, truncations) and fed to the extractor. Any result
/// is fine — documents or a `ParaError` — except a crash, a hang or another error type.
@Suite struct MutationFuzzTests {

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = input
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            guard !b.isEmpty else { b = [UInt8.random(in: 0...255, using: &rng)]; continue }
            let i = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1: b.insert(UInt8.random(in: 0...255, using: &rng), at: i)
            case 2: b.remove(at: i)
            case 3:
                let n = Int.random(in: 1...min(64, b.count - i), using: &rng)
                let j = Int.random(in: 0..<b.count, using: &rng)
                b.insert(contentsOf: b[i..<(i + n)], at: j)
            case 4: b.removeLast(Int.random(in: 0...(b.count - i), using: &rng))
            case 5: b.insert(contentsOf: Array(["<", "&", "\"", "\u{0}", "</p>", "<!ENTITY", "1. ", "一. ", "\n\n", "]]>", "\u{FEFF}"]
                .randomElement(using: &rng)!.utf8), at: i)
            default: b[i] = [0x00, 0xFF, 0xC0, 0xE8, 0x0A, 0x3C][Int.random(in: 0..<6, using: &rng)]
            }
        }
        return b
    }

    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("parasearch-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static func seeds() throws -> [(InputFormat, String, [UInt8], Int)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let report = try [UInt8](Data(contentsOf: root.appendingPathComponent("Corpus/unicri-report-ccpcj27-zh.txt")).prefix(6000))
        let resolution = try [UInt8](Data(contentsOf: root.appendingPathComponent("Corpus/ga_res_80_en/A_RES_80_1.md")))
        let docxURL = dir.appendingPathComponent("seed.docx")
        try ReportFixture.docx(to: docxURL)
        let docx = try [UInt8](Data(contentsOf: docxURL))
        // Stored (uncompressed) entries, so that mutations reach the XML inside.
        try ReportFixture.docx(to: docxURL, compression: .none)
        let storedDocx = try [UInt8](Data(contentsOf: docxURL))
        return [
            (.text, "f.txt", report, 1500),
            (.markdown, "f.md", resolution, 1500),
            (.jsonLines, "f.jsonl", Array("{\"id\": \"a\", \"text\": \"资产追回\", \"title\": \"t\"}\n{\"_id\": 2, \"text\": \"x\"}\n".utf8), 1500),
            (.html, "f.html", Array(ReportFixture.html().utf8), 1500),
            (.xml, "f.xml", Array(ReportFixture.xml().utf8), 1500),
            (.docx, "f.docx", docx, 600),
            (.docx, "g.docx", storedDocx, 600),
            (.pdf, "f.pdf", [UInt8](ReportFixture.pdf()), 40),
        ]
    }

    @Test func mutatedInputsNeverCrashAnExtractor() throws {
        var rng = SplitMix64(state: 20261129)
        var summary: [String] = []
        // PARASEARCH_FUZZ_SCALE=20 runs twenty times as many inputs (for a longer session by hand).
        let scale = Int(ProcessInfo.processInfo.environment["PARASEARCH_FUZZ_SCALE"] ?? "") ?? 1
        for (format, name, seed, baseRuns) in try Self.seeds() {
            let runs = baseRuns * max(1, scale)
            var documents = 0, refused = 0
            for _ in 0..<runs {
                let input = Self.mutate(seed, &rng)
                let path = Self.dir.appendingPathComponent(name).path
                do {
                    let docs: [ExtractedDocument]
                    if format == .pdf {
                        try Data(input).write(to: URL(fileURLWithPath: path))
                        docs = try DocumentExtractor().extract(path: path)
                    } else {
                        docs = try DocumentExtractor().extract(data: Data(input), format: format, path: path)
                    }
                    documents += 1
                    for d in docs { #expect(d.paragraphs.allSatisfy { !$0.text.isEmpty }) }
                } catch is ParaError {
                    refused += 1
                }
            }
            #expect(documents + refused == runs)
            summary.append("\(format.rawValue) \(runs) (\(documents) read, \(refused) refused)")
        }
        print("mutation fuzz: " + summary.joined(separator: "; "))
    }
}
