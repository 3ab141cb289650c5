import Foundation
import Testing
import ParaTestSupport
import ZIPFoundation
@testable import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

/// A folder of damaged and hostile files next to good ones: each bad file gets one clear
/// error naming it, the good files are indexed, nothing crashes, hangs or leaks a local file.
@Suite struct HostileCorpusTests {
    static func zip(_ url: URL, _ entries: [(String, Data)], compression: CompressionMethod = .deflate) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression,
                                 bufferSize: 1 << 16) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    static let goodDocument = Data("""
    <?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
    <w:p><w:r><w:t>1. A good paragraph about asset recovery.</w:t></w:r></w:p></w:body></w:document>
    """.utf8)

    /// (file name, bytes or nil for special files, expected message fragment or nil for "indexes fine")
    static func build(in dir: URL) throws -> [String: String] {
        let fm = FileManager.default
        var expected: [String: String] = [:]
        func put(_ name: String, _ data: Data, _ message: String?) throws {
            try data.write(to: dir.appendingPathComponent(name))
            if let message { expected[name] = message }
        }
        try put("good.txt", Data("1. Asset recovery in the region.\n2. A second paragraph.\n".utf8), nil)
        try put("good.md", Data("---\nsymbol: A/RES/1/1\n---\n\n1. Decides to recover assets;\n".utf8), nil)
        try put("xxe.xml", Data("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x><p>&e;</p></x>".utf8),
                "XML declares entities in its DTD; refused")
        try put("external-dtd.xml", Data("<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"http://127.0.0.1:9/evil.dtd\"><x><p>hi</p></x>".utf8),
                "XML refers to an external DTD (http://127.0.0.1:9/evil.dtd); refused")
        var laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for i in 1...9 { laughs += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">" }
        laughs += "]><lolz><p>&lol9;</p></lolz>"
        try put("billion-laughs.xml", Data(laughs.utf8), "entit")
        try put("deep.xml", Data((String(repeating: "<a>", count: 100_000) + "x" + String(repeating: "</a>", count: 100_000)).utf8),
                "not well-formed XML")
        try put("deep.html", Data(("<html><body>" + String(repeating: "<div>", count: 100_000) + "deep text").utf8), "nested deeper")
        try put("xxe.html", Data("<!DOCTYPE html [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><html><body><p>1. Safe &e; text.</p></body></html>".utf8), nil)
        try put("bad-utf8.xml", Data([0x3C, 0x78, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x78, 0x3E]), "not well-formed XML")
        try put("invalid-utf8.txt", Data(Array("1. 资产".utf8) + [0xB1, 0xA8, 0x0A]), "not valid UTF-8")
        try put("mixed.txt", Data(Array("1. Assets — part UTF-8, ".utf8) + [0xC9, 0xE7] + Array(" part GBK.\n".utf8)), "not valid UTF-8")
        try put("nul.txt", Data([0x31, 0x2E, 0x20, 0x41, 0x00, 0x42]), "binary data, not text")
        try put("empty.md", Data(), "file is empty")
        try put("truncated.pdf", Data("%PDF-1.4\n1 0 obj << /Type /Catalog".utf8), PDFExtractorAvailable ? "not a readable PDF" : "poppler-utils")
        try put("bad.jsonl", Data("{\"id\": 1, \"text\": \"ok\"}\n{broken\n".utf8), "line 2: not a JSON object")
        // DOCX: truncated, a zip bomb, missing document, a path-traversal entry (harmless: never extracted).
        let docx = dir.appendingPathComponent("good.docx")
        try zip(docx, [("word/document.xml", goodDocument), ("../../../../tmp/parasearch-escaped.txt", Data("x".utf8))])
        let bytes = try Data(contentsOf: docx)
        try put("truncated.docx", bytes.prefix(bytes.count / 2), "not a valid DOCX (zip) file")
        let bomb = Data(repeating: 0x20, count: 40 << 20)
        try zip(dir.appendingPathComponent("bomb.docx"), [("word/document.xml", bomb)])
        expected["bomb.docx"] = "refused (zip bomb?)"
        try zip(dir.appendingPathComponent("nodoc.docx"), [("word/other.xml", goodDocument)])
        expected["nodoc.docx"] = "not a Word document (no word/document.xml)"
        // A folder named like a file, and a symlink loop.
        try fm.createDirectory(at: dir.appendingPathComponent("folder.txt"), withIntermediateDirectories: true)
        expected["folder.txt"] = "is a directory, not a file"
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop-a.txt").path, withDestinationPath: "loop-b.txt")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop-b.txt").path, withDestinationPath: "loop-a.txt")
        expected["loop-a.txt"] = "Too many levels of symbolic links"
        expected["loop-b.txt"] = "Too many levels of symbolic links"
        try fm.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("sub/up").path, withDestinationPath: "..")
        return expected
    }

    static var PDFExtractorAvailable: Bool {
        ["/usr/bin/pdftohtml", "/usr/local/bin/pdftohtml"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func everyBadFileIsRefusedCleanlyAndTheRestIsIndexed() throws {
        let dir = URL(fileURLWithPath: temporaryDirectory())
        try? FileManager.default.removeItem(atPath: "/tmp/parasearch-escaped.txt")
        let expected = try Self.build(in: dir)
        let indexDirectory = temporaryDirectory()
        let report = try Indexer(directory: indexDirectory).index(paths: [dir.path])
        var byFile: [String: [String]] = [:]
        for f in report.failures { byFile[(f.file.map { ($0 as NSString).lastPathComponent }) ?? "", default: []].append(f.message) }
        for (name, fragment) in expected {
            let messages = byFile[name] ?? []
            #expect(messages.count == 1, "\(name): \(messages)")
            #expect(messages.first?.contains(fragment) == true, "\(name): \(messages)")
        }
        #expect(Set(byFile.keys) == Set(expected.keys), "unexpected failures: \(byFile)")
        // good.txt, good.md, good.docx, xxe.html.
        #expect(report.documents == 4)
        #expect(report.added == 4)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/parasearch-escaped.txt"))
        // Nothing from /etc/passwd reached the index.
        let snapshot = try IndexSnapshot.open(directory: indexDirectory)
        for segment in snapshot.segments {
            for i in 0..<segment.paragraphCount { #expect(!(try segment.paragraph(i).text.contains("root:"))) }
        }
    }
}

@Suite struct LargeFileTests {
    /// A JSON Lines file is read in chunks however large, so the size limit for files read
    /// whole does not refuse it; any other file over the limit is refused with the reason.
    @Test func aJSONLinesFileOverTheWholeFileLimitIsIndexedOthersAreRefused() throws {
        let dir = temporaryDirectory("large")
        let corpus = dir + "/in"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let lines = (0..<400).map { "{\"id\": \"r\($0)\", \"text\": \"record \($0) on asset recovery\"}" }.joined(separator: "\n")
        try lines.write(toFile: corpus + "/records.jsonl", atomically: true, encoding: .utf8)
        try String(repeating: "A long report on asset recovery. ", count: 200).write(toFile: corpus + "/report.txt", atomically: true, encoding: .utf8)
        var indexer = Indexer(directory: dir + "/index")
        indexer.extractor.maxFileBytes = 4096
        let report = try indexer.index(paths: [corpus])
        #expect(report.documents == 400)
        #expect(report.failures.count == 1 && report.failures[0].file?.hasSuffix("report.txt") == true
                && report.failures[0].message.contains("limit"))
    }
}
