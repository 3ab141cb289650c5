import Foundation
import ParaCore

/// What the first page of a UN document says about it, in English or Chinese: the header
/// (organ, symbols, distribution, date, original language), then the committee, session and
/// agenda item, then the title in larger type.
struct CoverPage {
    /// Every symbol of the document, in the order printed (both halves of a joint document),
    /// without the `*` marks of a reissue.
    var symbols: [String] = []
    var title: String?
    var date: String?
    var organ: String?
    var session: String?
    var agendaItem: String?
    /// The header's lines (page index 0, line index): metadata, not paragraphs.
    var headerLines: Set<[Int]> = []

    init(layout: PDFLayout, words: Vocabulary) {
        guard let lines = layout.lines.first, let page = layout.pages.first else { return }
        let height = page.height > 0 ? page.height : 1000
        // The header ends with the distribution block (Distr.: General / date / Original): a
        // UN cover has a `Distr.` line near the top; without one there is no header to take.
        let top = lines.filter { $0.top < height * 0.35 }
        let runs = top.flatMap { l in l.runs.map { (l, $0.text.trimmingCharacters(in: .whitespaces).lowercased()) } }
        var headerBottom: Double? = nil
        if runs.contains(where: { $0.1.hasPrefix("distr.") || $0.1 == "distr" }) {
            for (l, t) in runs where t.hasPrefix("distr") || t.hasPrefix("original:") || t.hasPrefix("原文")
                || ["limited", "general", "restricted"].contains(t) {
                headerBottom = max(headerBottom ?? 0, l.bottom)
            }
        }
        // The organ's name may wrap below the distribution block: lines in the same type that
        // follow a header line closely are header too.
        if var bottom = headerBottom {
            var grew = true
            while grew {
                grew = false
                for l in top where l.bottom > bottom + 1 && l.top < bottom + l.height * 0.6 {
                    // It starts inside the header, or right under a header line in its type.
                    if l.top < bottom || lines.contains(where: { $0.bottom <= bottom + 1 && $0.bottom >= l.top - l.height
                                                                  && abs($0.size - l.size) < 0.5 && $0.bold == l.bold }) {
                        bottom = l.bottom
                        grew = true
                    }
                }
            }
            headerBottom = bottom
        }
        let symbolZone = headerBottom ?? height * 0.15
        for (i, l) in lines.enumerated() where l.top <= symbolZone + 1 {
            if headerBottom != nil { headerLines.insert([0, i]) }
            for s in documentSymbols(in: l.text) where !symbols.contains(s) { symbols.append(s) }
            if date == nil, let d = Self.date(in: l.text) ?? l.runs.lazy.compactMap({ Self.date(in: $0.text.trimmingCharacters(in: .whitespaces)) }).first {
                date = d
            }
        }
        if let bottom = headerBottom {
            // The organ: the largest type of the header that is not the symbol, the name of the
            // Organization or the distribution block (runs, since the organ shares a band with it).
            // Runs on the symbol's line that spell part of it (`DP` + `/2025/19`) are not the organ.
            let runs = lines.filter { $0.bottom <= bottom + 1 }.flatMap { l -> [PDFTextRun] in
                guard !documentSymbols(in: l.text).isEmpty else { return l.runs }
                return l.runs.filter { r in
                    let t = r.text.trimmingCharacters(in: .whitespaces)
                    return !(t.count <= 6 && t.unicodeScalars.allSatisfy { $0.properties.isUppercase }) && !t.contains("/")
                }
            }.filter { r in
                let t = r.text.trimmingCharacters(in: .whitespaces)
                let lower = t.lowercased()
                return documentSymbols(in: t).isEmpty && t.count >= 2 && !t.hasPrefix("/") && !t.hasPrefix("*") && Self.date(in: t) == nil
                    && !lower.hasPrefix("distr") && !lower.hasPrefix("original") && !t.hasPrefix("原文")
                    && !["united nations", "联合国", "nations unies", "naciones unidas", "united", "nations", "general", "limited",
                         "restricted", "english", "chinese", "french", "spanish", "russian", "arabic"].contains(lower)
            }
            if let size = runs.map(\.size).max() {
                var text = ""
                for r in runs where abs(r.size - size) < 0.5 { words.join(&text, r.text.trimmingCharacters(in: .whitespaces)) }
                organ = text.isEmpty ? nil : text
            }
        }
        // Below the header: session, agenda item, then the title in the largest type.
        let below = lines.enumerated().filter { i, l in !headerLines.contains([0, i]) && layout.roles[0][i] == .body && l.top > symbolZone }
        // Their lines are metadata, not text (on a UN cover, where the header was found).
        for (i, l) in below.prefix(12) {
            let t = l.text
            if session == nil, t.count < 60, t.lowercased().split(separator: " ").contains("session") || t.hasSuffix("届会议") || t.hasSuffix("届会") {
                session = t
                if headerBottom != nil { headerLines.insert([0, i]) }
            }
            if agendaItem == nil, t.hasPrefix("Item") || t.hasPrefix("Agenda item") || t.hasPrefix("Provisional agenda item")
                || t.contains("临时议程项目") || t.hasPrefix("议程项目") {
                agendaItem = t.replacingOccurrences(of: "*", with: "").trimmingCharacters(in: .whitespaces)
                if headerBottom != nil { headerLines.insert([0, i]) }
            }
        }
        let body = layout.bodySize
        // The title: the first run of lines in the largest type below the header, not a
        // section heading (`I. Introduction`) or a label (`Contents`, `Summary`).
        let candidates = below.filter { _, l in
            PDFLayoutReader.headingMark(l.text) == nil && !["contents", "summary", "annex", "note", "distr"].contains(where: { l.text.lowercased().hasPrefix($0) })
                && !(session.map { l.text == $0 } ?? false) && !(agendaItem.map { l.text.hasPrefix($0) } ?? false)
        }
        if let biggest = candidates.map({ $0.element.size }).filter({ $0 > body + 0.5 }).max() {
            var titleLines: [PDFLine] = []
            for (_, l) in candidates {
                if abs(l.size - biggest) < 0.5 {
                    if let last = titleLines.last, l.top - last.bottom > max(l.height, layout.linePitch) * 1.2 { break }
                    titleLines.append(l)
                } else if !titleLines.isEmpty { break }
            }
            var text = ""
            for l in titleLines { words.join(&text, l.text) }
            if !text.isEmpty { title = text }
        }
    }

