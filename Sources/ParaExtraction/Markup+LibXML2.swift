import CLibXML2
import Foundation
import ParaCore

// Every libxml2 call ParaSearch makes lives in this file. Documents are parsed from memory
// with the network off and entities never substituted, then copied into a small Swift tree
// (iteratively: no recursion, however deep the markup) and freed.

/// An element or a run of text from an HTML or XML document.
final class MarkupNode {
    enum Kind { case element, text }
    let kind: Kind
    /// Local name, lower-cased for HTML (`p`, `h2`, `t`); empty for text.
    let name: String
    /// Namespace prefix as written (`w` for `w:p`), or empty.
    let prefix: String
    var attributes: [String: String] = [:]
    var children: [MarkupNode] = []
    let text: String

    init(kind: Kind, name: String, prefix: String = "", text: String = "") {
        self.kind = kind
        self.name = name
        self.prefix = prefix
        self.text = text
    }

    /// Attribute by local name (`w:val` → `val`).
    func attribute(_ name: String) -> String? { attributes[name] }

    /// All text below this node, in document order.
    var textContent: String {
        var out = ""
        var stack: [MarkupNode] = [self]
        while let n = stack.popLast() {
            if n.kind == .text { out += n.text } else { stack.append(contentsOf: n.children.reversed()) }
        }
        return out
    }

    /// Descendant elements (pre-order) with the given local name.
    func descendants(named name: String) -> [MarkupNode] {
        var out: [MarkupNode] = []
        var stack: [MarkupNode] = children.reversed()
        while let n = stack.popLast() {
            if n.kind == .element && n.name == name { out.append(n) }
            stack.append(contentsOf: n.children.reversed())
        }
        return out
    }

    func firstChild(named name: String) -> MarkupNode? {
        children.first { $0.kind == .element && $0.name == name }
    }
}

enum Markup {
    /// Deeper markup is refused: nothing legitimate nests this far, and it guards every walk.
    static let maxDepth = 1000
    /// More elements than this are refused (a bomb made of markup rather than entities).
    static let maxNodes = 5_000_000

    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// libxml2's messages during one parse on this thread, collected instead of printed.
    final class Messages {
        var list: [String] = []
    }

