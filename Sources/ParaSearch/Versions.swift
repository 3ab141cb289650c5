import ParaCore
import ParaIndex

/// A paragraph of another language version of a document, aligned with a given paragraph.
///
/// `Codable` as the command line's JSON gives it: `language`, `document`, `symbol`, `title`,
/// `number`, `ordinal`, `citation`, `headings`, `text`, `source`, `pages`, `notes`, `extra`.
public struct ParallelParagraph: Sendable, Hashable {
    /// The version the paragraph belongs to.
    public var document: DocumentMetadata
    /// The aligned paragraph.
    public var paragraph: Paragraph
    /// The version's language.
    public var language: Language { document.language }
    /// How to cite the aligned paragraph.
    public var citation: Citation { Citation(metadata: document, paragraph: paragraph) }

    /// An aligned paragraph of `document`.
    public init(document: DocumentMetadata, paragraph: Paragraph) {
        self.document = document
        self.paragraph = paragraph
    }
}

extension ParallelParagraph: Codable {
    public func encode(to encoder: Encoder) throws {
        try FlatParagraph(document: document, paragraph: paragraph).encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let flat = try FlatParagraph(from: decoder)
        self.init(document: flat.document, paragraph: flat.paragraph)
    }
}

/// Where a document sits in a snapshot.
struct DocumentLocation: Hashable {
    var segment: Int
    var index: Int
}

/// Which documents of a snapshot are language versions of one another, and which of their
/// paragraphs align.
///
/// Two documents are versions of one another when their languages differ and they share a
/// symbol (any of their symbols, without regard to case), or when one names the other (by id
/// or symbol) in a `parallel` or `translation_of` field of its front matter or sidecar.
/// Paragraphs align by ``ParagraphAlignment``; a pair of versions whose numbering disagrees
/// is not aligned at all.
struct Versions {
    let snapshot: IndexSnapshot
    private var group: [DocumentLocation: Int] = [:]
    private var members: [[DocumentLocation]] = []
    /// Whether any document has a version in another language.
    private(set) var any = false

    /// Reads documents and paragraphs only, without linking versions.
    init(unlinked snapshot: IndexSnapshot) {
        self.snapshot = snapshot
    }

    init(snapshot: IndexSnapshot) throws {
        self.snapshot = snapshot
        var all: [(DocumentLocation, DocumentMetadata)] = []
        for (s, segment) in snapshot.segments.enumerated() {
            for (i, d) in try segment.documents.enumerated() { all.append((DocumentLocation(segment: s, index: i), d.metadata)) }
        }
        // Union-find over documents: a shared symbol or a link joins two.
        var parent = Array(all.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) { parent[find(a)] = find(b) }
        var bySymbol: [String: Int] = [:]
        var byName: [String: [Int]] = [:]
        for (k, (_, m)) in all.enumerated() {
            byName[m.id, default: []].append(k)
            for s in m.symbols.map({ $0.lowercased() }) {
                byName[s, default: []].append(k)
                if let other = bySymbol[s] { union(k, other) } else { bySymbol[s] = k }
            }
        }
        for (k, (_, m)) in all.enumerated() {
            for field in ["parallel", "translation_of"] {
                // One name or several (a YAML list arrives joined with `; `).
                for name in (m.extra[field] ?? "").split(whereSeparator: { $0 == ";" || $0 == "," || $0.isWhitespace }).map(String.init) {
                    for other in byName[name] ?? byName[name.lowercased()] ?? [] { union(k, other) }
                }
            }
        }
        // Only documents with a version are kept (most of a large index has none).
        var languagesOf: [Int: Set<Language>] = [:]
        for (k, (_, m)) in all.enumerated() { languagesOf[find(k), default: []].insert(m.language) }
        var roots: [Int: Int] = [:]
        for (k, (location, _)) in all.enumerated() {
            let root = find(k)
            guard languagesOf[root]!.count > 1 else { continue }
            let g: Int
            if let existing = roots[root] { g = existing } else { g = members.count; roots[root] = g; members.append([]) }
            members[g].append(location)
            group[location] = g
        }
        any = !members.isEmpty
    }

    /// The other-language versions of a document (empty when it has none).
    func versions(of location: DocumentLocation) throws -> [DocumentLocation] {
        guard let g = group[location], members[g].count > 1 else { return [] }
        let language = try stored(location).metadata.language
        var out: [DocumentLocation] = []
        for other in members[g] where other != location {
            if try stored(other).metadata.language != language { out.append(other) }
        }
        return out
    }

    /// The documents that have a version in one of `languages`.
    func documents(withVersionIn languages: Set<Language>) throws -> Set<DocumentLocation> {
        var out: Set<DocumentLocation> = []
        for group in members {
            let of = try group.map { try stored($0).metadata.language }
            for (k, d) in group.enumerated()
            where of.indices.contains(where: { of[$0] != of[k] && languages.contains(of[$0]) }) {
                out.insert(d)
            }
        }
        return out
    }

