import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a file's document and paragraphs as the indexer sees them.",
        discussion: """
        Examples:
          parasearch extract report.pdf
          parasearch extract Corpus/sdg/sdg-targets.zh.md --json
        """
    )

    @Argument(help: "A report file (.txt, .md, .jsonl, .html, .xml, .docx, .pdf).")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let documents = try reportingErrors { try DocumentExtractor().extract(path: file) }
        for d in documents { for w in d.warnings { printError("parasearch: warning: \(file): \(w)") } }
        if json {
            let out = documents.map(extractJSON)
            print(jsonString(out.count == 1 ? out[0] : ["documents": out] as Any))
            return
        }
        for doc in documents {
            let m = doc.metadata
            print(InputFiles.shown("\(m.citationName)  [\(m.language.rawValue)]  \(m.title)"))
            print("source: \(InputFiles.shown(m.source))   paragraphs: \(doc.paragraphs.count)   numbered: \(doc.paragraphs.filter { $0.number != nil }.count)")
            for p in doc.paragraphs {
                let label = p.number.map(Citation.label) ?? "(\(p.ordinal))"
                let path = p.headings.isEmpty ? "" : "  [" + p.headings.joined(separator: " › ") + "]"
                print("\n\(label)\(path)\(pagesLabel(p.pages))")
                print(p.text)
                for n in p.notes { print("  [\(n.mark)] \(n.text)") }
            }
        }
    }
}

func extractJSON(_ doc: ExtractedDocument) -> [String: Any] {
    let m = doc.metadata
    return [
        "document": [
            "id": InputFiles.shown(m.id), "symbol": m.symbol as Any? ?? NSNull(), "symbols": m.symbols, "language": m.language.rawValue,
            "title": m.title, "source": InputFiles.shown(m.source), "extra": m.extra.filter { $0.key != "symbols" },
        ] as [String: Any],
        "paragraphs": doc.paragraphs.map { p in
            [
                "ordinal": p.ordinal, "number": p.number as Any? ?? NSNull(),
                "headings": p.headings, "text": p.text, "pages": p.pages,
                "notes": p.notes.map { ["mark": $0.mark, "text": $0.text] },
            ] as [String: Any]
        },
    ]
}
