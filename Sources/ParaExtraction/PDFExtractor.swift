import Foundation
import ParaCore

/// PDF read by layout: poppler's `pdftohtml -xml` (Debian package `poppler-utils`) gives every
/// run of text with its page, box and font, parsed here with libxml2. ``PDFLayoutReader`` turns
/// the geometry into paragraphs: plain text would lose what tells a margin number, a footnote,
/// a running head and a heading apart.
struct PDFExtractor {
    /// A PDF that takes longer than this to convert is given up on.
    static let timeout: TimeInterval = 120

    static func toolPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The pages of the PDF at `path`, each with its text runs.
    func pages(of path: String, file: String) throws -> [PDFPage] {
        guard let tool = Self.toolPath("pdftohtml") else {
            throw ParaError(.io, file: file, "reading PDF needs pdftohtml, which is not installed (Debian: apt-get install poppler-utils)")
        }
        // -i: no images; -nodrm: read text the way any viewer shows it; -hidden: text drawn
        // invisibly (OCR layers) is text too. Not -q: poppler's messages say why a PDF fails.
        let xml = try InputFiles.withPlainPath(path) { plain in
            try run(tool, ["-xml", "-i", "-nodrm", "-hidden", "-enc", "UTF-8", "-stdout", plain], file: file)
        }
        return try PDFPage.parse(xml: xml, file: file)
    }

    private func run(_ tool: String, _ arguments: [String], file: String) throws -> Data {
        let name = (tool as NSString).lastPathComponent
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ParaError(.io, file: file, "cannot run \(name): \(error.localizedDescription)") }
        final class Flag: @unchecked Sendable { var set = false }   // written by the timer before terminate
        let timedOut = Flag()
        let timer = DispatchWorkItem { if process.isRunning { timedOut.set = true; process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.timeout, execute: timer)
        // Read both pipes to the end before waiting, so a large output cannot block the tool.
        final class Box: @unchecked Sendable { var data = Data() }   // written by one queue, read after sync
        let errBox = Box()
        let errReader = DispatchQueue(label: "pdf-tool-stderr")
        errReader.async { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errReader.sync {}
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            if timedOut.set { throw ParaError(.unreadableInput, file: file, "\(name) did not finish within \(Int(Self.timeout)) s") }
            throw ParaError(.unreadableInput, file: file, "not a readable PDF (\(name) stopped on signal \(process.terminationStatus))")
        }
        guard process.terminationStatus == 0 else {
            let lines = String(decoding: errBox.data, as: UTF8.self).split(separator: "\n").map(String.init)
            let message = lines.first { $0.contains("Error") } ?? lines.first ?? "exit status \(process.terminationStatus)"
            throw ParaError(.unreadableInput, file: file, "not a readable PDF (\(name): \(message))")
        }
        return data
    }
}

/// One run of text as poppler places it: a box in page coordinates (top-left origin) and a font.
struct PDFTextRun: Sendable, Equatable {
    var top: Double
    var left: Double
    var width: Double
    var height: Double
    /// The font's size in the same units as the box.
    var size: Double
    var bold: Bool
    /// A bar-code font: never text.
    var barcode: Bool
    var text: String

    var right: Double { left + width }
    var bottom: Double { top + height }
}

/// One page of a PDF and its text runs, in the order poppler gives them.
struct PDFPage: Sendable {
    var number: Int
    var height: Double
    var runs: [PDFTextRun]

    /// Parses `pdftohtml -xml` output.
    static func parse(xml: Data, file: String) throws -> [PDFPage] {
        // Poppler copies control characters (and U+FFFE, U+FFFF) from the PDF into the XML,
        // where they are not allowed: make them spaces so one stray byte does not lose the file.
        var bytes = [UInt8](xml)
        for i in bytes.indices {
            if bytes[i] < 0x20 && bytes[i] != 0x09 && bytes[i] != 0x0A && bytes[i] != 0x0D {
                bytes[i] = 0x20
            } else if bytes[i] == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF {
                bytes[i] = 0x20; bytes[i + 1] = 0x20; bytes[i + 2] = 0x20       // U+FFFE, U+FFFF
            }
        }
        let root = try Markup.parseXML(Data(bytes), file: file)
        var fonts: [String: (size: Double, barcode: Bool)] = [:]
        var pages: [PDFPage] = []
        for pageNode in root.children where pageNode.kind == .element && pageNode.name == "page" {
            var page = PDFPage(number: Int(pageNode.attribute("number") ?? "") ?? pages.count + 1,
                               height: Double(pageNode.attribute("height") ?? "") ?? 0, runs: [])
            for node in pageNode.children where node.kind == .element {
                if node.name == "fontspec", let id = node.attribute("id") {
                    let family = (node.attribute("family") ?? "").lowercased()
                    fonts[id] = (Double(node.attribute("size") ?? "") ?? 0, family.contains("barcode"))
                    continue
                }
                guard node.name == "text" else { continue }
                let text = node.textContent
                guard text.unicodeScalars.contains(where: { !isSpace($0) }) else { continue }
                let font = fonts[node.attribute("font") ?? ""] ?? (0, false)
                let height = Double(node.attribute("height") ?? "") ?? 0
                page.runs.append(PDFTextRun(
                    top: Double(node.attribute("top") ?? "") ?? 0, left: Double(node.attribute("left") ?? "") ?? 0,
                    width: Double(node.attribute("width") ?? "") ?? 0, height: height,
                    size: font.size > 0 ? font.size : height,
                    bold: !node.descendants(named: "b").isEmpty,
                    barcode: font.barcode, text: text))
            }
            pages.append(page)
        }
        if pages.isEmpty { throw ParaError(.unreadableInput, file: file, "not a readable PDF (no pages)") }
        return pages
    }
}
