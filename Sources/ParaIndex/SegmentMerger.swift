import ParaCore

/// Merges segments into one without re-analysing any text and without holding more than one
/// term's postings in memory: the dictionaries are merged term by term, each term's postings
/// are decoded from every part with documents renumbered and encoded afresh (new blocks and
/// skip entries), and paragraphs and documents are renumbered by offset.
enum SegmentMerger {
    struct Output {
        var paragraphs: Int
        var documents: Int
        var files: [String]
    }

    static func merge(_ readers: [SegmentReader], directory: String, name: String) throws -> Output {
        let base = directory + "/" + name
        var paragraphBase: [Int] = [], documentBase: [Int] = []
        var p = 0, d = 0
        for r in readers {
            paragraphBase.append(p); documentBase.append(d)
            p += r.paragraphCount; d += r.documentCount
        }

        let termsOut = try FileOutput(path: base + ".terms", kind: .terms)
        let postingsOut = try FileOutput(path: base + ".postings", kind: .postings)
        let positionsOut = try FileOutput(path: base + ".positions", kind: .positions)
        let dictionary = DictionaryWriter(output: termsOut)
        var cursors = try readers.map { try TermCursor($0) }
        var w = ByteWriter(capacity: 1 << 12)
        // Input pages are read once: drop them now and then so that a merge's memory does not
        // grow with its input (a page read again comes back from the page cache).
        var sinceDrop = 0
        func dropInputPages() {
            for r in readers {
                for f in [r.termsFile, r.postingsFile, r.positionsFile, r.normsFile, r.storedFile] { f.dropResidentPages() }
            }
        }
        while true {
            // The smallest term among the segments' current terms (k is small: a linear scan).
            var smallest: [UInt8]? = nil
            for c in cursors {
                guard let t = c.current?.0 else { continue }
                if smallest == nil || t.lexicographicallyPrecedes(smallest!) { smallest = t }
            }
            guard let term = smallest else { break }
            let postingsStart = postingsOut.offset, positionsStart = positionsOut.offset
            var df = 0, maxFrequency = 0, minLength = Int.max
            // Decode every part (documents renumbered), then encode the whole list afresh so
            // that its blocks and skip entries are built for the merged segment.
            var docs: [Int] = [], freqs: [Int] = [], positions: [Int] = []
            var partOf: [(start: Int, reader: Int)] = []
            for i in cursors.indices {
                guard let (t, info) = cursors[i].current, t == term else { continue }
                let reader = readers[i]
                partOf.append((docs.count, i))
                var c = reader.cursor(info)
                while c.doc != PostingsCursor.end {
                    docs.append(c.doc + paragraphBase[i])
                    freqs.append(c.frequency)
                    positions.append(contentsOf: c.positions())
                    c.next()
                }
                if c.isCorrupt { throw ParaError(file: reader.postingsFile.path, "index postings are damaged; rebuild the index") }
                df += info.documentFrequency
                maxFrequency = max(maxFrequency, info.maxFrequency)
                minLength = min(minLength, info.minLength)
                try cursors[i].advance()
            }
            w.bytes.removeAll(keepingCapacity: true)
            var q = ByteWriter(capacity: positions.count * 2)
            PostingsEncoding.encode(docs: docs, freqs: freqs, positions: positions, length: { doc in
                // The part holding `doc`: the last whose base is not above it.
                var k = partOf.count - 1
                while k > 0 && paragraphBase[partOf[k].reader] > doc { k -= 1 }
                let i = partOf[k].reader
                return readers[i].length(of: doc - paragraphBase[i])
            }, postings: &w, positionsOut: &q)
            postingsOut.write(w)
            positionsOut.write(q)
            try postingsOut.flushIfNeeded()
            try positionsOut.flushIfNeeded()
            sinceDrop += postingsOut.offset - postingsStart + positionsOut.offset - positionsStart
            if sinceDrop > 32 << 20 { dropInputPages(); sinceDrop = 0 }
            try dictionary.add(term, TermInfo(documentFrequency: df,
                                              postings: postingsStart..<postingsOut.offset,
                                              positions: positionsStart..<positionsOut.offset,
                                              maxFrequency: maxFrequency, minLength: minLength))
        }
        try dictionary.finish()
        try postingsOut.finish()
        try positionsOut.finish()

        let norms = try FileOutput(path: base + ".norms", kind: .norms)
        var n = ByteWriter(capacity: 8)
        var totalLength: UInt64 = 0
        for (i, r) in readers.enumerated() {
            for local in 0..<r.paragraphCount {
                n.bytes.removeAll(keepingCapacity: true)
                n.u32(UInt32(r.length(of: local)))
                n.u32(UInt32(r.documentIndex(of: local) + documentBase[i]))
                norms.write(n)
                try norms.flushIfNeeded()
            }
            totalLength += r.totalLength
        }
        try norms.finish()

        let stored = StoredWriter(try FileOutput(path: base + ".stored", kind: .stored))
        dropInputPages()
        for (i, r) in readers.enumerated() {
            for local in 0..<r.paragraphCount {
                try stored.add(try r.paragraph(local), document: r.documentIndex(of: local) + documentBase[i])
                if local % 50_000 == 49_999 { dropInputPages() }
            }
        }
        for (i, r) in readers.enumerated() {
            for index in 0..<r.documentCount {
                var doc = try r.document(at: index)
                doc.firstParagraph += paragraphBase[i]
                try stored.add(doc)
            }
        }
        try stored.finish(totalLength: totalLength)
        return Output(paragraphs: p, documents: d, files: ["terms", "postings", "positions", "norms", "stored"].map { base + "." + $0 })
    }
}

/// Walks a segment's dictionary in order, one block in memory at a time.
struct TermCursor {
    let reader: SegmentReader
    private var block = 0
    private var terms: [([UInt8], TermInfo)] = []
    private var index = 0

    init(_ reader: SegmentReader) throws {
        self.reader = reader
        if reader.blockCount > 0 { terms = try reader.block(0) }
    }

    var current: ([UInt8], TermInfo)? { index < terms.count ? terms[index] : nil }

    mutating func advance() throws {
        index += 1
        while index >= terms.count && block + 1 < reader.blockCount {
            block += 1
            terms = try reader.block(block)
            index = 0
        }
    }
}
