import Foundation
import ParaCore

/// JSON Lines evaluation corpora: `{"id" or "_id", "text", "title"?, "lang"?}` per line.
/// Each line is one document with one unnumbered paragraph; its title becomes the heading.
struct JSONLinesReader {
    func documents(text: String, source: String) throws -> [ExtractedDocument] {
        var docs: [ExtractedDocument] = []
        var seen: Set<String> = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let t = line.trimmingCharacters()
            if t.isEmpty { continue }
            guard let obj = try? JSONSerialization.jsonObject(with: Data(t.utf8)) as? [String: Any] else {
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
