import Foundation
import Testing
@testable import ParaExtraction
import ParaCore

@Suite struct FormatTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("parasearch-formats-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func write(_ name: String, _ data: Data) -> String {
        let url = dir.appendingPathComponent(name)
        try! data.write(to: url)
        return url.path
    }

    func check(_ doc: ExtractedDocument, _ format: String, headings: Bool = true) {
        let numbered = doc.paragraphs.filter { $0.number != nil }
        let expected = ReportFixture.expected
        #expect(numbered.map(\.number) == expected.map { Optional($0.number) }, "\(format)")
        for (p, e) in zip(numbered, expected) {
            #expect(p.text == e.text, "\(format) ¶\(e.number)")
            if headings { #expect(p.headings == e.headings, "\(format) ¶\(e.number)") }
        }
        #expect(doc.metadata.symbol == ReportFixture.symbol, "\(format)")
        #expect(doc.paragraphs.allSatisfy { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) == $0.text }, "\(format)")
        #expect(doc.metadata.language == .en, "\(format)")
    }

    @Test func htmlGivesTheReportsParagraphsFromOrderedLists() throws {
        let doc = try DocumentExtractor().extract(path: write("report.html", Data(ReportFixture.html().utf8)))[0]
        check(doc, "html")
        #expect(doc.metadata.title == ReportFixture.title)
        #expect(!doc.paragraphs.contains { $0.text.contains("not a paragraph") || $0.text.contains("color: red") || $0.text.contains("undocs") })
    }

    @Test func htmlSourceLineBreaksAreSpacesExceptInPre() throws {
        let page = "<html><body><p>1. Asset\n   recovery\tin the\r\nregion.</p><pre>\n$ ls\nfile\n</pre></body></html>"
        let doc = try DocumentExtractor().extract(path: write("lines.html", Data(page.utf8)))[0]
        #expect(doc.paragraphs.map(\.text) == ["Asset recovery in the region.\n$ ls\nfile"])
    }

    @Test func htmlHonoursADeclaredLegacyCharset() throws {
        // The same short page encoded in GBK and in Big5 (bytes made with Python's codecs).
        let pages: [(String, String, String)] = [
            ("gbk", "3c68746d6c3e3c686561643e3c6d65746120687474702d65717569763d22436f6e74656e742d547970652220636f6e74656e743d22746578742f68746d6c3b20636861727365743d67626b223e3c7469746c653ed7cab2fad7b7bbd83c2f7469746c653e3c2f686561643e3c626f64793e3c703e312e20b7b8d7efcbbeb7a8cbf9bcccd0f8d0add6fad7cab2fad7b7bbd8a1a33c2f703e3c703e322e20b5dab6feb6cea1a33c2f703e3c2f626f64793e3c2f68746d6c3e",
             "犯罪司法所继续协助资产追回。"),
            ("big5", "3c68746d6c3e3c686561643e3c6d65746120687474702d65717569763d22436f6e74656e742d547970652220636f6e74656e743d22746578742f68746d6c3b20636861727365743d62696735223e3c7469746c653eb8eab2a3b06ca65e3c2f7469746c653e3c2f686561643e3c626f64793e3c703e312e20a5c7b86fa571aa6ba9d2c47ec4f2a8f3a755b8eab2a3b06ca65ea1433c2f703e3c703e322e20b2c4a447ac71a1433c2f703e3c2f626f64793e3c2f68746d6c3e",
             "犯罪司法所繼續協助資產追回。"),
        ]
        for (charset, hex, first) in pages {
            var bytes: [UInt8] = []
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 2)
                bytes.append(UInt8(hex[i..<j], radix: 16)!)
                i = j
            }
            let doc = try DocumentExtractor().extract(path: write("page-\(charset).html", Data(bytes)))[0]
            #expect(doc.paragraphs.compactMap { $0.number } == ["1", "2"], "\(charset)")
            #expect(doc.paragraphs.first?.text == first, "\(charset)")
            #expect(doc.metadata.language == .zh, "\(charset)")
            #expect(doc.metadata.title == (charset == "gbk" ? "资产追回" : "資產追回"), "\(charset)")
            #expect(doc.warnings.isEmpty, "\(charset)")
        }
    }

    @Test func badBytesInADeclaredCharsetAreReplacedWithAWarningAndNothingIsLost() throws {
        // GBK 资产追回, then two bytes that are not GBK, then more text and a second paragraph.
        var bytes = Array("<html><head><meta charset=\"gbk\"><title>t</title></head><body><p>1. ".utf8)
        bytes += [0xD7, 0xCA, 0xB2, 0xFA, 0xD7, 0xB7, 0xBB, 0xD8, 0x20, 0xFF, 0xFF]
        bytes += Array(" more</p><p>2. The rest of the page.</p></body></html>".utf8)
        let doc = try DocumentExtractor().extract(path: write("bad-gbk.html", Data(bytes)))[0]
        #expect(doc.paragraphs.map(\.text) == ["资产追回 \u{FFFD}\u{FFFD} more", "The rest of the page."])
        #expect(doc.warnings == ["2 bytes not valid in the declared charset gbk read as U+FFFD"])
    }

    @Test func repairedMarkupIsAWarningNotAFailure() throws {
        let page = "<html><body><p>1. One <b>bold <i>and</b> more.</p><p>2. Two.</p></body></html>"
        let doc = try DocumentExtractor().extract(path: write("repaired.html", Data(page.utf8)))[0]
        #expect(doc.paragraphs.map(\.number) == ["1", "2"])
        #expect(doc.warnings.contains { $0.hasPrefix("HTML parser: ") && $0.contains("mismatch") })
        // Modern elements are not worth a warning.
        let modern = try DocumentExtractor().extract(path: write("modern.html", Data("<html><body><main><section><p>1. One.</p></section></main></body></html>".utf8)))[0]
        #expect(modern.warnings.isEmpty)
    }

    @Test func htmlFootnotesGoWithTheParagraphThatCitesThem() throws {
        // As Word exports them (a link to the note, the note linking back), cited twice; as a
        // document converter writes them (a list of notes at the end); a link to a heading is
        // an ordinary link.
        let word = """
            <html><head><title>Report</title></head><body>
            <p><a href="#sec" id="toc1">1</a> Introduction</p>
            <h2 id="sec"><a href="#toc1">I. Introduction</a></h2>
            <p>1. Member States reported progress.<a href="#_ftn1" name="_ftnref1"><sup>[1]</sup></a></p>
            <p>2. The Secretary-General recommends cooperation.<a href="#_ftn2" name="_ftnref2"><sup>[2]</sup></a></p>
            <p>3. A third paragraph.</p>
            <div><br clear=all><hr align=left size=1 width="33%">
            <div id=ftn1><p><a href="#_ftnref1" name="_ftn1"><sup>[1]</sup></a> See A/79/100, para. 12.</p><p>Also A/79/200.</p></div>
            <div id=ftn2><p><a href="#_ftnref2" name="_ftn2"><sup>[2]</sup></a> Resolution 58/4, annex.</p></div>
            </div></body></html>
            """
        let doc = try DocumentExtractor().extract(path: write("word-notes.html", Data(word.utf8)))[0]
        #expect(doc.paragraphs.map(\.text) == ["1 Introduction", "Member States reported progress.",
                                               "The Secretary-General recommends cooperation.", "A third paragraph."])
        #expect(doc.paragraphs.map(\.notes) == [[], [Note(mark: "1", text: "See A/79/100, para. 12. Also A/79/200.")],
                                                [Note(mark: "2", text: "Resolution 58/4, annex.")], []])
        let converted = """
            <html><body><main><h2>I. Introduction</h2>
            <p>1. Member States reported progress.<a href="#fn1" class="footnote-ref" id="fnref1"><sup>1</sup></a></p>
            <p>2. The second paragraph.<a href="#fn1" id="fnref1-2"><sup>1</sup></a></p>
            <section class="footnotes"><hr /><ol>
            <li id="fn1"><p>See A/79/100, para. 12.<a href="#fnref1" class="footnote-back">↩︎</a></p></li>
            </ol></section></main></body></html>
            """
        let pandoc = try DocumentExtractor().extract(path: write("converted.html", Data(converted.utf8)))[0]
        // One note, with the page's other text beside it at the end; Word's conditional
        // markers around the mark.
        let single = """
            <html><body><p>1. Member States reported progress.<a href="#_ftn1" name="_ftnref1"><![if !supportFootnotes]>[1]<![endif]></a></p>
            <div id="bottom"><div><hr><div id="ftn1"><p><a href="#_ftnref1" name="_ftn1">[1]</a> See A/79/100.</p></div></div>
            <p>2. Contact the Secretariat.</p></div></body></html>
            """
        let one = try DocumentExtractor().extract(path: write("single.html", Data(single.utf8)))[0]
        #expect(one.paragraphs.map(\.text) == ["Member States reported progress.", "Contact the Secretariat."])
        #expect(one.paragraphs.map(\.notes) == [[Note(mark: "1", text: "See A/79/100.")], []])
        // A reference whose id is on the element around its link.
        let cited = """
            <html><body><p>1. Member States reported progress.<sup id="cite_ref-1"><a href="#cite_note-1">[1]</a></sup></p>
            <ol class="references"><li id="cite_note-1"><span><a href="#cite_ref-1">^</a></span> See A/79/100.</li></ol></body></html>
            """
        let wiki = try DocumentExtractor().extract(path: write("cited.html", Data(cited.utf8)))[0]
        #expect(wiki.paragraphs.map(\.text) == ["Member States reported progress."])
        #expect(wiki.paragraphs.map(\.notes) == [[Note(mark: "1", text: "See A/79/100.")]])
        #expect(pandoc.paragraphs.map(\.text) == ["Member States reported progress.", "The second paragraph."])
        #expect(pandoc.paragraphs.map(\.notes) == [[Note(mark: "1", text: "See A/79/100, para. 12.")],
                                                   [Note(mark: "1", text: "See A/79/100, para. 12.")]])
    }

    @Test func teiLikeXMLGivesTheSameParagraphs() throws {
        let doc = try DocumentExtractor().extract(path: write("report.xml", Data(ReportFixture.xml().utf8)))[0]
        check(doc, "xml", headings: false)
        #expect(doc.metadata.title == ReportFixture.title)
    }

    @Test func docxWithAutomaticNumberingGivesTheSameParagraphs() throws {
        let url = dir.appendingPathComponent("report.docx")
        try ReportFixture.docx(to: url)
        let doc = try DocumentExtractor().extract(path: url.path)[0]
        check(doc, "docx")
        #expect(doc.metadata.title == ReportFixture.title)
        #expect(!doc.paragraphs.contains { $0.text.contains("deleted words") })
        #expect(doc.paragraphs.last?.text == "Donor | Amount")   // a table row
    }

    @Test func docxNumberedThroughParagraphStylesGivesTheSameParagraphs() throws {
        // The numbers come from the paragraph's style, two styles up its `basedOn` chain; a
        // sub-item style is linked to the list's second level by the list itself.
        let entries = ReportFixture.docxEntries().map { path, text -> (String, String) in
            switch path {
            case "word/document.xml":
                return (path, text.replacingOccurrences(of: "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr>",
                                                       with: "<w:pPr><w:pStyle w:val=\"ParaNum\"/></w:pPr>")
                        .replacingOccurrences(of: "<w:tbl>", with: """
                            <w:p><w:pPr><w:pStyle w:val="SubItem"/></w:pPr><w:r><w:t>First sub-item.</w:t></w:r></w:p>\
                            <w:p><w:pPr><w:pStyle w:val="ParaNum"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Not numbered.</w:t></w:r></w:p><w:tbl>
                            """))
            case "word/styles.xml":
                return (path, text.replacingOccurrences(of: "</w:styles>", with: """
                    <w:style w:type="paragraph" w:styleId="Numbered"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>\
                    <w:style w:type="paragraph" w:styleId="Body"><w:basedOn w:val="Numbered"/></w:style>\
                    <w:style w:type="paragraph" w:styleId="ParaNum"><w:basedOn w:val="Body"/></w:style>\
                    <w:style w:type="paragraph" w:styleId="SubItem"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style></w:styles>
                    """))
            case "word/numbering.xml":
                return (path, text.replacingOccurrences(of: "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/>",
                                                       with: "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:pStyle w:val=\"SubItem\"/>"))
            default:
                return (path, text)
            }
        }
        let url = dir.appendingPathComponent("styled.docx")
        try ReportFixture.zip(to: url, entries: entries)
        let doc = try DocumentExtractor().extract(path: url.path)[0]
        // The sub-item takes the second level, `(a)`; list 0 on the paragraph takes its style's
        // numbering off (an unnumbered line stays with the paragraph before it).
        let last = try #require(doc.paragraphs.last { $0.number != nil })
        #expect(last.number == "4")
        #expect(last.text.hasSuffix("North Africa.\n(a) First sub-item.\nNot numbered."))
        var trimmed = doc
        let i = try #require(trimmed.paragraphs.lastIndex { $0.number != nil })
        trimmed.paragraphs[i].text = last.text.replacingOccurrences(of: "\n(a) First sub-item.\nNot numbered.", with: "")
        check(trimmed, "docx")
    }

    @Test func docxFootnotesAndEndnotesGoWithTheParagraphThatCitesThem() throws {
        // A footnote cited in the second numbered paragraph (twice), an endnote in the table
        // row, and the separator notes Word writes, which are no notes.
        var cited = 0
        let entries = ReportFixture.docxEntries().map { path, text -> (String, String) in
            guard path == "word/document.xml" else { return (path, text) }
            var out = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var l = String(line)
                if l.contains("<w:numPr>") {
                    cited += 1
                    if cited == 2 {
                        l = l.replacingOccurrences(of: "</w:p>", with: "<w:r><w:footnoteReference w:id=\"2\"/></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r></w:p>")
                    }
                }
                out += l.replacingOccurrences(of: "<w:t>Amount</w:t></w:r></w:p></w:tc></w:tr>",
                                              with: "<w:t>Amount</w:t></w:r><w:r><w:endnoteReference w:id=\"1\"/></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc></w:tr>") + "\n"
            }
            return (path, out)
        } + [
            ("word/footnotes.xml", """
             <w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
             <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
             <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>\
             <w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See A/79/100, para. 12.</w:t></w:r></w:p></w:footnote>\
             </w:footnotes>
             """),
            ("word/endnotes.xml", """
             <w:endnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
             <w:endnote w:id="1"><w:p><w:r><w:t>In United States dollars.</w:t></w:r></w:p></w:endnote></w:endnotes>
             """),
        ]
        let url = dir.appendingPathComponent("notes.docx")
        try ReportFixture.zip(to: url, entries: entries)
        let doc = try DocumentExtractor().extract(path: url.path)[0]
        check(doc, "docx")
        let numbered = doc.paragraphs.filter { $0.number != nil }
        #expect(numbered.map(\.notes) == [[], [Note(mark: "1", text: "See A/79/100, para. 12.")], [], []])
        #expect(doc.paragraphs.suffix(2).map(\.text) == ["Donor | Amount", "Total"])
        #expect(doc.paragraphs.suffix(2).map(\.notes) == [[Note(mark: "i", text: "In United States dollars.")], []])
    }

    @Test func docxNumbersFromTheDefaultStyleLinkedLevelsAndNumberingStyles() throws {
        // The default paragraph style numbers a paragraph that names none; a level linked to a
        // style wins over the style's own; a list defined by a numbering style takes the levels
        // of the list that style names; list 0 on a style takes numbering off.
        let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
        func p(_ text: String, _ props: String = "") -> String { "<w:p><w:pPr>\(props)</w:pPr><w:r><w:t>\(text)</w:t></w:r></w:p>" }
        let document = "<w:document \(w)><w:body>" + p("Alpha.") + p("Beta.", "<w:pStyle w:val=\"Sub\"/>") + p("Gamma.")
            + p("Delta.", "<w:numPr><w:numId w:val=\"8\"/></w:numPr>") + p("Epsilon.", "<w:pStyle w:val=\"Plain\"/>") + "</w:body></w:document>"
        let numbering = "<w:numbering \(w)>"
            + "<w:abstractNum w:abstractNumId=\"3\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
            + "<w:lvl w:ilvl=\"1\"><w:pStyle w:val=\"Sub\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"(%2)\"/></w:lvl></w:abstractNum>"
            + "<w:abstractNum w:abstractNumId=\"4\"><w:styleLink w:val=\"Outline\"/><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>"
            + "<w:abstractNum w:abstractNumId=\"5\"><w:numStyleLink w:val=\"Outline\"/></w:abstractNum>"
            + "<w:num w:numId=\"7\"><w:abstractNumId w:val=\"3\"/></w:num><w:num w:numId=\"8\"><w:abstractNumId w:val=\"5\"/></w:num></w:numbering>"
        let styles = "<w:styles \(w)>"
            + "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:pPr><w:numPr><w:numId w:val=\"7\"/></w:numPr></w:pPr></w:style>"
            + "<w:style w:type=\"paragraph\" w:styleId=\"Sub\"><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr></w:style>"
            + "<w:style w:type=\"paragraph\" w:styleId=\"Plain\"><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr></w:style>"
            + "</w:styles>"
        let url = dir.appendingPathComponent("levels.docx")
        try ReportFixture.zip(to: url, entries: [("word/document.xml", document), ("word/numbering.xml", numbering), ("word/styles.xml", styles)])
        let units = try DOCXExtractor().extract(Data(contentsOf: url), file: "levels.docx").units
        #expect(units.map(\.text) == ["1. Alpha.", "(a) Beta.", "2. Gamma.", "I. Delta.", "Epsilon."])
    }

    @Test func docxNoteMarksAsWordPrintsThem() throws {
        // A custom mark from a heading, a short paragraph, a note without text (still
        // numbered), a citation in deleted text (none), and a heading's note for the next
        // paragraph.
        func ref(_ id: Int, custom: String? = nil) -> String {
            custom.map { "<w:r><w:footnoteReference w:customMarkFollows=\"1\" w:id=\"\(id)\"/><w:t>\($0)</w:t></w:r>" }
                ?? "<w:r><w:footnoteReference w:id=\"\(id)\"/></w:r>"
        }
        func p(_ text: String, numbered: Bool = true, heading: Bool = false, _ tail: String = "") -> String {
            let props = heading ? "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>" : numbered ? "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr>" : ""
            return "<w:p>\(props)<w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r>\(tail)</w:p>"
        }
        let body = p("I. Introduction", heading: true, ref(1, custom: "*"))
            + p("Short one.", ref(2))
            + p("The second paragraph cites a note without text", ref(3) + "<w:r><w:t xml:space=\"preserve\"> and a note with text.</w:t></w:r>" + ref(4))
            + p("The third paragraph.", "<w:del w:id=\"9\"><w:r><w:footnoteReference w:id=\"5\"/></w:r></w:del>")
            + p("Unnumbered text that goes on.", numbered: false, ref(7))
            + p("https://www.un.org/en/", numbered: false, ref(8))
            + p("II. Next", heading: true, ref(6))
            + p("The fourth paragraph.", "<w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
                + "<mc:Choice Requires=\"wps\"><w:txbxContent><w:p><w:r><w:t xml:space=\"preserve\"> Boxed.</w:t></w:r></w:p></w:txbxContent></mc:Choice>"
                + "<mc:Fallback><w:txbxContent><w:p><w:r><w:t xml:space=\"preserve\"> Boxed.</w:t></w:r></w:p></w:txbxContent></mc:Fallback>"
                + "</mc:AlternateContent></w:r>")
        func note(_ id: Int, _ inner: String) -> String { "<w:footnote w:id=\"\(id)\"><w:p>\(inner)</w:p></w:footnote>" }
        let notes = "<w:footnotes xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
            + "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"
            + note(1, "<w:r><w:t>*</w:t></w:r><w:r><w:t xml:space=\"preserve\"> Issued without formal editing.</w:t></w:r>")
            + note(2, "<w:r><w:t>Note two.</w:t></w:r>") + note(3, "<w:r><w:drawing/></w:r>") + note(4, "<w:r><w:t>Note four.</w:t></w:r>")
            + note(5, "<w:r><w:t>Deleted note.</w:t></w:r>") + note(6, "<w:r><w:t>Note six.</w:t></w:r>")
            + note(7, "<w:r><w:t>Note seven.</w:t></w:r>") + note(8, "<w:r><w:t>Note eight.</w:t></w:r>") + "</w:footnotes>"
        let entries = ReportFixture.docxEntries().map { path, text -> (String, String) in
            path == "word/document.xml"
                ? (path, "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\(body)</w:body></w:document>")
                : (path, text)
        } + [("word/footnotes.xml", notes)]
        let url = dir.appendingPathComponent("marks.docx")
        try ReportFixture.zip(to: url, entries: entries)
        let doc = try DocumentExtractor().extract(path: url.path)[0]
        #expect(doc.paragraphs.map(\.number) == ["1", "2", "3", "4"])
        #expect(doc.paragraphs.map(\.text) == ["Short one.", "The second paragraph cites a note without text and a note with text.",
                                               "The third paragraph.\nUnnumbered text that goes on.", "The fourth paragraph. Boxed."])
        #expect(doc.paragraphs[0].headings == ["I. Introduction"])
        #expect(doc.paragraphs.map(\.notes) == [
            [Note(mark: "*", text: "Issued without formal editing."), Note(mark: "1", text: "Note two.")],
            [Note(mark: "3", text: "Note four.")],
            [Note(mark: "4", text: "Note seven.")],   // from the unnumbered text it took in
            [Note(mark: "5", text: "Note eight."), Note(mark: "6", text: "Note six.")],   // from a dropped line, a heading
        ])
    }

    @Test func pdfByLayoutGivesTheSameParagraphs() throws {
        guard PDFExtractor.toolPath("pdftohtml") != nil else {
            // CI installs poppler-utils; without it the error must name the package.
            let error = #expect(throws: ParaError.self) { try DocumentExtractor().extract(path: write("r.pdf", ReportFixture.pdf())) }
            #expect(error?.message.contains("poppler-utils") == true)
            return
        }
        let doc = try DocumentExtractor().extract(path: write("report.pdf", ReportFixture.pdf()))[0]
        check(doc, "pdf")
    }

    @Test func numberingLabels() {
        #expect(Numbering.format(4, "upperRoman") == "IV")
        #expect(Numbering.format(28, "lowerLetter") == "bb")
        #expect(Numbering.format(23, "chineseCounting") == "二十三")
        #expect(Numbering.format(10, "chineseCounting") == "十")
    }
}
