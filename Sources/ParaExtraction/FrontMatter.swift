import Foundation
import Yams

/// YAML front matter between `---` lines at the top of a Markdown file, read with Yams:
/// scalars are kept as written (`1.10`, `2025-09-19`), lists of symbols give the document all
/// its symbols (`symbol` is the first, `symbols` all of them, space-separated), other lists are
/// joined with `; `, block scalars keep their text; the first of two keys that differ only in
/// case wins. Front matter that is not valid YAML is read as flat `key: value` lines, with a
/// warning.
enum FrontMatter {
    /// The fields, the body after the front matter, and a warning when the YAML was not valid.
    static func split(_ text: String) -> (fields: [String: String], body: String, warning: String?) {
        guard text.hasPrefix("---") else { return ([:], text, nil) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.first.map({ $0.trimmingCharacters() == "---" }) == true else { return ([:], text, nil) }
        lines = lines.dropFirst()
        var yaml: [Substring] = []
        var consumed = 1
        var closed = false
        for line in lines {
            consumed += 1
            let t = line.trimmingCharacters()
            if t == "---" || t == "..." { closed = true; break }
            yaml.append(line)
        }
        guard closed else { return ([:], text, nil) }
        let rest = text.split(separator: "\n", maxSplits: consumed, omittingEmptySubsequences: false)
        let body = rest.count > consumed ? String(rest[consumed]) : ""
        let source = yaml.joined(separator: "\n")
        if source.trimmingCharacters().isEmpty { return ([:], body, nil) }
        do {
            guard let mapping = try Yams.compose(yaml: source)?.mapping else {
                return (flat(yaml), body, "front matter is not a YAML mapping; read as key: value lines")
            }
            return (fields(mapping), body, nil)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "not valid YAML"
            return (flat(yaml), body, "front matter is not valid YAML (\(reason)); read as key: value lines")
        }
    }

    static func fields(_ mapping: Node.Mapping) -> [String: String] {
        var out: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard let rawKey = keyNode.scalar?.string else { continue }
            let key = rawKey.lowercased()
            guard !key.isEmpty, !key.contains(" ") else { continue }
            if let list = value.sequence {
                let items = list.compactMap { $0.scalar.flatMap(text) }
                guard !items.isEmpty else { continue }
                if key == "symbol" || key == "symbols" {
                    if out["symbol"] == nil { out["symbol"] = items[0] }
                    if out["symbols"] == nil, items.count > 1 { out["symbols"] = items.joined(separator: " ") }
                } else if out[key] == nil {
                    out[key] = items.joined(separator: "; ")
                }
            } else if let scalar = value.scalar, let s = text(scalar) {
                let k = key == "symbols" ? "symbol" : key
                if out[k] == nil { out[k] = s }
            }
        }
        return out
    }

    /// A scalar's text as written; nil for YAML's null.
    static func text(_ scalar: Node.Scalar) -> String? {
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        let s = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    /// Flat `key: value` lines, quoted or not: what invalid YAML still says.
    static func flat(_ lines: [Substring]) -> [String: String] {
        var fields: [String: String] = [:]
        for line in lines {
            let t = line.trimmingCharacters()
            guard let colon = t.firstIndex(of: ":") else { continue }
            let key = t[..<colon].trimmingCharacters().lowercased()
            var value = t[t.index(after: colon)...].trimmingCharacters()
            if value.count >= 2, let f = value.first, let l = value.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
                value = String(value.dropFirst().dropLast())
                value = value.replacingEscapes()
            }
            if value == "null" || value == "~" || value.isEmpty { continue }
            if !key.isEmpty && !key.contains(" ") { fields[key] = value }
        }
        return fields
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func replacingEscapes() -> String {
        guard contains("\\") else { return self }
        var out = ""
        var escaped = false
        for c in self {
            if escaped {
                switch c { case "n": out.append("\n"); case "t": out.append("\t"); default: out.append(c) }
                escaped = false
            } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}