    func stored(_ location: DocumentLocation) throws -> StoredDocument {
        try snapshot.segments[location.segment].documents[location.index]
    }

    /// A document's paragraphs in order.
    func paragraphs(_ location: DocumentLocation) throws -> [Paragraph] {
        let d = try stored(location)
        let segment = snapshot.segments[location.segment]
        return try (d.firstParagraph..<(d.firstParagraph + d.paragraphCount)).map { try segment.paragraph($0) }
    }

    /// For paragraph `ordinal` (1-based) of a document, the aligned paragraphs of its other
    /// versions, each with its local paragraph id in its segment.
    func aligned(_ location: DocumentLocation, ordinal: Int,
                 cache: inout [PairKey: [Int: Int]?]) throws -> [(DocumentLocation, local: Int, Paragraph)] {
        var out: [(DocumentLocation, Int, Paragraph)] = []
        for other in try versions(of: location) {
            let key = PairKey(from: location, to: other)
            if cache[key] == nil {
                cache[key] = .some(ParagraphAlignment.align(try paragraphs(location), try paragraphs(other)))
            }
            guard let map = cache[key]!, let j = map[ordinal - 1] else { continue }
            let d = try stored(other)
            let local = d.firstParagraph + j
            out.append((other, local, try snapshot.segments[other.segment].paragraph(local)))
        }
        return out
    }

    struct PairKey: Hashable {
        var from: DocumentLocation
        var to: DocumentLocation
    }
}

/// How the paragraphs of two language versions of one document are paired.
///
/// - Numbered paragraphs pair by number: the k-th paragraph numbered `12` in one version with
///   the k-th numbered `12` in the other (an annex may number again from 1) — only when the
///   number occurs as often in both, so that a number misread or repeated in one version
///   (a list item `3.` inside ¶2) pairs nothing rather than the wrong paragraph. Numbers are
///   compared with full-width figures folded.
/// - The two versions must agree on their numbering: the numbers they share, in the same
///   order in both, must be at least 90 % of the numbered paragraphs of each. Otherwise the
///   versions are not aligned at all (they are different editions, or one was read badly):
///   no pairing is better than a wrong one.
/// - Unnumbered paragraphs pair by order within each stretch between two paired numbered
///   paragraphs, before the first and after the last (a whole document when neither version
///   is numbered), and only where both versions have the same count of them there and no
///   unpaired numbered paragraph.
public enum ParagraphAlignment {
    /// Index in `a` → index in `b`, or nil when the versions disagree.
    public static func align(_ a: [Paragraph], _ b: [Paragraph]) -> [Int: Int]? {
        func keys(_ ps: [Paragraph]) -> [Int: String] {
            var seen: [String: Int] = [:]
            var out: [Int: String] = [:]
            for (i, p) in ps.enumerated() {
                guard let n = p.number.map(normalized), !n.isEmpty else { continue }
                seen[n, default: 0] += 1
                out[i] = "\(n)#\(seen[n]!)"
            }
            return out
        }
        let ka = keys(a), kb = keys(b)
        // How often each number occurs in each version: one counted differently pairs nothing.
        func occurrences(_ ps: [Paragraph]) -> [String: Int] {
            var n: [String: Int] = [:]
            for p in ps { if let number = p.number.map(normalized), !number.isEmpty { n[number, default: 0] += 1 } }
            return n
        }
        let na = occurrences(a), nb = occurrences(b)
        var indexInB: [String: Int] = [:]
        for (i, k) in kb { indexInB[k] = i }
        var map: [Int: Int] = [:]
        var previous = -1
        for i in ka.keys.sorted() {
            guard let number = a[i].number.map(normalized), na[number] == nb[number], let j = indexInB[ka[i]!] else { continue }
            guard j > previous else { return nil }     // the shared numbers run in another order
            map[i] = j
            previous = j
        }
        let shared = map.count
        if !ka.isEmpty || !kb.isEmpty {
            // (The shared numbers must also be most of each version's numbers.)
            guard shared * 10 >= ka.count * 9, shared * 10 >= kb.count * 9 else { return nil }
        }
        // Unnumbered stretches between paired anchors.
        var anchors = map.keys.sorted().map { ($0, map[$0]!) }
        anchors.append((a.count, b.count))
        var startA = 0, startB = 0
        for (ea, eb) in anchors {
            let stretchA = Array(startA..<ea), stretchB = Array(startB..<eb)
            if stretchA.count == stretchB.count,
               !stretchA.contains(where: { ka[$0] != nil }), !stretchB.contains(where: { kb[$0] != nil }) {
                for (x, y) in zip(stretchA, stretchB) { map[x] = y }
            }
            startA = ea + 1
            startB = eb + 1
        }
        return map
    }

    static func normalized(_ number: String) -> String {
        String(String.UnicodeScalarView(number.unicodeScalars.compactMap { s -> Unicode.Scalar? in
            if s.value >= 0xFF01 && s.value <= 0xFF5E { return Unicode.Scalar(s.value - 0xFEE0) }
            return s.properties.isWhitespace ? nil : s
        }))
    }
}