    /// `10 January 2025`, `2018年3月1日`.
    static func date(in t: String) -> String? {
        let patterns = [#"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$"#,
                        #"^\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日$"#]
        for p in patterns where t.range(of: p, options: .regularExpression) != nil { return t }
        return nil
    }
}

/// Every UN document symbol in `text` (`A/80/62`, `E/CN.5/2025/4`, `A/79/437/Add.4`,
/// `A/AC.292/2025/INF/5/Rev.1`), in order; `*` marks and the dash between the two symbols of a
/// joint document (`A/79/947-S/2025/372`) are not part of them.
func documentSymbols(in text: String) -> [String] {
    let cleaned = text.replacingOccurrences(of: "*", with: "")
    // A body of capitals, then at least two /-separated parts; a part starts with a capital or
    // a figure and may go on in lower case (Add.4, Rev.1, WP.4).
    let pattern = #"(?<![A-Za-z0-9/.])[A-Z][A-Z0-9.]{0,9}(?:/[A-Z0-9][A-Za-z0-9.]*){2,}"#
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    let ns = cleaned as NSString
    var out: [String] = []
    for m in re.matches(in: cleaned, range: NSRange(location: 0, length: ns.length)) {
        var s = ns.substring(with: m.range)
        while s.hasSuffix(".") { s.removeLast() }
        guard s.contains(where: \.isASCIIDigitCharacter) else { continue }
        out.append(s)
    }
    return out
}
