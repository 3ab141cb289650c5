import Foundation
import ParaCore

/// XML through libxml2 (no DTDs, no entities): TEI-like corpus files (`<p>` paragraphs made of
/// `<s>` sentences, `<head>` headings, symbol and title in the header) and generic XML (the
/// text of every element that holds text directly).
struct XMLExtractor {
    typealias Result = MarkupExtraction

    func extract(_ data: Data, file: String) throws -> Result {
        let root = try Markup.parseXML(data, file: file)
        var header: MarkupNode? = nil
        var body = root
        if let h = root.descendants(named: "teiHeader").first ?? root.descendants(named: "header").first {
            header = h
            body = root.descendants(named: "text").first ?? root.descendants(named: "body").first ?? root
        }
        var symbol: String? = nil
        var title = ""
        for n in (header ?? root).descendants(named: "idno") + (header ?? root).descendants(named: "symbol") {
            let t = n.textContent
            if let s = findDocumentSymbol(in: t), n.name == "symbol" || (n.attribute("type") ?? "").lowercased().contains("symbol") || symbol == nil {
                symbol = s
            }
        }
        if let t = (header ?? root).descendants(named: "title").first {
            title = collapseSpaces(trimmed(Substring(t.textContent)))
        }
        let lang = (root.attribute("lang") ?? body.attribute("lang")).flatMap { Language(rawValue: String($0.lowercased().prefix(2))) }

        var units: [ReportSegmenter.Unit] = []
        let paragraphs = body.descendants(named: "p")
        if !paragraphs.isEmpty {
            // TEI-like: headings and paragraphs in document order.
            units = orderedUnits(body)
        } else {
            // Generic XML: every element with text of its own is a block.
            var stack: [MarkupNode] = [body]
            while let node = stack.popLast() {
                if node.children.contains(where: { $0.kind == .text && !$0.text.allSatisfy(\.isWhitespace) }) {
                    units.append(ReportSegmenter.Unit(text(of: node)))
                } else {
                    stack.append(contentsOf: node.children.filter { $0.kind == .element }.reversed())
                }
            }
        }
        units = units.filter { !$0.text.isEmpty }
        if symbol == nil { symbol = symbolOnFirstPage(units.map(\.text)) }
        return Result(units: units, title: title, language: lang, symbol: symbol)
    }

    /// `<head>` and `<p>` elements below `body`, in document order.
    private func orderedUnits(_ body: MarkupNode) -> [ReportSegmenter.Unit] {
        var out: [ReportSegmenter.Unit] = []
        var stack: [(MarkupNode, Int)] = [(body, 0)]
        while let (node, depth) = stack.popLast() {
            if node.name == "head" {
                out.append(ReportSegmenter.Unit(text(of: node), headingLevel: max(1, depth)))
                continue
            }
            if node.name == "p" {
                out.append(ReportSegmenter.Unit(text(of: node)))
                continue
            }
            for child in node.children.reversed() where child.kind == .element {
                stack.append((child, child.name == "div" ? depth + 1 : depth))
            }
        }
        return out
    }

    /// Text of an element with its sentences and inline parts joined by single spaces.
    private func text(of node: MarkupNode) -> String {
        var parts: [String] = []
        var stack: [MarkupNode] = [node]
        while let n = stack.popLast() {
            if n.kind == .text { parts.append(n.text); continue }
            if n.name == "note" { continue }     // footnotes are furniture
            if n.name == "s" || n.name == "lb" { parts.append(" ") }
            stack.append(contentsOf: n.children.reversed())
        }
        return collapseSpaces(trimmed(Substring(parts.joined().replacingOccurrences(of: "\n", with: " "))))
    }
}
