import Foundation
import ParaCore

/// The input formats ParaSearch reads.
package enum InputFormat: String, Sendable, CaseIterable {
    /// Plain text, typically extracted from PDF: hard-wrapped lines, page furniture.
    case text
    /// Markdown with optional YAML front matter (`symbol`, `title`, `date`, `language`).
    case markdown
    /// JSON Lines, one document of one unnumbered paragraph per line.
    case jsonLines
    /// HTML pages (any declared charset).
    case html
    /// XML: TEI-like corpus files or generic XML.
    case xml
    /// Word documents (Office Open XML).
    case docx
    /// PDF, read by layout through poppler's `pdftohtml -xml`.
    case pdf

    /// The format for a file name, or `nil` when ParaSearch does not read it.
    package init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "jsonl", "ndjson": self = .jsonLines
        case "html", "htm", "xhtml": self = .html
        case "xml", "tei": self = .xml
        case "docx": self = .docx
        case "pdf": self = .pdf
        default: return nil
        }
    }
}

/// Reads report files into documents and their paragraphs.
///
/// One file gives one document, except JSON Lines, which gives one per line. Metadata comes
/// from front matter, from a sidecar `NAME.meta.json` beside the file, or from the text
/// (language by the share of Han characters). Errors name the file and the problem.
package struct DocumentExtractor: Sendable {
    /// Files larger than this are refused rather than read into memory.
    package var maxFileBytes: Int

    package init(maxFileBytes: Int = 512 << 20) {
        self.maxFileBytes = maxFileBytes
    }

    /// How many bytes of `path` the extractor reads: a JSON Lines file in chunks however large
    /// (a corpus of millions of records in one file), any other whole, up to ``maxFileBytes``.
    package func readLimit(for path: String) -> Int {
        InputFormat(path: path) == .jsonLines ? .max : maxFileBytes
    }

    /// Whether `path` names a file this extractor reads (sidecars are not inputs).
    package static func isInput(_ path: String) -> Bool {
        !path.hasSuffix(".meta.json") && InputFormat(path: path) != nil
    }

    /// Extracts the documents of one file. `displayPath` is what error messages and
    /// `source` fields show (defaults to `path`).
    package func extract(path: String, displayPath: String? = nil) throws -> [ExtractedDocument] {
        let shown = displayPath ?? path
        guard let format = InputFormat(path: path) else {
            throw ParaError(.unreadableInput, file: shown, "unsupported file type '.\((path as NSString).pathExtension)' (ParaSearch reads .txt, .md, .jsonl, .html, .xml, .docx, .pdf)")
        }
        let data = try readFile(path, shown: shown)
        return try extract(data: data, format: format, path: path, displayPath: shown)
    }

    /// Extracts the documents of one file and hands them over one at a time: a JSON Lines file
    /// is read in chunks, never whole.
    package func forEachDocument(path: String, displayPath: String? = nil,
                                _ body: (ExtractedDocument) throws -> Void) throws {
        let shown = displayPath ?? path
        if InputFormat(path: path) == .jsonLines {
            if let refusal = InputFiles.refusal(for: path, shown: shown) { throw refusal }
            if InputFiles.size(path) == 0 {
                throw ParaError(.unreadableInput, file: shown, "file is empty")
            }
            try JSONLinesReader.forEach(path: path, source: shown, body)
            return
        }
        for d in try extract(path: path, displayPath: shown) { try body(d) }
    }

    /// Extracts documents from bytes already read.
    package func extract(data: Data, format: InputFormat, path: String, displayPath: String? = nil) throws -> [ExtractedDocument] {
        let shown = displayPath ?? path
        if data.isEmpty { throw ParaError(.unreadableInput, file: shown, "file is empty") }
        let stem = documentStem(path)
        switch format {
        case .html, .xml, .docx:
            let r: MarkupExtraction
            switch format {
            case .html: r = try HTMLExtractor().extract(data, file: shown)
            case .xml: r = try XMLExtractor().extract(data, file: shown)
            default: r = try DOCXExtractor().extract(data, file: shown)
            }
            let paragraphs = ReportSegmenter(layout: .blocks).paragraphs(of: r.units)
            var document = try structured(paragraphs: paragraphs, title: r.title, language: r.language, symbol: r.symbol,
                                          path: path, shown: shown, stem: stem)
            document.warnings = r.warnings
            return [document]
        case .pdf:
            let layout = PDFLayout(pages: try PDFExtractor().pages(of: path, file: shown))
            let words = Vocabulary(layout)
            let cover = CoverPage(layout: layout, words: words)
            let paragraphs = PDFLayoutReader(layout: layout, skipping: cover.headerLines, vocabulary: words).paragraphs()
            var extra: [String: String] = [:]
            if cover.symbols.count > 1 { extra["symbols"] = cover.symbols.joined(separator: " ") }
            extra["date"] = cover.date
            extra["organ"] = cover.organ
            extra["session"] = cover.session
            extra["agenda_item"] = cover.agendaItem
            return [try structured(paragraphs: paragraphs, title: cover.title ?? "", language: nil, symbol: cover.symbols.first,
                                   extra: extra, path: path, shown: shown, stem: stem)]
        default:
            break
        }
        if format == .jsonLines {
            if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
                throw ParaError(.unreadableInput, file: shown, "JSON Lines must be UTF-8, not UTF-16")
            }
            var body = data
            if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
            return try JSONLinesReader.documents(data: body, source: shown)
        }
        let text = try decodeText(data, shown: shown)
        switch format {
        case .jsonLines:
            throw ParaError(.unreadableInput, file: shown, "internal error: JSON Lines reached the text path")
        case .markdown:
            let (front, body, frontWarning) = FrontMatter.split(text)
            var meta = metadata(front: front, sidecar: try sidecar(for: path, shown: shown), stem: stem, source: shown, body: body)
            var heads: Set<String> = []
            if let t = resolutionTitle(in: body) { heads.insert(t) }
            let segmenter = ReportSegmenter(layout: .blocks, runningHeads: heads)
            var units = segmenter.markdownUnits(of: body)
            // A document's one `# Title` is its title, not a section of every paragraph.
            if meta.title.isEmpty, units.first?.headingLevel == 1, units.filter({ $0.headingLevel == 1 }).count == 1 {
                meta.title = units.removeFirst().text
            }
            let paragraphs = segmenter.paragraphs(of: units)
            if meta.title.isEmpty { meta.title = paragraphs.first.map { String($0.text.prefix(120)) } ?? stem }
            var document = try finish(meta, paragraphs, shown)
            if let frontWarning { document.warnings.append(frontWarning) }
            return [document]
        case .text:
            var meta = metadata(front: [:], sidecar: try sidecar(for: path, shown: shown), stem: stem, source: shown, body: text)
            let paragraphs = ReportSegmenter(layout: .lines).paragraphs(of: text)
            if meta.title.isEmpty { meta.title = paragraphs.first.map { String($0.text.prefix(120)) } ?? stem }
            return [try finish(meta, paragraphs, shown)]
        case .html, .xml, .docx, .pdf:
            throw ParaError(.unreadableInput, file: shown, "internal error: \(format) reached the text path")
        }
    }

    /// Metadata for formats that carry their own (HTML, XML, DOCX, PDF): the file's, then a
    /// sidecar's (which wins), then the symbol in the file name, then the text's language.
    private func structured(paragraphs: [Paragraph], title: String, language: Language?, symbol: String?,
                            extra: [String: String] = [:],
                            path: String, shown: String, stem: String) throws -> ExtractedDocument {
        var front = extra
        if !title.isEmpty { front["title"] = title }
        if let language { front["language"] = language.rawValue }
        if let symbol = symbol ?? symbolInFileName(path) { front["symbol"] = symbol }
        let body = paragraphs.prefix(200).map(\.text).joined(separator: "\n")
        var meta = metadata(front: front, sidecar: try sidecar(for: path, shown: shown), stem: stem, source: shown, body: body)
        if meta.title.isEmpty { meta.title = paragraphs.first.map { String($0.text.prefix(120)) } ?? stem }
        return try finish(meta, paragraphs, shown)
    }

    private func finish(_ meta: DocumentMetadata, _ paragraphs: [Paragraph], _ shown: String) throws -> ExtractedDocument {
        if paragraphs.isEmpty { throw ParaError(.unreadableInput, file: shown, "no text found") }
        return ExtractedDocument(metadata: meta, paragraphs: Self.splittingOverlong(paragraphs))
    }

    /// No paragraph may hold a whole document: past this many characters (Unicode scalars) a
    /// paragraph is cut.
    package static let maxParagraphCharacters = 12_000

    /// Cuts paragraphs longer than ``maxParagraphCharacters`` at the last line or sentence end
    /// in the second half of each piece (a hard cut only where there is none); the pieces after
    /// the first are unnumbered continuations under the same headings. Ordinals are renumbered.
    /// Linear in the text's length.
    static func splittingOverlong(_ paragraphs: [Paragraph]) -> [Paragraph] {
        let limit = maxParagraphCharacters
        guard paragraphs.contains(where: { $0.text.utf8.count > limit && $0.text.unicodeScalars.count > limit }) else { return paragraphs }
        var out: [Paragraph] = []
        for p in paragraphs {
            let scalars = p.text.unicodeScalars
            if p.text.utf8.count <= limit || scalars.count <= limit {
                var q = p
                q.ordinal = out.count + 1
                out.append(q)
                continue
            }
            var start = scalars.startIndex
            var first = true
            while start < scalars.endIndex {
                var end = scalars.endIndex
                if let hard = scalars.index(start, offsetBy: limit, limitedBy: scalars.endIndex), hard < scalars.endIndex {
                    var cut: String.UnicodeScalarView.Index? = nil
                    var i = hard, steps = 0
                    while steps < limit / 2, cut == nil {
                        i = scalars.index(before: i); steps += 1
                        if scalars[i] == "\n" || "。；！？.;!?".unicodeScalars.contains(scalars[i]) { cut = i }
                    }
                    end = cut.map { scalars.index(after: $0) } ?? hard
                }
                var q = p
                q.text = String(String.UnicodeScalarView(scalars[start..<end])).trimmingCharacters(in: .whitespacesAndNewlines)
                if !first { q.number = nil; q.notes = [] }
                q.ordinal = out.count + 1
                if !q.text.isEmpty || q.number != nil { out.append(q) }
                first = false
                start = end
            }
        }
        return out
    }

    // MARK: - Reading

    func readFile(_ path: String, shown: String) throws -> Data {
        // Only regular files: reading a FIFO would block forever.
        if let refusal = InputFiles.refusal(for: path, shown: shown) { throw refusal }
        let size = InputFiles.size(path)
        if size > maxFileBytes {
            throw ParaError(.unreadableInput, file: shown, "file is \(size >> 20) MB, over the \(maxFileBytes >> 20) MB limit")
        }
        do {
            return try InputFiles.read(path, limit: maxFileBytes)
        } catch let e as ParaError {
            throw ParaError(e.kind, file: shown, e.message)
        }
    }

    /// UTF-8 (with or without BOM) or UTF-16 with BOM. Binary data and invalid UTF-8 are refused
    /// with the offset of the first bad byte.
    func decodeText(_ data: Data, shown: String) throws -> String {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let s = String(data: data, encoding: .utf16) else { throw ParaError(.unreadableInput, file: shown, "invalid UTF-16 text") }
            return s
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let nul = body.firstIndex(of: 0) {
            throw ParaError(.unreadableInput, file: shown, "binary data, not text (NUL byte at offset \(nul))")
        }
        if let bad = firstInvalidUTF8(body) {
            throw ParaError(.unreadableInput, file: shown, "not valid UTF-8 (bad byte at offset \(bad)); convert it to UTF-8 first, e.g. iconv -f GB18030 -t UTF-8")
        }
        return String(decoding: body, as: UTF8.self)
    }

    func sidecar(for path: String, shown: String) throws -> [String: String] {
        let base = (path as NSString).deletingPathExtension
        let side = base + ".meta.json"
        guard InputFiles.kind(of: side) == .regular else { return [:] }
        guard let data = try? InputFiles.read(side, limit: 16 << 20),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ParaError(.unreadableInput, file: (shown as NSString).deletingPathExtension + ".meta.json", "sidecar metadata is not a JSON object")
        }
        var out: [String: String] = [:]
        for (k, v) in obj {
            if let s = v as? String {
                out[k] = s
            } else if let n = v as? NSNumber {
                out[k] = n.stringValue
            } else if let list = v as? [Any] {
                // A list (`"parallel": ["a", "b"]`) as front matter gives it: joined with `; `.
                out[k] = list.compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }.joined(separator: "; ")
            }
        }
        return out
    }

    func metadata(front: [String: String], sidecar: [String: String], stem: String, source: String, body: String) -> DocumentMetadata {
        let fields = front.merging(sidecar) { _, side in side }
        let lang = fields["language"].flatMap { Language(rawValue: $0.lowercased().prefix(2).description) }
            ?? detectLanguage(body)
        var extra = fields
        for k in ["id", "symbol", "language", "title"] { extra[k] = nil }
        var title = fields["title"] ?? ""
        // Front matter titles of resolutions end in " :" (a catalogue artefact).
        while title.hasSuffix(":") || title.hasSuffix(" ") { title.removeLast() }
        let symbol = fields["symbol"].flatMap { $0.isEmpty ? nil : $0 }
        return DocumentMetadata(id: fields["id"] ?? stem, symbol: symbol, language: lang, title: title,
                                source: source, extra: extra)
    }

    func documentStem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The title line of a resolution (`80/1. Participation by …`) reappears as a running head.
    func resolutionTitle(in body: String) -> String? {
        for line in body.split(separator: "\n").prefix(60) {
            let t = trimmed(line)
            let parts = t.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].hasSuffix("."), parts[0].contains("/") else { continue }
            let num = parts[0].dropLast().split(separator: "/")
            if num.count == 2, num.allSatisfy({ $0.allSatisfy(\.isASCIIDigitCharacter) }) { return String(parts[1]) }
        }
        return nil
    }
}

