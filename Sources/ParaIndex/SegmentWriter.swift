import Foundation
import ParaCore
import ParaAnalysis

/// Builds one segment in memory from documents and writes its five files.
///
/// Documents keep the order they are added in (the indexer adds files in sorted order, so the
/// same input gives the same bytes); paragraphs get local ids 0, 1, 2 … in that order.
struct SegmentWriter {
    private var termTable = TermTable()
    // The postings as they arrive, one entry per (paragraph, term), in paragraph order: the
    // term, the paragraph, the frequency; their positions one after another in `positions`.
    // Flat arrays, not one set per term: a term costs no array headers and an append no
    // uniqueness check of a nested array. `write` groups them by term (a counting sort, which
    // keeps each term's paragraphs in order).
    private var postingTerm: [UInt32] = []
    private var postingParagraph: [UInt32] = []
    private var postingFrequency: [UInt32] = []
    private var positions: [UInt32] = []
    private(set) var lengths: [UInt32] = []
    private var paragraphDocument: [UInt32] = []
    private(set) var documents: [StoredDocument] = []
    private var paragraphs: [Paragraph] = []
    private let session = AnalysisSession()
    /// Scratch for one paragraph: term id << 32 | position, sorted to group a term's positions.
    private var scratch: [UInt64] = []

    var paragraphCount: Int { lengths.count }

    /// What the buffered segment costs in memory, roughly: postings and positions at their
    /// in-memory width with array slack, the grouping arrays `write` adds, term and paragraph
    /// overheads, the stored text.
    private(set) var estimatedBytes = 0

    /// Adds a document and analyses its paragraphs.
    mutating func add(_ item: IndexableDocument) {
        let docIndex = UInt32(documents.count)
        documents.append(StoredDocument(metadata: item.document.metadata, contentHash: item.contentHash,
                                        firstParagraph: paragraphs.count, paragraphCount: item.document.paragraphs.count))
        let root = Self.sectionRoot(title: item.document.metadata.title, firstParagraph: item.document.paragraphs.first)
        for p in item.document.paragraphs {
            addParagraph(p, document: docIndex, root: root)
        }
    }

