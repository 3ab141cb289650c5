import ArgumentParser
import Foundation
import ParaSearch
import ParaExtraction
import ParaAnalysis
import ParaIndex

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the terms the indexer makes of a text: term, position, UTF-8 byte range.",
        discussion: """
        Examples:
          parasearch analyze '資產追回 ＬＩＴＭＡＳ２０１７ the assets'
          parasearch analyze 'recovering recovery' --json
        """
    )

    @Argument(help: "The text to analyse.")
    var text: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() {
        let tokens = Analyzer().tokens(text)
        if json {
            print(jsonString(["analyzer": Analyzer.identity, "tokens": tokens.map { t in
                ["term": t.term, "position": t.position, "start": t.byteRange.lowerBound, "end": t.byteRange.upperBound] as [String: Any]
            }] as [String: Any]))
            return
        }
        for t in tokens {
            print("\(t.position)\t\(t.term)\t\(t.byteRange.lowerBound)..<\(t.byteRange.upperBound)")
        }
    }
}