/// Chinese when Han characters are at least a fifth of the letters, else English.
package func detectLanguage(_ text: String) -> Language {
    var han = 0, letters = 0
    for s in text.unicodeScalars.prefix(200_000) {
        if isCJKScalar(s) { han += 1; letters += 1 } else if s.properties.isAlphabetic { letters += 1 }
    }
    return letters > 0 && han * 5 >= letters ? .zh : .en
}

func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
    var i = bytes.startIndex
    let end = bytes.endIndex
    while i < end {
        let b = bytes[i]
        if b < 0x80 { i += 1; continue }
        let need: Int
        if b >= 0xC2 && b <= 0xDF { need = 1 } else if b >= 0xE0 && b <= 0xEF { need = 2 }
        else if b >= 0xF0 && b <= 0xF4 { need = 3 } else { return i - bytes.startIndex }
        if i + need >= end { return i - bytes.startIndex }
        var v = UInt32(b) & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07)
        for k in 1...need {
            let c = bytes[i + k]
            if c & 0xC0 != 0x80 { return i - bytes.startIndex }
            v = v << 6 | UInt32(c & 0x3F)
        }
        if (need == 2 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (need == 3 && (v < 0x10000 || v > 0x10FFFF)) {
            return i - bytes.startIndex
        }
        i += need + 1
    }
    return nil
}