    /// The terms a paragraph is indexed under, with their positions and whether they count in
    /// its length: its text, then each of its footnotes (a paragraph's notes are found through
    /// it), each after a gap of 16 positions so that no phrase runs from the text into a note;
    /// then its section path (`root`, the document's title, and the headings above it), each
    /// term marked with ``IndexFormat/sectionMark`` so that it never meets a term of the text.
    /// Section terms are not part of the paragraph's length: they rank it (a heading that
    /// matches the query lifts its paragraphs) and filter it (`in:`), and never make it a match.
    /// `check` re-derives postings with it.
    @inline(__always)
    static func forEachTerm(of p: Paragraph, root: String?, session: AnalysisSession,
                            _ body: (UnsafeBufferPointer<UInt8>, Int, _ counted: Bool) -> Void) {
        var next = 0
        session.analyze(p.text) { term, _, position, _ in
            body(term, position, true)
            next = position + 1
        }
        for note in p.notes {
            let base = next + 16
            session.analyze(note.text) { term, _, position, _ in
                body(term, base + position, true)
                next = base + position + 1
            }
        }
        // A heading that is the paragraph's own text (a JSON Lines record of a title alone) or
        // repeats the title adds nothing.
        let text = p.text.trimmingCharacters(in: .whitespacesAndNewlines)
        var path = p.headings.filter { $0.trimmingCharacters(in: .whitespacesAndNewlines) != text }
        if let root, root != path.first?.trimmingCharacters(in: .whitespacesAndNewlines) { path.insert(root, at: 0) }
        guard !path.isEmpty else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Analyzer.maxWordBytes * 4 + 1) { marked in
            marked[0] = IndexFormat.sectionMark
            for heading in path {
                let base = next + 16
                session.analyze(heading) { term, _, position, _ in
                    let n = min(term.count, marked.count - 1)
                    for k in 0..<n { marked[k + 1] = term[k] }
                    body(UnsafeBufferPointer(rebasing: marked[0...n]), base + position, false)
                    next = base + position + 1
                }
            }
        }
    }

    /// The root of a document's section paths: its title (trimmed), unless the title is only
    /// the opening of its first paragraph — its first 120 characters, what the extractor gives
    /// a document without one.
    static func sectionRoot(title: String, firstParagraph: Paragraph?) -> String? {
        let t = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { return nil }
        if let first = firstParagraph, t == String(first.text.prefix(120)).trimmingCharacters(in: .whitespacesAndNewlines) { return nil }
        return t
    }

    private mutating func addParagraph(_ p: Paragraph, document: UInt32, root: String?) {
        let local = UInt32(paragraphs.count)
        paragraphs.append(p)
        paragraphDocument.append(document)
        scratch.removeAll(keepingCapacity: true)
        let termsBefore = termTable.count
        var length = 0
        Self.forEachTerm(of: p, root: root, session: session) { term, position, counted in
            scratch.append(UInt64(termTable.id(term)) << 32 | UInt64(UInt32(truncatingIfNeeded: position)))
            if counted { length += 1 }
        }
        // A new term: its bytes, its table entries (arena, start, hash, two slots) and the
        // two run starts of `write`.
        estimatedBytes += (termTable.count - termsBefore) * 64 + p.text.utf8.count * 2
            + p.headings.reduce(0) { $0 + $1.utf8.count } + p.notes.reduce(0) { $0 + $1.text.utf8.count } + 96
        lengths.append(UInt32(length))
        scratch.sort()
        var i = 0
        while i < scratch.count {
            let id = scratch[i] >> 32
            var j = i
            while j < scratch.count && scratch[j] >> 32 == id { j += 1 }
            postingTerm.append(UInt32(id))
            postingParagraph.append(local)
            postingFrequency.append(UInt32(j - i))
            for k in i..<j { positions.append(UInt32(truncatingIfNeeded: scratch[k])) }
            // 12 bytes a posting and 4 a position, ×1.5 for array growth; 8 a posting and 4
            // a position for the grouped copies `write` makes.
            estimatedBytes += 26 + 10 * (j - i)
            i = j
        }
    }

    /// Writes the segment's files into `directory` as `name.*`, streaming (no file is built
    /// whole in memory); returns their paths.
    func write(directory: String, name: String) throws -> [String] {
        let base = directory + "/" + name
        let termsFile = try FileOutput(path: base + ".terms", kind: .terms)
        let postingsFile = try FileOutput(path: base + ".postings", kind: .postings)
        let positionsFile = try FileOutput(path: base + ".positions", kind: .positions)
        let dictionary = DictionaryWriter(output: termsFile)

        // Group the postings by term (a counting sort, stable: each term keeps paragraph
        // order): where each term's postings and positions start, then one sequential pass
        // that scatters every posting and its positions to its term's place, so that encoding
        // reads each term's data in order.
        let termCount = termTable.count
        var postingStart = [Int](repeating: 0, count: termCount + 1)
        var positionStart = [Int](repeating: 0, count: termCount + 1)
        for (k, t) in postingTerm.enumerated() {
            postingStart[Int(t) + 1] += 1
            positionStart[Int(t) + 1] += Int(postingFrequency[k])
        }
        for t in 0..<termCount {
            postingStart[t + 1] += postingStart[t]
            positionStart[t + 1] += positionStart[t]
        }
        var groupedParagraph = [UInt32](repeating: 0, count: postingTerm.count)
        var groupedFrequency = [UInt32](repeating: 0, count: postingTerm.count)
        var groupedPositions = [UInt32](repeating: 0, count: positions.count)
        do {
            var nextPosting = postingStart, nextPosition = positionStart
            var from = 0
            for (k, t) in postingTerm.enumerated() {
                let term = Int(t), f = Int(postingFrequency[k])
                groupedParagraph[nextPosting[term]] = postingParagraph[k]
                groupedFrequency[nextPosting[term]] = postingFrequency[k]
                nextPosting[term] += 1
                let to = nextPosition[term]
                for m in 0..<f { groupedPositions[to + m] = positions[from + m] }
                nextPosition[term] += f
                from += f
            }
        }

        var p = ByteWriter(capacity: 1 << 12)
        var q = ByteWriter(capacity: 1 << 12)
        for t in termTable.sortedIDs() {
            let postingsStart = postingsFile.offset
            let positionsStart = positionsFile.offset
            p.bytes.removeAll(keepingCapacity: true)
            q.bytes.removeAll(keepingCapacity: true)
            var encoder = PostingsEncoder()
            var at = positionStart[t]
            for k in postingStart[t]..<postingStart[t + 1] {
                let paragraph = Int(groupedParagraph[k]), f = Int(groupedFrequency[k])
                encoder.add(doc: paragraph, positions: groupedPositions[at..<(at + f)], length: Int(lengths[paragraph]), positionsOut: &q)
                at += f
            }
            encoder.finish(postingsOut: &p, positionsOut: &q)
            postingsFile.write(p)
            positionsFile.write(q)
            try postingsFile.flushIfNeeded()
            try positionsFile.flushIfNeeded()
            try dictionary.add(Array(termTable.bytes(t)), TermInfo(documentFrequency: encoder.documentFrequency,
                postings: postingsStart..<(postingsStart + p.count), positions: positionsStart..<(positionsStart + q.count),
                maxFrequency: encoder.maxFrequency, minLength: encoder.minLength))
        }
        try dictionary.finish()
        try postingsFile.finish()
        try positionsFile.finish()

        try NormsWriter.write(path: base + ".norms", count: lengths.count, longest: Int(lengths.max() ?? 0),
                              length: { Int(lengths[$0]) }, document: { Int(paragraphDocument[$0]) },
                              languages: documents.map { Language.code(of: $0.metadata.language) })

        let stored = StoredWriter(try FileOutput(path: base + ".stored", kind: .stored), paragraphs: paragraphs.count,
                                  documents: documents.count)
        for (i, p) in paragraphs.enumerated() { try stored.add(p, document: Int(paragraphDocument[i])) }
        for d in documents { try stored.add(d) }
        try stored.finish(totalLength: lengths.reduce(0) { $0 + UInt64($1) })
        return ["terms", "postings", "positions", "norms", "stored"].map { base + "." + $0 }
    }
}

