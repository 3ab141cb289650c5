import Foundation
import ParaCore

/// Merges segments into one without re-analysing any text and without holding more than one
/// term's postings in memory: the dictionaries are merged term by term, each term's postings
/// are decoded from every part with documents renumbered and encoded afresh (new blocks and
/// skip entries), and paragraphs and documents are renumbered by offset, their stored records
/// copied without decoding them. The two halves — terms, postings and positions; lengths and
/// stored records — share nothing and run on two threads.
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
        let bases = (paragraphBase, documentBase), paragraphs = p
        let errors = ErrorSlots()
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            do {
                if half == 0 {
                    try mergePostings(readers, base: base, paragraphBase: bases.0)
                } else {
                    try mergeStored(readers, base: base, paragraphBase: bases.0, documentBase: bases.1, paragraphs: paragraphs)
                }
            } catch {
                errors.set(half, error)
            }
        }
        if let error = errors.first { throw error }
        return Output(paragraphs: p, documents: d, files: ["terms", "postings", "positions", "norms", "stored"].map { base + "." + $0 })
    }

    /// Terms, postings and positions.
    private static func mergePostings(_ readers: [SegmentReader], base: String, paragraphBase: [Int]) throws {
        let termsOut = try FileOutput(path: base + ".terms", kind: .terms)
        let postingsOut = try FileOutput(path: base + ".postings", kind: .postings)
        let positionsOut = try FileOutput(path: base + ".positions", kind: .positions)
        let dictionary = DictionaryWriter(output: termsOut)
        var cursors = try readers.map { try TermCursor($0) }
        var w = ByteWriter(capacity: 1 << 12)
        var q = ByteWriter(capacity: 1 << 21)
        // Input pages are read once: drop them now and then so that a merge's memory does not
        // grow with its input (a page read again comes back from the page cache).
        var sinceDrop = 0
        func dropInputPages() {
            for r in readers {
                for f in [r.termsFile, r.postingsFile, r.positionsFile] { f.dropResidentPages() }
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
            // Decode every part (documents renumbered) into one encoder, so that the blocks and
            // skip entries are built for the merged segment. Positions stream out as blocks
            // end: only the encoded postings of the term are held.
            var encoder = PostingsEncoder()
            var positions: [UInt32] = []
            for i in cursors.indices {
                guard let (t, info) = cursors[i].current, t == term else { continue }
                let reader = readers[i]
                var c = reader.cursor(info)
                let damaged = ParaError(.corrupt, file: reader.postingsFile.path, "index postings are damaged; rebuild the index")
                while c.doc != PostingsCursor.end {
                    positions.removeAll(keepingCapacity: true)
                    for p in c.positions() {
                        guard let v = UInt32(exactly: p), positions.last.map({ v > $0 }) ?? true else { throw damaged }
                        positions.append(v)
                    }
                    guard positions.count == c.frequency else { throw damaged }
                    encoder.add(doc: c.doc + paragraphBase[i], positions: positions, length: reader.length(of: c.doc), positionsOut: &q)
                    if q.count >= 1 << 20 {
                        positionsOut.write(q)
                        try positionsOut.flushIfNeeded()
                        q.bytes.removeAll(keepingCapacity: true)
                    }
                    c.next()
                }
                if c.isCorrupt { throw damaged }
                try cursors[i].advance()
            }
            w.bytes.removeAll(keepingCapacity: true)
            encoder.finish(postingsOut: &w, positionsOut: &q)
            postingsOut.write(w)
            positionsOut.write(q)
            q.bytes.removeAll(keepingCapacity: true)
            try postingsOut.flushIfNeeded()
            try positionsOut.flushIfNeeded()
            sinceDrop += postingsOut.offset - postingsStart + positionsOut.offset - positionsStart
            if sinceDrop > 32 << 20 { dropInputPages(); sinceDrop = 0 }
            try dictionary.add(term, TermInfo(documentFrequency: encoder.documentFrequency,
                                              postings: postingsStart..<postingsOut.offset,
                                              positions: positionsStart..<positionsOut.offset,
                                              maxFrequency: encoder.maxFrequency, minLength: encoder.minLength))
        }
        try dictionary.finish()
        try postingsOut.finish()
        try positionsOut.finish()
    }

    /// Lengths and stored records.
    private static func mergeStored(_ readers: [SegmentReader], base: String, paragraphBase: [Int],
                                    documentBase: [Int], paragraphs: Int) throws {
        func dropInputPages() {
            for r in readers { r.normsFile.dropResidentPages(); r.storedFile.dropResidentPages() }
        }
        // Merged paragraph i lives in the last reader whose base is not above it.
        func part(_ i: Int) -> Int {
            var k = readers.count - 1
            while paragraphBase[k] > i { k -= 1 }
            return k
        }
        try NormsWriter.write(path: base + ".norms", count: paragraphs, longest: readers.map(\.longestParagraph).max() ?? 0,
                              length: { i in let k = part(i); return readers[k].length(of: i - paragraphBase[k]) },
                              document: { i in let k = part(i); return readers[k].documentIndex(of: i - paragraphBase[k]) + documentBase[k] },
                              languages: try readers.flatMap { try $0.documentLanguageCodes })
        let totalLength = readers.reduce(0) { $0 + $1.totalLength }

        let stored = StoredWriter(try FileOutput(path: base + ".stored", kind: .stored), paragraphs: paragraphs,
                                  documents: readers.reduce(0) { $0 + $1.documentCount })
        dropInputPages()
        for (i, r) in readers.enumerated() {
            for local in 0..<r.paragraphCount {
                let (document, rest) = try r.rawParagraph(local)
                try stored.addRaw(document: document + documentBase[i], rest: rest)
                if local % 50_000 == 49_999 { dropInputPages() }
            }
        }
        for (i, r) in readers.enumerated() {
            for index in 0..<r.documentCount {
                let (metadata, first, count) = try r.rawDocument(at: index)
                try stored.addRaw(metadata: metadata, firstParagraph: first + paragraphBase[i], paragraphCount: count)
                if index % 50_000 == 49_999 { dropInputPages() }
            }
        }
        try stored.finish(totalLength: totalLength)
    }
}

/// The first error of each of the merge's two halves (written from their own threads).
private final class ErrorSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Int: Error] = [:]

    func set(_ slot: Int, _ error: Error) { lock.lock(); errors[slot] = error; lock.unlock() }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return errors.keys.sorted().first.map { errors[$0]! } }
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
