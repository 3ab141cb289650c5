import ParaCore
import ParaAnalysis

/// Builds one segment in memory from documents and writes its five files.
///
/// Documents are sorted by (source, id) so that the same input always gives the same bytes;
/// paragraphs get local ids 0, 1, 2 … in that order.
struct SegmentWriter {
    private struct TermPostings {
        var docs: [UInt32] = []
        var freqs: [UInt32] = []
        var positions: [UInt32] = []
        var maxFreq: UInt32 = 0
        var minLength: UInt32 = .max
    }

    private var termTable = TermTable()
    private var terms: [TermPostings] = []
    private(set) var lengths: [UInt32] = []
    private var paragraphDocument: [UInt32] = []
    private(set) var documents: [StoredDocument] = []
    private var paragraphs: [Paragraph] = []
    private let session = AnalysisSession()
    // Scratch for one paragraph: (term id, position).
    private var scratch: [(Int, UInt32)] = []

    var paragraphCount: Int { lengths.count }

    /// Adds documents (sorted first) and analyses their paragraphs.
    mutating func add(_ input: [IndexableDocument]) {
        let sorted = input.sorted {
            ($0.document.metadata.source, $0.document.metadata.id) < ($1.document.metadata.source, $1.document.metadata.id)
        }
        for item in sorted { add(item) }
    }

    private mutating func add(_ item: IndexableDocument) {
        let docIndex = UInt32(documents.count)
        documents.append(StoredDocument(metadata: item.document.metadata, contentHash: item.contentHash,
                                        firstParagraph: paragraphs.count, paragraphCount: item.document.paragraphs.count))
        for p in item.document.paragraphs {
            addParagraph(p, document: docIndex)
        }
    }

    private mutating func addParagraph(_ p: Paragraph, document: UInt32) {
        let local = UInt32(paragraphs.count)
        paragraphs.append(p)
        paragraphDocument.append(document)
        scratch.removeAll(keepingCapacity: true)
        // The heading path is part of what a paragraph is about only through its citation;
        // the indexed text is the paragraph itself.
        session.analyze(p.text) { term, _, position, _ in
            let id = termTable.id(term)
            if id == terms.count { terms.append(TermPostings()) }
            scratch.append((id, UInt32(position)))
        }
        let length = UInt32(scratch.count)
        lengths.append(length)
        scratch.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var i = 0
        while i < scratch.count {
            let id = scratch[i].0
            var j = i
            while j < scratch.count && scratch[j].0 == id { j += 1 }
            let freq = UInt32(j - i)
            terms[id].docs.append(local)
            terms[id].freqs.append(freq)
            for k in i..<j { terms[id].positions.append(scratch[k].1) }
            terms[id].maxFreq = max(terms[id].maxFreq, freq)
            terms[id].minLength = min(terms[id].minLength, length)
            i = j
        }
    }

    /// Writes the segment's files into `directory` as `name.*`; returns their paths.
    func write(directory: String, name: String) throws -> [String] {
        let base = directory + "/" + name
        var termsFile = IndexFormat.header(.terms)
        var postings = IndexFormat.header(.postings)
        var positions = IndexFormat.header(.positions)

        // Terms in byte order.
        let order = (0..<termTable.count).sorted { a, b in
            termTable.bytes(a).lexicographicallyPrecedes(termTable.bytes(b))
        }
        var blockIndex: [(String, Int)] = []
        var k = 0
        while k < order.count {
            let blockEnd = min(order.count, k + IndexFormat.termsPerBlock)
            blockIndex.append((String(decoding: termTable.bytes(order[k]), as: UTF8.self), termsFile.count))
            termsFile.varint(blockEnd - k)
            var previous: [UInt8] = []
            for t in order[k..<blockEnd] {
                let name = Array(termTable.bytes(t))
                var shared = 0
                while shared < min(previous.count, name.count) && previous[shared] == name[shared] { shared += 1 }
                termsFile.varint(shared)
                termsFile.varint(name.count - shared)
                termsFile.raw(Array(name[shared...]))
                let tp = terms[t]
                // Postings: doc-id deltas and frequencies; positions: per doc, position deltas.
                let postingsStart = postings.count
                let positionsStart = positions.count
                var last: UInt32 = 0
                var pi = 0
                for (n, d) in tp.docs.enumerated() {
                    postings.varint(Int(d - (n == 0 ? 0 : last)))
                    postings.varint(Int(tp.freqs[n]))
                    last = d
                    var lastPos: UInt32 = 0
                    for m in 0..<Int(tp.freqs[n]) {
                        let pos = tp.positions[pi + m]
                        positions.varint(Int(pos - (m == 0 ? 0 : lastPos)))
                        lastPos = pos
                    }
                    pi += Int(tp.freqs[n])
                }
                termsFile.varint(tp.docs.count)
                termsFile.varint(postingsStart)
                termsFile.varint(postings.count - postingsStart)
                termsFile.varint(positionsStart)
                termsFile.varint(positions.count - positionsStart)
                termsFile.varint(Int(tp.maxFreq))
                termsFile.varint(Int(tp.minLength))
                previous = name
            }
            k = blockEnd
        }
        let blockIndexOffset = termsFile.count
        termsFile.varint(blockIndex.count)
        for (first, offset) in blockIndex {
            termsFile.string(first)
            termsFile.varint(offset)
        }
        termsFile.u64(UInt64(order.count))
        termsFile.u64(UInt64(blockIndexOffset))

        var norms = IndexFormat.header(.norms)
        for i in lengths.indices {
            norms.u32(lengths[i])
            norms.u32(paragraphDocument[i])
        }

        var stored = IndexFormat.header(.stored)
        var paragraphOffsets: [Int] = []
        for (i, p) in paragraphs.enumerated() {
            paragraphOffsets.append(stored.count)
            stored.varint(Int(paragraphDocument[i]))
            stored.varint(p.ordinal)
            stored.optionalString(p.number)
            stored.varint(p.headings.count)
            for h in p.headings { stored.string(h) }
            stored.string(p.text)
        }
        var documentOffsets: [Int] = []
        for d in documents {
            documentOffsets.append(stored.count)
            let m = d.metadata
            stored.string(m.id)
            stored.optionalString(m.symbol)
            stored.string(m.language.rawValue)
            stored.string(m.title)
            stored.string(m.source)
            stored.string(d.contentHash)
            stored.varint(m.extra.count)
            for key in m.extra.keys.sorted() {
                stored.string(key)
                stored.string(m.extra[key]!)
            }
            stored.varint(d.firstParagraph)
            stored.varint(d.paragraphCount)
        }
        let paragraphTable = stored.count
        for o in paragraphOffsets { stored.u64(UInt64(o)) }
        let documentTable = stored.count
        for o in documentOffsets { stored.u64(UInt64(o)) }
        stored.u64(UInt64(paragraphs.count))
        stored.u64(UInt64(documents.count))
        stored.u64(UInt64(paragraphTable))
        stored.u64(UInt64(documentTable))
        stored.u64(lengths.reduce(0) { $0 + UInt64($1) })

        var files: [(String, ByteWriter)] = [
            (base + ".terms", termsFile), (base + ".postings", postings), (base + ".positions", positions),
            (base + ".norms", norms), (base + ".stored", stored),
        ]
        for i in files.indices {
            IndexFormat.finish(&files[i].1)
            try FileSystem.writeDurably(files[i].1.bytes, to: files[i].0)
        }
        return files.map(\.0)
    }
}
