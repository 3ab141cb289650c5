import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

@Suite struct ResolutionTests {
    @Test func resolutionHasPreambleOperativeParagraphsAndSymbol() throws {
        let doc = try DocumentExtractor().extract(path: corpusPath("ga_res_80_en/A_RES_80_1.md"))[0]
        #expect(doc.metadata.symbol == "A/RES/80/1")
        #expect(doc.metadata.id == "A_RES_80_1")
        #expect(doc.metadata.language == .en)
        #expect(doc.metadata.title == "Participation by the State of Palestine during the 80th session")
        #expect(doc.metadata.extra["date"] == "2025-09-19")
        let numbered = doc.paragraphs.filter { $0.number != nil }
        #expect(numbered.map(\.number) == ["1", "2", "3"])
        let preamble = doc.paragraphs.filter { $0.number == nil && $0.ordinal < numbered[0].ordinal }
        #expect(preamble.contains { $0.text.hasPrefix("Expressing concern regarding situations") && $0.text.hasSuffix("meetings of the General Assembly,") })
        #expect(preamble.contains { $0.text == "Recalling also the Headquarters Agreement," })
        // Sub-items stay inside their paragraph; the running head is gone; a page break is rejoined.
        let p1 = numbered[0].text
        #expect(p1.hasPrefix("Decides, without setting a precedent"))
        #expect(p1.contains("\n(a) The State of Palestine may submit a pre‑recorded statement"))
        #expect(p1.contains("during the general debate of the Assembly at its eightieth session"))
        #expect(p1.contains("\n(c) The State of Palestine"))
        #expect(!doc.paragraphs.contains { $0.text == "Participation by the State of Palestine during the eightieth session" })
        #expect(numbered[2].text == "Further decides that these procedures shall apply only during the eightieth session.")
        #expect(doc.paragraphs.last?.text == "3rd plenary meeting")
        #expect(doc.paragraphs.last?.number == nil)
        // Footnotes are furniture.
        #expect(!doc.paragraphs.contains { $0.text.contains("See resolution 169 (II)") || $0.text.contains("[^1]") })
    }

    @Test func everyResolutionHasItsSymbolAndIncreasingOperativeNumbers() throws {
        let dir = repositoryRoot.appendingPathComponent("Corpus/ga_res_80_en")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }
        #expect(files.count == 55)
        for f in files {
            let doc = try DocumentExtractor().extract(path: dir.appendingPathComponent(f).path)[0]
            let n = f.dropFirst("A_RES_80_".count).dropLast(3)
            #expect(doc.metadata.symbol == "A/RES/80/\(n)")
            let numbers = doc.paragraphs.compactMap { $0.number.flatMap { Int($0) } }
            #expect(!numbers.isEmpty, "\(f) has operative paragraphs")
            #expect(numbers.first == 1, "\(f) starts at 1")
            // Increasing, except where an annex restarts at 1.
            for (a, b) in zip(numbers, numbers.dropFirst()) { #expect(b > a || b == 1, "\(f): \(a) then \(b)") }
        }
    }

    @Test func gluedHeadingAndParagraphAreSplit() throws {
        let doc = try DocumentExtractor().extract(path: corpusPath("ga_res_80_en/A_RES_80_3.md"))[0]
        let p23 = doc.paragraphs.first { $0.number == "23" && $0.headings.first == "Annex" }
        #expect(p23?.headings == ["Annex", "III. Conclusion and call to action"])
        #expect(p23?.text.hasPrefix("We declare our firm resolve") == true)
    }
}