/// Writes a `.terms` file: prefix-compressed blocks, then the block index and the trailer.
///
/// Terms' postings and positions are contiguous in term order, so an entry stores only their
/// lengths; the block index holds where each block's first term's data starts.
final class DictionaryWriter {
    let output: FileOutput
    private var blockIndex: [(first: [UInt8], offset: Int, postings: Int, positions: Int)] = []
    private var postingsEnd = -1
    private var positionsEnd = -1
    private var block = ByteWriter(capacity: 1 << 12)
    private var inBlock = 0
    private var blockStart = 0
    private var previous: [UInt8] = []
    private(set) var count = 0

    init(output: FileOutput) { self.output = output }

    /// Adds the next term (terms must come in increasing byte order).
    func add(_ name: [UInt8], _ info: TermInfo) throws {
        precondition(postingsEnd < 0 || (info.postings.lowerBound == postingsEnd && info.positions.lowerBound == positionsEnd),
                     "term data must be contiguous in term order")
        postingsEnd = info.postings.upperBound
        positionsEnd = info.positions.upperBound
        if inBlock == 0 {
            blockStart = output.offset
            blockIndex.append((name, blockStart, info.postings.lowerBound, info.positions.lowerBound))
            previous = []
        }
        var shared = 0
        while shared < min(previous.count, name.count) && previous[shared] == name[shared] { shared += 1 }
        let suffix = name.count - shared
        // Shared and new byte counts in one byte when both are under 15 (nearly every term).
        if shared < 15 && suffix < 15 {
            block.u8(UInt8(shared << 4 | suffix))
        } else {
            block.u8(0xFF)
            block.varint(shared)
            block.varint(suffix)
        }
        block.raw(Array(name[shared...]))
        block.varint(info.documentFrequency)
        block.varint(info.postings.count)
        block.varint(info.positions.count)
        // A term in one paragraph (half of all terms) has its frequency in its posting and its
        // length in the norms: its bounds are not stored twice.
        if info.documentFrequency > 1 {
            block.varint(info.maxFrequency)
            block.varint(info.minLength)
        }
        previous = name
        inBlock += 1
        count += 1
        if inBlock == IndexFormat.termsPerBlock { try flushBlock() }
    }

    private func flushBlock() throws {
        guard inBlock > 0 else { return }
        var header = ByteWriter(capacity: 2)
        header.varint(inBlock)
        output.write(header)
        output.write(block)
        try output.flushIfNeeded()
        block.bytes.removeAll(keepingCapacity: true)
        inBlock = 0
    }

    func finish() throws {
        try flushBlock()
        let blockIndexOffset = output.offset
        var w = ByteWriter(capacity: 1 << 12)
        w.varint(blockIndex.count)
        for b in blockIndex {
            w.varint(b.first.count)
            w.raw(b.first)
            w.varint(b.offset)
            w.varint(b.postings)
            w.varint(b.positions)
        }
        w.u64(UInt64(count))
        w.u64(UInt64(blockIndexOffset))
        output.write(w)
        try output.finish()
    }
}

