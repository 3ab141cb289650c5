/// YAML front matter between `---` lines at the top of a Markdown file.
///
/// Only flat `key: value` pairs are read (quoted or not); that is all report metadata needs,
/// and it keeps a YAML parser out of the dependency list.
enum FrontMatter {
    static func split(_ text: String) -> (fields: [String: String], body: String) {
        guard text.hasPrefix("---") else { return ([:], text) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.first.map({ $0.trimmingCharacters() == "---" }) == true else { return ([:], text) }
        lines = lines.dropFirst()
        var fields: [String: String] = [:]
        var consumed = 1
        var closed = false
        for line in lines {
            consumed += 1
            let t = line.trimmingCharacters()
            if t == "---" || t == "..." { closed = true; break }
            guard let colon = t.firstIndex(of: ":") else { continue }
            let key = t[..<colon].trimmingCharacters().lowercased()
            var value = t[t.index(after: colon)...].trimmingCharacters()
            if value.count >= 2, let f = value.first, let l = value.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
                value = String(value.dropFirst().dropLast())
                value = value.replacingEscapes()
            }
            if value == "null" || value == "~" { continue }
            if !key.isEmpty && !key.contains(" ") { fields[key] = value }
        }
        guard closed else { return ([:], text) }
        let body = text.split(separator: "\n", maxSplits: consumed, omittingEmptySubsequences: false)
        return (fields, body.count > consumed ? String(body[consumed]) : "")
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
