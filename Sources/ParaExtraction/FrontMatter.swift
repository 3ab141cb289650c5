import Foundation
import Yams

/// YAML front matter between `---` lines at the top of a Markdown file, read with Yams:
/// scalars become strings, dates `2025-09-19`, lists of symbols give the document all its
/// symbols (`symbol` is the first, `symbols` all of them, space-separated), other lists are
/// joined with `; `, block scalars keep their text. Front matter that is not valid YAML is
/// read as flat `key: value` lines, with a warning.
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
        do {
            guard let map = try Yams.load(yaml: source) as? [String: Any] else {
                return (flat(yaml), body, source.trimmingCharacters().isEmpty ? nil : "front matter is not a YAML mapping; read as key: value lines")
            }
            return (fields(map), body, nil)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "not valid YAML"
            return (flat(yaml), body, "front matter is not valid YAML (\(reason)); read as key: value lines")
        }
    }

    static func fields(_ map: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for (rawKey, value) in map {
            let key = rawKey.lowercased()
            guard !key.isEmpty, !key.contains(" ") else { continue }
            if let list = value as? [Any] {
                let items = list.compactMap(scalar)
                guard !items.isEmpty else { continue }
                if key == "symbol" || key == "symbols" {
                    out["symbol"] = out["symbol"] ?? items[0]
                    if items.count > 1 { out["symbols"] = items.joined(separator: " ") }
                } else {
                    out[key] = items.joined(separator: "; ")
                }
            } else if let s = scalar(value) {
                out[key == "symbols" ? "symbol" : key] = s
            }
        }
        return out
    }

    /// A scalar as text: dates as `2025-09-19` (or ISO 8601 with a time), the rest as written.
    static func scalar(_ value: Any) -> String? {
        switch value {
        case let s as String: return s.trimmingCharacters(in: .whitespacesAndNewlines)
        case let d as Date:
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            let full = f.string(from: d)
            return full.hasSuffix("T00:00:00Z") ? String(full.prefix(10)) : full
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let x as Double: return String(x)
        case is NSNull: return nil
        default: return nil
        }
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
