import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a document's paragraphs, or one paragraph.",
        discussion: """
        Examples:
          parasearch show A/RES/80/1
          parasearch show A/RES/80/1 3
          parasearch show A/RES/80/8 '#50'
          parasearch show A/RES/70/1 16.4 --lang zh --parallel
        """
    )

    @Argument(help: "Document id or symbol.")
    var document: String

    @Argument(help: "Paragraph number as printed (or #ORDINAL for unnumbered text).")
    var number: String?

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Option(name: .long, help: "The language version to show, when the symbol names several (zh or en).")
    var lang: String?

    @Flag(help: "Print under each paragraph its aligned paragraph in the document's other language versions.")
    var parallel = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let lang, Language(rawValue: lang.lowercased()) == nil { throw ValidationError("--lang must be zh or en") }
    }

    func run() throws {
        let snapshot = try openIndex(index, defaultDirectory: index == "Index")
        let library = Library(snapshot: snapshot)
        let language = lang.flatMap { Language(rawValue: $0.lowercased()) }
        let found = try reportingErrors { () -> (DocumentMetadata, [Paragraph]) in
            guard let doc = try library.document(document, language: language) else {
                throw ParaError(.notFound, "no document '\(document)'\(language.map { " in \($0.rawValue)" } ?? "") in \(index)")
            }
            var paragraphs = doc.1
            if let number {
                if number.hasPrefix("#"), let ordinal = Int(number.dropFirst()) {
                    paragraphs = paragraphs.filter { $0.ordinal == ordinal }
                } else {
                    paragraphs = paragraphs.filter { $0.number == number }
                }
                if paragraphs.isEmpty { throw ParaError(.notFound, "\(doc.0.citationName) has no paragraph \(number)") }
            }
            return (doc.0, paragraphs)
        }
        let aligned = try reportingErrors { () -> [[ParallelParagraph]] in
            guard parallel else { return [] }
            return try library.parallel(found.0.id, ordinals: found.1.map(\.ordinal), language: found.0.language)
        }
        if json {
            var out = extractJSON(ExtractedDocument(metadata: found.0, paragraphs: found.1))
            if parallel, var paragraphs = out["paragraphs"] as? [[String: Any]] {
                for i in paragraphs.indices {
                    // As the library encodes an aligned paragraph.
                    paragraphs[i]["parallel"] = try JSONSerialization.jsonObject(with: Data(jsonString(encoding: aligned[i]).utf8))
                }
                out["paragraphs"] = paragraphs
            }
            print(jsonString(out))
            return
        }
        print(InputFiles.shown("\(found.0.citationName)  [\(found.0.language.rawValue)]  \(found.0.title)"))
        for (i, p) in found.1.enumerated() {
            print("\n" + InputFiles.shown(Citation(metadata: found.0, paragraph: p).description) + pagesLabel(p.pages))
            print(p.text)
            for n in p.notes { print("  [\(n.mark)] \(n.text)") }
            if parallel {
                if aligned[i].isEmpty { print("  ⇄ no aligned paragraph in another language") }
                for q in aligned[i] {
                    print("  ⇄ [\(q.language.rawValue)] " + InputFiles.shown(citationLabel(q.citation)))
                    print("  " + q.paragraph.text)
                }
            }
        }
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what the index holds and its size on disk.",
        discussion: """
        Examples:
          parasearch stats
          parasearch stats --json --index MyIndex
        """
    )

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let snapshot = try openIndex(index, defaultDirectory: index == "Index")
        let sizes = snapshot.fileSizes()
        var perLanguage: [String: (documents: Int, paragraphs: Int)] = [:]
        for s in snapshot.segments {
            for d in try s.documents {
                perLanguage[d.metadata.language.rawValue, default: (0, 0)].documents += 1
                perLanguage[d.metadata.language.rawValue, default: (0, 0)].paragraphs += d.paragraphCount
            }
        }
        let total = sizes.values.reduce(0, +)
        if json {
            var bytes: [String: Any] = ["total": total]
            for k in ["postings", "positions", "dictionary", "stored", "other"] { bytes[k] = sizes[k] ?? 0 }
            print(jsonString([
                "documents": snapshot.documentCount, "paragraphs": snapshot.paragraphCount,
                "terms": snapshot.termCount, "segments": snapshot.segments.count, "bytes": bytes,
                "languages": perLanguage.mapValues { ["documents": $0.documents, "paragraphs": $0.paragraphs] },
                "analyzer": snapshot.analyzer, "generation": snapshot.generation,
            ] as [String: Any]))
            return
        }
        print("index \(index) (generation \(snapshot.generation), analyzer \(snapshot.analyzer))")
        print("documents \(snapshot.documentCount), paragraphs \(snapshot.paragraphCount), terms \(snapshot.termCount), segments \(snapshot.segments.count)")
        for (lang, v) in perLanguage.sorted(by: { $0.key < $1.key }) {
            print("  \(lang): \(v.documents) documents, \(v.paragraphs) paragraphs")
        }
        print("size on disk \(formatBytes(total)):", ["postings", "positions", "dictionary", "stored", "other"]
            .map { "\($0) \(formatBytes(sizes[$0] ?? 0))" }.joined(separator: ", "))
    }
}

func formatBytes(_ n: Int) -> String {
    if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / 1048576) }
    if n >= 1 << 10 { return String(format: "%.1f KB", Double(n) / 1024) }
    return "\(n) B"
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the whole index: checksums, counts, every posting, and a sample of paragraphs analysed again.",
        discussion: """
        Examples:
          parasearch check
          parasearch check --json --sample 500
          parasearch check --repair
        """
    )

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Option(name: .long, help: "Paragraphs per segment to analyse again from their stored text.")
    var sample = 500

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Drop damaged segments (their files can be indexed again), remove leftovers of dead runs, and commit.")
    var repair = false

    func run() throws {
        if repair {
            // What the repair did goes to standard error, so that --json stays one object.
            let r = try reportingErrors { try IndexRepair.run(directory: index, sample: max(1, sample)) }
            if let g = r.rolledBackTo {
                let lost = r.paragraphsLost.map { "\($0) paragraphs of the newest commit lost" } ?? "the newest commit's changes lost (its manifest was damaged)"
                printError("parasearch: rolled back to the commit of generation \(g); \(lost) (index their files again to restore them)")
            }
            for s in r.droppedSegments {
                printError("parasearch: dropped damaged segment \(s.name): \(s.documents) documents, \(s.paragraphs) paragraphs lost (index their files again to restore them)")
            }
            if r.droppedSegments.isEmpty && r.rolledBackTo == nil { printError("parasearch: nothing damaged; leftovers of dead runs removed") }
        }
        let report = IndexCheck.run(directory: index, sample: max(1, sample))
        if json {
            print(jsonString([
                "sound": report.isSound, "generation": report.generation, "segments": report.segments,
                "documents": report.documents, "paragraphs": report.paragraphs, "postings": report.postings,
                "paragraphs_rederived": report.paragraphsRederived,
                "problems": report.problems.map { ["file": $0.file ?? "", "message": $0.message] },
            ] as [String: Any]))
        } else {
            for p in report.problems { print("problem: \(p)") }
            print("\(report.isSound ? "sound" : "damaged"): \(index), generation \(report.generation), \(counted(report.segments, "segment")), \(counted(report.documents, "document")), \(counted(report.paragraphs, "paragraph")); \(counted(report.postings, "posting")) walked, \(counted(report.paragraphsRederived, "paragraph")) analysed again; \(counted(report.problems.count, "problem"))")
        }
        if !report.isSound { throw ExitCode.failure }
    }
}
