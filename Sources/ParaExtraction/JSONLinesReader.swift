import Foundation
import ParaCore

/// JSON Lines evaluation corpora: `{"id" or "_id", "text", "title"?, "lang"?}` per line.
/// Each line is one document with one unnumbered paragraph; its title becomes the heading.
///
/// Lines are split on the bytes and parsed one at a time, and a file can be read in chunks, so
/// a 400 MB corpus in one file never sits in memory whole.
struct JSONLinesReader {
    let source: String
    /// 64-bit hashes of the ids seen, to refuse a duplicate id: ids themselves would cost
    /// memory in proportion to the corpus (a false alarm needs a 64-bit collision).
    private var seen: Set<UInt64> = []
    private var lineNumber = 0
    private(set) var count = 0

    init(source: String) { self.source = source }

    /// All documents of `data`.
    static func documents(data: Data, source: String) throws -> [ExtractedDocument] {
        var reader = JSONLinesReader(source: source)
        var docs: [ExtractedDocument] = []
        try reader.feed(data, final: true) { docs.append($0) }
        if docs.isEmpty { throw ParaError(.unreadableInput, file: source, "no JSON lines found") }
        return docs
    }

    /// Reads the file at `path` in chunks, calling `body` with each document.
    static func forEach(path: String, source: String, _ body: (ExtractedDocument) throws -> Void) throws {
        guard let handle = InputFiles.openForReading(path) else { throw ParaError(.unreadableInput, file: source, "cannot read file: \(String(cString: strerror(errno)))") }
        defer { try? handle.close() }
        var reader = JSONLinesReader(source: source)
        var carry = Data()
        var first = true
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 8 << 20) ?? Data() } catch {
                throw ParaError(.unreadableInput, file: source, "cannot read file (\(error.localizedDescription))")
            }
            var block = carry + chunk
            if first {
                first = false
                if block.starts(with: [0xFF, 0xFE]) || block.starts(with: [0xFE, 0xFF]) {
                    throw ParaError(.unreadableInput, file: source, "JSON Lines must be UTF-8, not UTF-16")
                }
                if block.starts(with: [0xEF, 0xBB, 0xBF]) { block = block.dropFirst(3) }
            }
            if chunk.isEmpty {
                try reader.feed(block, final: true, body)
                break
            }
            // Everything up to the last newline now; the rest with the next chunk.
            if let lastNewline = block.lastIndex(of: 0x0A) {
                try reader.feed(block[..<block.index(after: lastNewline)], final: false, body)
                carry = Data(block[block.index(after: lastNewline)...])
            } else {
                carry = block
            }
        }
        if reader.count == 0 { throw ParaError(.unreadableInput, file: source, "no JSON lines found") }
    }

    /// Parses the complete lines in `data` (all of it when `final`).
    mutating func feed(_ data: Data, final: Bool, _ body: (ExtractedDocument) throws -> Void) throws {
        try data.withUnsafeBytes { raw in
            var start = 0
            let n = raw.count
            while start < n {
                var end = start
                while end < n && raw[end] != 0x0A { end += 1 }
                if end == n && !final { break }   // an unfinished line waits for more bytes
                try line(UnsafeRawBufferPointer(rebasing: raw[start..<end]), body)
                start = end + 1
            }
        }
    }

    private mutating func line(_ bytes: UnsafeRawBufferPointer, _ body: (ExtractedDocument) throws -> Void) throws {
        lineNumber += 1
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        if bytes.contains(0) { throw ParaError(.unreadableInput, file: source, "line \(lineNumber): binary data (NUL byte)") }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw ParaError(.unreadableInput, file: source, "line \(lineNumber): not a JSON object")
        }
        let id = (obj["id"] ?? obj["_id"]).map { v -> String in
            if let s = v as? String { return s }
            return "\(v)"
        }
        guard let id, !id.isEmpty else { throw ParaError(.unreadableInput, file: source, "line \(lineNumber): missing \"id\" or \"_id\"") }
        guard let body0 = obj["text"] as? String else { throw ParaError(.unreadableInput, file: source, "line \(lineNumber): missing \"text\"") }
        // An empty paragraph can never be found; a title alone is searchable as the text.
        let title = (obj["title"] as? String) ?? ""
        let text = body0.allSatisfy(\.isWhitespace) ? title : body0
        if text.allSatisfy(\.isWhitespace) { return }
        var h: UInt64 = 0xcbf29ce484222325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        if !seen.insert(h).inserted { throw ParaError(.unreadableInput, file: source, "line \(lineNumber): duplicate id \"\(id)\"") }
        let lang = (obj["lang"] as? String).flatMap { Language(rawValue: String($0.lowercased().prefix(2))) }
            ?? detectLanguage(title + body0)
        let meta = DocumentMetadata(id: id, symbol: nil, language: lang, title: title, source: source)
        let para = Paragraph(ordinal: 1, number: nil, headings: title.isEmpty ? [] : [title], text: text)
        count += 1
        try body(ExtractedDocument(metadata: meta, paragraphs: [para]))
    }
}