    /// Runs `body` with libxml2's messages going to `messages` (at most 20 kept), never to
    /// the terminal.
    static func collectingMessages<T>(_ messages: Messages, _ body: () throws -> T) rethrows -> T {
        parasearch_silenceGenericErrors()
        let context = Unmanaged.passUnretained(messages).toOpaque()
        xmlSetStructuredErrorFunc(context) { context, error in
            guard let context, let error, let text = error.pointee.message else { return }
            let box = Unmanaged<Messages>.fromOpaque(context).takeUnretainedValue()
            let message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
            if box.list.count < 20, !box.list.contains(message) { box.list.append(message) }
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return try body()
    }

    /// Parses HTML, honouring a declared charset (`<meta charset>`, GB2312, GBK, Big5 …) unless
    /// `encoding` overrides it (the caller converted the bytes already).
    static func parseHTML(_ data: Data, encoding: String? = nil, file: String, messages: Messages = Messages()) throws -> MarkupNode {
        _ = initialised
        xmlResetLastError()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)
        let doc: htmlDocPtr? = collectingMessages(messages) {
            data.withUnsafeBytes { p in
                htmlReadMemory(p.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: p.count), nil, encoding, options)
            }
        }
        guard let doc else { throw ParaError(.unreadableInput, file: file, "cannot parse HTML: \(lastError() ?? "unknown error")") }
        defer { xmlFreeDoc(doc) }
        // The HTML parser recovers from almost anything, but it stops at its depth limit and
        // drops what follows: say so rather than index a silently cut page.
        if let e = lastError(), e.lowercased().contains("depth") {
            throw ParaError(.unreadableInput, file: file, "markup is nested deeper than the parser allows; refused (\(e))")
        }
        guard let root = xmlDocGetRootElement(doc) else { throw ParaError(.unreadableInput, file: file, "HTML has no content") }
        return try copyTree(root, lowercase: true, file: file)
    }

    /// Parses XML without loading any DTD or resolving any entity. A document that declares
    /// entities, or names a DTD on the network, is refused.
    static func parseXML(_ data: Data, file: String) throws -> MarkupNode {
        _ = initialised
        // Not XML_PARSE_NOENT (substitutes entities) nor DTDLOAD/DTDATTR (read external
        // files even with NONET); not HUGE, so libxml2's own depth and size limits stay on.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        xmlResetLastError()
        let doc: xmlDocPtr? = collectingMessages(Messages()) {
            data.withUnsafeBytes { p in
                xmlReadMemory(p.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: p.count), nil, nil, options)
            }
        }
        guard let doc else { throw ParaError(.unreadableInput, file: file, "not well-formed XML: \(lastError() ?? "unknown error")") }
        defer { xmlFreeDoc(doc) }
        if let dtd = doc.pointee.intSubset {
            if dtd.pointee.entities != nil || dtd.pointee.pentities != nil {
                throw ParaError(.unreadableInput, file: file, "XML declares entities in its DTD; refused (ParaSearch never expands entities)")
            }
            if let system = dtd.pointee.SystemID.map({ String(cString: $0) }),
               ["http:", "https:", "ftp:", "file:"].contains(where: { system.lowercased().hasPrefix($0) }) {
                throw ParaError(.unreadableInput, file: file, "XML refers to an external DTD (\(system)); refused (ParaSearch never loads DTDs)")
            }
        }
        guard let root = xmlDocGetRootElement(doc) else { throw ParaError(.unreadableInput, file: file, "XML has no root element") }
        return try copyTree(root, lowercase: false, file: file)
    }

    private static func lastError() -> String? {
        guard let e = xmlGetLastError(), let m = e.pointee.message else { return nil }
        var s = String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
        if e.pointee.line > 0 { s += " (line \(e.pointee.line))" }
        return s
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    /// Copies the libxml2 tree below `root` into `MarkupNode`s without recursion.
    private static func copyTree(_ root: xmlNodePtr, lowercase: Bool, file: String) throws -> MarkupNode {
        func element(_ n: xmlNodePtr) -> MarkupNode {
            var name = string(n.pointee.name)
            if lowercase { name = name.lowercased() }
            let prefix = n.pointee.ns.map { string($0.pointee.prefix) } ?? ""
            let node = MarkupNode(kind: .element, name: name, prefix: prefix)
            var a = n.pointee.properties
            while let attr = a {
                var key = string(attr.pointee.name)
                if lowercase { key = key.lowercased() }
                var value = ""
                var c = attr.pointee.children
                while let v = c {
                    if v.pointee.type == XML_TEXT_NODE { value += string(v.pointee.content) }
                    c = v.pointee.next
                }
                node.attributes[key] = value
                a = attr.pointee.next
            }
            return node
        }
        let top = element(root)
        var stack: [(xmlNodePtr, MarkupNode, Int)] = [(root, top, 1)]
        var count = 0
        while let (n, node, depth) = stack.popLast() {
            var child = n.pointee.children
            var pending: [(xmlNodePtr, MarkupNode, Int)] = []
            while let c = child {
                count += 1
                if count > maxNodes { throw ParaError(.unreadableInput, file: file, "markup has more than \(maxNodes) nodes; refused") }
                switch c.pointee.type {
                case XML_ELEMENT_NODE:
                    if depth + 1 > maxDepth { throw ParaError(.unreadableInput, file: file, "markup is nested deeper than \(maxDepth) levels; refused") }
                    let e = element(c)
                    node.children.append(e)
                    pending.append((c, e, depth + 1))
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    node.children.append(MarkupNode(kind: .text, name: "", text: string(c.pointee.content)))
                default:
                    break   // comments, processing instructions, entity references (never expanded)
                }
                child = c.pointee.next
            }
            stack.append(contentsOf: pending.reversed())
        }
        return top
    }
}