/// Writes a `.norms` file: the lengths at 2 bytes each when the longest fits (else 4), then
/// the document indexes, then each document's language code. Scoring reads a length for every
/// paragraph it considers, at random: 2 bytes instead of an interleaved 8 keep four times as
/// many of them in each cache line. A query filtered by language (a translated one) reads a
/// code for each candidate: a byte here, not a stored record.
enum NormsWriter {
    static func write(path: String, count: Int, longest: Int, length: (Int) -> Int, document: (Int) -> Int,
                      languages: [UInt8]) throws {
        let norms = try FileOutput(path: path, kind: .norms)
        let width = longest <= Int(UInt16.max) ? 2 : 4
        var w = ByteWriter(capacity: 1 << 16)
        w.u32(UInt32(width))
        for i in 0..<count {
            if width == 2 { w.u16(UInt16(length(i))) } else { w.u32(UInt32(length(i))) }
            if w.count >= 1 << 16 { norms.write(w); try norms.flushIfNeeded(); w.bytes.removeAll(keepingCapacity: true) }
        }
        for i in 0..<count {
            w.u32(UInt32(document(i)))
            if w.count >= 1 << 16 { norms.write(w); try norms.flushIfNeeded(); w.bytes.removeAll(keepingCapacity: true) }
        }
        w.raw(languages)
        norms.write(w)
        try norms.finish()
    }
}

/// Writes a `.stored` file: paragraph records, document records, then both offset tables.
final class StoredWriter {
    let output: FileOutput
    private var paragraphOffsets: [UInt64] = []
    private var documentOffsets: [UInt64] = []

    /// - Parameters: `paragraphs`, `documents`: how many records will be added, when known
    ///   (their offset tables are then made once at their size, not grown by copying).
    init(_ output: FileOutput, paragraphs: Int = 0, documents: Int = 0) {
        self.output = output
        paragraphOffsets.reserveCapacity(paragraphs)
        documentOffsets.reserveCapacity(documents)
    }

    func add(_ p: Paragraph, document: Int) throws {
        paragraphOffsets.append(UInt64(output.offset))
        var w = ByteWriter(capacity: p.text.utf8.count + 64)
        w.varint(document)
        w.varint(p.ordinal)
        w.optionalString(p.number)
        w.varint(p.headings.count)
        for h in p.headings { w.string(h) }
        w.string(p.text)
        w.varint(p.pages.count)
        for page in p.pages { w.varint(page) }
        w.varint(p.notes.count)
        for n in p.notes { w.string(n.mark); w.string(n.text) }
        output.write(w)
        try output.flushIfNeeded()
    }

    /// Adds a paragraph record copied from another segment (everything after its document
    /// index), with its new document index.
    func addRaw(document: Int, rest: UnsafeRawBufferPointer) throws {
        paragraphOffsets.append(UInt64(output.offset))
        var w = ByteWriter(capacity: 5)
        w.varint(document)
        output.write(w)
        output.write(rest)
        try output.flushIfNeeded()
    }

    /// Adds a document record copied from another segment (its metadata bytes) with its new
    /// paragraph range.
    func addRaw(metadata: UnsafeRawBufferPointer, firstParagraph: Int, paragraphCount: Int) throws {
        documentOffsets.append(UInt64(output.offset))
        output.write(metadata)
        var w = ByteWriter(capacity: 10)
        w.varint(firstParagraph)
        w.varint(paragraphCount)
        output.write(w)
        try output.flushIfNeeded()
    }

    func add(_ d: StoredDocument) throws {
        documentOffsets.append(UInt64(output.offset))
        let m = d.metadata
        var w = ByteWriter(capacity: 256)
        w.string(m.id)
        w.optionalString(m.symbol)
        w.string(m.language.rawValue)
        w.string(m.title)
        w.string(m.source)
        w.string(d.contentHash)
        w.varint(m.extra.count)
        for key in m.extra.keys.sorted() {
            w.string(key)
            w.string(m.extra[key]!)
        }
        w.varint(d.firstParagraph)
        w.varint(d.paragraphCount)
        output.write(w)
        try output.flushIfNeeded()
    }

    func finish(totalLength: UInt64) throws {
        let paragraphTable = output.offset
        // (Written 64 KB at a time: the tables of a merge of millions of records are tens of
        // megabytes, and a buffer of their size doubled the merge's memory at its end.)
        var w = ByteWriter(capacity: 1 << 16)
        func put(_ table: [UInt64]) throws {
            for o in table {
                w.u64(o)
                if w.count >= 1 << 16 { output.write(w); try output.flushIfNeeded(); w.bytes.removeAll(keepingCapacity: true) }
            }
        }
        try put(paragraphOffsets)
        try put(documentOffsets)
        let documentTable = paragraphTable + 8 * paragraphOffsets.count
        w.u64(UInt64(paragraphOffsets.count))
        w.u64(UInt64(documentOffsets.count))
        w.u64(UInt64(paragraphTable))
        w.u64(UInt64(documentTable))
        w.u64(totalLength)
        output.write(w)
        try output.finish()
    }
}
