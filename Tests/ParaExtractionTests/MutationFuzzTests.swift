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

    /// Damage at the level of characters: the text stays valid UTF-8, so that it reaches the
    /// parsers (markup, numbering, JSON) instead of the encoding check.
    static func mutate(text: String, _ rng: inout SplitMix64) -> String {
        var c = Array(text)
        let inserts: [String] = ["<", ">", "&", "&amp;", "\"", "'", "</p>", "<p>", "<h2>", "</w:t>", "<w:p>", "1. ", "2.3 ", "(a) ",
                                 "一、", "（三）", "第十二条", "\n", "\n\n", "# ", "---\n", "{", "}", ":", ",", "[", "]", "\\",
                                 "资产", "追回", "\u{3000}", "\t", "…", "\u{200B}", "¶", "A/RES/80/1", "<!-- ", " -->", "<![CDATA["]
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            guard !c.isEmpty else { c = Array(inserts.randomElement(using: &rng)!); continue }
            let i = Int.random(in: 0..<c.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: c.insert(contentsOf: Array(inserts.randomElement(using: &rng)!), at: i)
            case 1: c.removeSubrange(i..<min(c.count, i + Int.random(in: 1...20, using: &rng)))
            case 2:
                let n = Int.random(in: 1...min(200, c.count - i), using: &rng)
                c.insert(contentsOf: c[i..<(i + n)], at: Int.random(in: 0..<c.count, using: &rng))
            case 3: c.swapAt(i, Int.random(in: 0..<c.count, using: &rng))
            default: c.removeLast(Int.random(in: 0...(c.count - i), using: &rng) / 4)
            }
        }
        return String(c)
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

    /// Bytes damaged anywhere (the encoding, the archive's checksums and the parsers all see
    /// some), then characters damaged (half the runs of each text format, and DOCX documents
    /// re-zipped with right checksums: the parsers see them all). Every input gives documents
    /// or a `ParaError` naming the file; character damage mostly still gives documents, so the
    /// parsers were reached.
    @Test func mutatedInputsNeverCrashAnExtractor() throws {
        var rng = SplitMix64(state: 20261129)
        var summary: [String] = []
        // PARASEARCH_FUZZ_SCALE=20 runs twenty times as many inputs (for a longer session by hand).
        let scale = Int(ProcessInfo.processInfo.environment["PARASEARCH_FUZZ_SCALE"] ?? "") ?? 1
        /// Whether the input gave documents; a refusal must name the file (a DOCX's part after it).
        func attempt(_ format: InputFormat, _ input: [UInt8], _ name: String, refusal: (ParaError) -> Void = { _ in }) -> Bool {
            let path = Self.dir.appendingPathComponent(name).path
            do {
                let docs: [ExtractedDocument]
                if format == .pdf || format == .docx {
                    try Data(input).write(to: URL(fileURLWithPath: path))
                    docs = try DocumentExtractor().extract(path: path)
                } else {
                    docs = try DocumentExtractor().extract(data: Data(input), format: format, path: path)
                }
                for d in docs { #expect(d.paragraphs.allSatisfy { !$0.text.isEmpty }) }
                return true
            } catch let error as ParaError {
                #expect(error.file.map { $0 == path || $0.hasPrefix(path + ":") } == true && !error.message.isEmpty, "\(error)")
                refusal(error)
                return false
            } catch {
                Issue.record("\(name): not a ParaError: \(error)")
                return false
            }
        }
        for (format, name, seed, baseRuns) in try Self.seeds() {
            let runs = baseRuns * max(1, scale)
            let textual = [.text, .markdown, .jsonLines, .html, .xml].contains(format)
            var byteRead = 0, byteRuns = 0, charRead = 0, charRuns = 0
            for run in 0..<runs {
                if textual && run % 2 == 1 {
                    charRuns += 1
                    let input = Array(Self.mutate(text: String(decoding: seed, as: UTF8.self), &rng).utf8)
                    // Valid UTF-8 damaged: the parser, not the encoding check, has the last word.
                    if attempt(format, input, name, refusal: { error in
                        #expect(!error.message.hasPrefix("not valid UTF-8") && !error.message.hasPrefix("binary data"), "\(error)")
                    }) { charRead += 1 }
                } else {
                    byteRuns += 1
                    if attempt(format, Self.mutate(seed, &rng), name) { byteRead += 1 }
                }
            }
            // Lenient formats read most damaged text; strict ones (XML, JSON Lines) refuse it whole.
            if [.text, .markdown, .html].contains(format) {
                #expect(charRead * 10 >= charRuns * 8, "\(format): \(charRead) of \(charRuns) damaged texts read")
            }
            summary.append("\(format.rawValue) \(byteRuns) bytes (\(byteRead) read)" + (textual ? ", \(charRuns) characters (\(charRead) read)" : ""))
        }
        // DOCX: the document part damaged as text, then zipped again with right checksums.
        let entries = ReportFixture.docxEntries()
        let docxRuns = 300 * max(1, scale)
        var docxRead = 0
        for _ in 0..<docxRuns {
            var damaged = entries
            damaged[0].1 = Self.mutate(text: entries[0].1, &rng)
            let url = Self.dir.appendingPathComponent("z.docx")
            try ReportFixture.zip(to: url, entries: damaged)
            // The archive is sound: what refuses it is the XML parser.
            if attempt(.docx, [UInt8](try Data(contentsOf: url)), "z.docx", refusal: { error in
                #expect(!error.message.contains("zip") && !error.message.contains("checksum"), "\(error)")
            }) { docxRead += 1 }
        }
        #expect(docxRead > 0, "no re-zipped document was read")
        summary.append("docx re-zipped \(docxRuns) (\(docxRead) read)")
        print("mutation fuzz: " + summary.joined(separator: "; "))
    }
}
