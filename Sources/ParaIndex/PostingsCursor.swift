import ParaCore

/// Iterates one term's postings in a segment: paragraphs in increasing local id, each with its
/// term frequency and, on request, its positions.
///
/// Contract: `doc` is the current paragraph, or ``PostingsCursor/end`` once exhausted.
/// `next()` moves to the following posting; `advance(to:)` moves to the first posting at or
/// after a target and never moves backwards (a target at or before `doc` is a no-op; a call
/// after the end is legal and stays at the end). Positions are read at most once per posting.
/// Damaged bytes end the cursor and set `isCorrupt`; they never trap.
public struct PostingsCursor {
    public static let end = Int.max

    private var postings: ByteReader
    private var positionStream: ByteReader
    public let documentFrequency: Int
    private let paragraphCount: Int
    public private(set) var doc: Int = -1
    public private(set) var frequency: Int = 0
    private var read = 0
    /// Per block of 128 postings (when the term has more than one block): its last document,
    /// and where its postings and positions start in the files.
    private var blockLastDoc: [Int] = []
    private var blockPostings: [Int] = []
    private var blockPositions: [Int] = []
    /// Position entries of earlier postings not yet skipped in the positions stream.
    private var positionsToSkip = 0
    private var positionsRead = false
    public private(set) var isCorrupt = false

    init(postings: ByteReader, positions: ByteReader, documentFrequency: Int, paragraphCount: Int) {
        self.postings = postings
        self.positionStream = positions
        self.documentFrequency = documentFrequency
        self.paragraphCount = paragraphCount
        do {
            let blocks = try self.postings.int(max: documentFrequency)
            if blocks > 0 {
                // Skip entries: absolute last documents and file offsets of every block.
                var lastDoc = 0
                var sizes: [(Int, Int)] = []
                for _ in 0..<blocks {
                    lastDoc += try self.postings.int()
                    let p = try self.postings.int(), q = try self.postings.int()
                    _ = try self.postings.int(); _ = try self.postings.int()   // block max tf, min length
                    blockLastDoc.append(lastDoc)
                    sizes.append((p, q))
                }
                var p = self.postings.offset, q = positions.offset
                for (pb, qb) in sizes {
                    blockPostings.append(p); blockPositions.append(q)
                    p += pb; q += qb
                }
                guard p == self.postings.end, q == positions.end,
                      blocks == (documentFrequency + PostingsEncoding.blockSize - 1) / PostingsEncoding.blockSize else {
                    fail(); return
                }
            }
        } catch {
            fail()
            return
        }
        next()
    }

    /// Moves to the next posting.
    public mutating func next() {
        guard doc != Self.end else { return }
        if read >= documentFrequency { doc = Self.end; return }
        if doc >= 0 && !positionsRead { positionsToSkip += frequency }
        do {
            let delta = try postings.int()
            let f = try postings.int()
            let d = (doc < 0 ? 0 : doc) + delta
            guard (read == 0 || delta > 0), d < paragraphCount, f > 0 else { return fail() }
            doc = d
            frequency = f
            read += 1
            positionsRead = false
        } catch {
            fail()
        }
    }

    /// Moves to the first posting whose paragraph is at least `target`, jumping over whole
    /// blocks of 128 postings with the skip entries.
    public mutating func advance(to target: Int) {
        guard doc < target else { return }
        if !blockLastDoc.isEmpty && read > 0 {
            let current = (read - 1) / PostingsEncoding.blockSize
            if blockLastDoc[current] < target {
                var b = current + 1
                while b < blockLastDoc.count && blockLastDoc[b] < target { b += 1 }
                if b == blockLastDoc.count { doc = Self.end; return }
                // Continue from the last document of block b − 1, at block b's bytes.
                postings.offset = blockPostings[b]
                positionStream.offset = blockPositions[b]
                positionsToSkip = 0
                positionsRead = true
                doc = blockLastDoc[b - 1]
                read = b * PostingsEncoding.blockSize
            }
        }
        while doc < target { next() }
    }

    /// The positions of the term in the current paragraph, in increasing order.
    public mutating func positions() -> [Int] {
        guard doc != Self.end, !positionsRead else { return [] }
        do {
            while positionsToSkip > 0 { _ = try positionStream.varint(); positionsToSkip -= 1 }
            var out: [Int] = []
            out.reserveCapacity(frequency)
            var p = 0
            for k in 0..<frequency {
                let delta = try positionStream.int()
                p = k == 0 ? delta : p + delta
                out.append(p)
            }
            positionsRead = true
            return out
        } catch {
            fail()
            return []
        }
    }

    private mutating func fail() {
        isCorrupt = true
        doc = Self.end
    }
}
