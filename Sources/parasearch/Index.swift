import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index report files (default: Corpus/ into Index/). Unchanged files are skipped.",
        discussion: """
        Examples:
          parasearch index
          parasearch index reports/ more/report.pdf --index MyIndex
          parasearch index --rebuild --merge
        """
    )

    @Argument(help: "Files or folders to index.")
    var paths: [String] = ["Corpus"]

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    @Flag(help: "Drop the existing index content first.")
    var rebuild = false

    @Flag(help: "Exit non-zero when any file could not be indexed.")
    var strict = false

    @Flag(help: "Merge the index into one segment at the end (faster queries, smaller dictionary); a first build or --rebuild does anyway.")
    var merge = false

    @Option(name: .long, help: "Memory for the in-memory segment, in MB (peak use stays near it).")
    var memoryBudget = IndexWriter.defaultMemoryBudget >> 20

    func validate() throws {
        guard memoryBudget >= 1 else { throw ValidationError("--memory-budget must be at least 1 (MB)") }
    }

    func run() throws {
        IndexWriter.mapLargeAllocations()
        let report = try reportingErrors {
            var indexer = Indexer(directory: index)
            indexer.memoryBudget = memoryBudget << 20
            indexer.mergeAll = merge
            return try indexer.index(paths: paths, rebuild: rebuild, progress: { printError($0) })
        }
        for n in report.notices { printError("parasearch: \(n)") }
        for w in report.warnings { printError("parasearch: warning: \(w)") }
        for f in report.failures { printError("parasearch: skipped \(f)") }
        print("indexed \(index): \(report.added) added, \(report.updated) updated, \(report.removed) removed, "
              + "\(report.unchanged) unchanged, \(report.failures.count) failed; \(counted(report.documents, "document")), "
              + "\(counted(report.paragraphs, "paragraph")), \(counted(report.segments, "segment")) in " + String(format: "%.2f s", report.seconds))
        if strict && !report.failures.isEmpty { throw ExitCode.failure }
    }
}

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove documents from the index, by id, symbol or path (a file or a folder; it may no longer exist).",
        discussion: """
        Examples:
          parasearch remove A/RES/80/1
          parasearch remove Corpus/sdg
        """
    )

    @Argument(help: "Document ids, symbols or paths.")
    var names: [String]

    @Option(name: .long, help: "Index directory.")
    var index = "Index"

    func run() throws {
        let report = try reportingErrors { try Indexer(directory: index).remove(names) }
        for f in report.failures { printError("parasearch: \(f)") }
        print("removed \(report.removed) indexed file\(report.removed == 1 ? "" : "s") from \(index); \(report.documents) documents, \(report.paragraphs) paragraphs left")
        if !report.failures.isEmpty { throw ExitCode.failure }
    }
}

/// Opens the index, building it from Corpus/ first when the default index does not exist yet.
func openIndex(_ directory: String, defaultDirectory: Bool) throws -> IndexSnapshot {
    try reportingErrors {
        if defaultDirectory && !IndexSnapshot.exists(directory: directory) && FileManager.default.fileExists(atPath: "Corpus") {
            printError("parasearch: no index in \(directory)/ yet; building it from Corpus/ …")
            let report = try Indexer(directory: directory).index(paths: ["Corpus"], progress: { printError($0) })
            for f in report.failures { printError("parasearch: skipped \(f)") }
            printError("parasearch: indexed \(counted(report.documents, "document")), \(counted(report.paragraphs, "paragraph")) in " + String(format: "%.2f s", report.seconds))
        }
        return try IndexSnapshot.open(directory: directory)
    }
}
