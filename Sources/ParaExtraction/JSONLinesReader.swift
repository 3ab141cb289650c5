import Foundation
import ParaCore

/// JSON Lines evaluation corpora: `{"id" or "_id", "text", "title"?, "lang"?}` per line.
/// Each line is one document with one unnumbered paragraph; its title becomes the heading.
struct JSONLinesReader {
    /// Lines are split on the bytes (a 400 MB corpus is one file); each line is parsed on its own.
    func documents(data: Data, source: String) throws -> [ExtractedDocument] {
        var docs: [ExtractedDocument] = []
        var seen: Set<String> = []
        var lineNumber = 0
        let lines: [Data] = data.withUnsafeBytes { raw in
            var out: [Data] = []
            var start = 0
            let n = raw.count
            while start <= n {
                var end = start
                while end < n && raw[end] != 0x0A { end += 1 }
                out.append(Data(raw[start..<end]))
                start = end + 1
            }
            return out
        }
        for line in lines {
            lineNumber += 1
            let (blank, nul) = line.withUnsafeBytes { b in
                (b.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }, b.contains(0))
            }
            if blank { continue }
            if nul { throw ParaError(file: source, "line \(lineNumber): binary data (NUL byte)") }
            guard let obj = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw ParaError(file: source, "line \(lineNumber): not a JSON object")
            }
            let id = (obj["id"] ?? obj["_id"]).map { v -> String in
                if let s = v as? String { return s }
                return "\(v)"
            }
            guard let id, !id.isEmpty else { throw ParaError(file: source, "line \(lineNumber): missing \"id\" or \"_id\"") }
            guard let body = obj["text"] as? String else { throw ParaError(file: source, "line \(lineNumber): missing \"text\"") }
            // An empty paragraph can never be found; a title alone is searchable as the text.
            let title0 = (obj["title"] as? String) ?? ""
            let text = body.allSatisfy(\.isWhitespace) ? title0 : body
            if text.allSatisfy(\.isWhitespace) { continue }
            if !seen.insert(id).inserted { throw ParaError(file: source, "line \(lineNumber): duplicate id \"\(id)\"") }
            let title = (obj["title"] as? String) ?? ""
            let lang = (obj["lang"] as? String).flatMap { Language(rawValue: String($0.lowercased().prefix(2))) }
                ?? detectLanguage(title + body)
            let meta = DocumentMetadata(id: id, symbol: nil, language: lang, title: title, source: source)
            let para = Paragraph(ordinal: 1, number: nil, headings: title.isEmpty ? [] : [title], text: text)
            docs.append(ExtractedDocument(metadata: meta, paragraphs: [para]))
        }
        if docs.isEmpty { throw ParaError(file: source, "no JSON lines found") }
        return docs
    }
}
