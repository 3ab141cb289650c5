import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

@main
struct ParaSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parasearch",
        abstract: "Full-text search over the numbered paragraphs of UN reports, in Chinese and English.",
        subcommands: [SearchCommand.self, IndexCommand.self, RemoveCommand.self, Show.self, Stats.self, Check.self, Batch.self, Extract.self, Analyze.self]
    )
}

/// Prints to standard error (a file name that is not UTF-8 shown with `\xFF` escapes, control
/// characters a user typed escaped).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((printable(InputFiles.shown(message)) + "\n").utf8))
}

/// A value of the library's `Codable` types as JSON, with sorted keys and unescaped slashes.
func jsonString<T: Encodable>(encoding value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
}

/// JSON with sorted keys and unescaped slashes, one object per call.
func jsonString(_ value: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// Runs `body`, turning a `ParaError` into one clear line on stderr and exit code 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ParaError {
        printError("parasearch: error: \(error)")
        throw ExitCode.failure
    }
}
