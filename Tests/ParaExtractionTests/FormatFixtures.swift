import Foundation
import ZIPFoundation

/// A short report written out as HTML, XML, DOCX and PDF by the tests themselves, so that the
/// formats can be checked against each other without binary fixtures in the repository.
enum ReportFixture {
    static let symbol = "E/CN.15/2099/1"
    static let title = "Report of the Institute on asset recovery"

    /// (heading level or nil, paragraph number or nil, text)
    static let blocks: [(Int?, Int?, String)] = [
        (1, nil, "I. Introduction"),
        (nil, 1, "The Institute continued its work on the recovery of stolen assets in 2017, in cooperation with Member States and regional partners."),
        (nil, 2, "The work was funded entirely by voluntary contributions from Governments, foundations and private donors."),
        (1, nil, "II. Crime and justice"),
        (2, nil, "A. Asset recovery"),
        (3, nil, "1. Pilot project"),
        (nil, 3, "The pilot project helped Egypt, Libya and Tunisia to build new mechanisms to trace and recover illegally acquired assets."),
        (nil, 4, "Tunisia made further progress on a new civil asset forfeiture law, the first of its kind in North Africa."),
    ]

    static var expected: [(number: String, headings: [String], text: String)] {
        var headings: [(Int, String)] = []
        var out: [(String, [String], String)] = []
        for (level, number, text) in blocks {
            if let level {
                headings.removeAll { $0.0 >= level }
                headings.append((level, text))
            } else if let number {
                out.append((String(number), headings.map(\.1), text))
            }
        }
        return out
    }

    static func html(charset: String = "utf-8") -> String {
        var body = ""
        var inList = false
        for (level, number, text) in blocks {
            if let level {
                if inList { body += "</ol>\n"; inList = false }
                body += "<h\(level + 1)>\(text)</h\(level + 1)>\n"
            } else if let number {
                if !inList { body += "<ol start=\"\(number)\">\n"; inList = true }
                body += "  <li><span>\(text)</span></li>\n"
            }
        }
        if inList { body += "</ol>\n" }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="\(charset)"><title>\(title)</title>
        <style>p { color: red }</style><script>var x = "1. not a paragraph";</script></head>
        <body><div class="symbol">\(symbol)</div><h1>\(title)</h1>
        \(body)<footer>http://undocs.org/\(symbol)</footer></body></html>
        """
    }

    static func xml() -> String {
        var body = ""
        for (level, number, text) in blocks {
            if level != nil { body += "<head>\(text)</head>\n" } else if let number {
                let sentences = text.split(separator: ",", maxSplits: 1).map(String.init)
                body += "<p n=\"\(number)\">\(number). " + sentences.enumerated().map { i, s in "<s>\(s)\(i == 0 && sentences.count > 1 ? "," : "")</s>" }.joined(separator: " ") + "</p>\n"
            }
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <TEI><teiHeader><fileDesc><titleStmt><title>\(title)</title></titleStmt>
        <publicationStmt><idno type="symbol">\(symbol)</idno></publicationStmt></fileDesc></teiHeader>
        <text><body>
        \(body)</body></text></TEI>
        """
    }

    /// A DOCX whose paragraph numbers come from Word's automatic numbering (`w:numPr`).
    static func docx(to url: URL, compression: CompressionMethod = .deflate) throws {
        try zip(to: url, entries: docxEntries(), compression: compression)
    }

    /// The DOCX fixture's parts, by path in the archive.
    static func docxEntries() -> [(String, String)] {
        var paragraphs = ""
        for (level, number, text) in blocks {
            if let level {
                paragraphs += "<w:p><w:pPr><w:pStyle w:val=\"Heading\(level)\"/></w:pPr><w:r><w:t>\(text)</w:t></w:r></w:p>\n"
            } else if number != nil {
                // Split the text over runs, with a deletion and an insertion, as Word does.
                let words = text.split(separator: " ")
                let half = words.count / 2
                paragraphs += """
                <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>\
                <w:r><w:t xml:space="preserve">\(words[..<half].joined(separator: " ")) </w:t></w:r>\
                <w:del w:id="1"><w:r><w:delText>deleted words </w:delText></w:r></w:del>\
                <w:ins w:id="2"><w:r><w:t>\(words[half...].joined(separator: " "))</w:t></w:r></w:ins></w:p>

                """
            }
        }
        let document = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
        <w:p><w:r><w:t>\(symbol)</w:t></w:r></w:p>
        \(paragraphs)<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Donor</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Amount</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
        </w:body></w:document>
        """
        let numbering = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
        <w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
        <w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>
        """
        let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
        <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
        <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
        <w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/></w:style></w:styles>
        """
        let core = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\(title)</dc:title><dc:language>en-US</dc:language></cp:coreProperties>
        """
        return [("word/document.xml", document), ("word/numbering.xml", numbering),
                ("word/styles.xml", styles), ("docProps/core.xml", core), ("[Content_Types].xml", "<Types/>")]
    }

    static func zip(to url: URL, entries: [(String, String)], compression: CompressionMethod = .deflate) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// A one-page PDF (Helvetica, text wrapped at 80 characters), written byte by byte.
    static func pdf() -> Data {
        var lines: [String] = [symbol, "", title, ""]
        for (level, number, text) in blocks {
            if level != nil { lines += ["", text, ""]; continue }
            var line = "\(number!). "
            for word in text.split(separator: " ") {
                if line.count + word.count + 1 > 80 { lines.append(line); line = "" }
                line += (line.isEmpty || line.hasSuffix(" ") ? "" : " ") + word
            }
            lines.append(line)
        }
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
        }
        let content = "BT /F1 10 Tf 13 TL 56 760 Td\n" + lines.map { "(\(escape($0))) Tj T*" }.joined(separator: "\n") + "\nET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }
}
