/// Encodes one term's postings, one posting at a time, in the layout of format version 3 (unchanged in versions 4 and 5):
///
///     postings(term)  := [varint skipBytes skip{blocks}] block{blocks}   blocks = ⌈df / 128⌉;
///                        the skip section only when blocks > 1
///     skip            := varint lastDocDelta varint postingsBytes varint positionsBytes
///                        varint impacts impact{impacts}
///     impact          := varint frequency varint length      (the first; then decreases of both)
///     block (128)     := run(docDelta){128} run(frequency − 1){128}
///     block (< 128)   := (varint (docDelta << 1 | frequency == 1) [varint frequency if > 1]){n}
///     positions       := per full block: run(positionDelta){Σ frequency}
///                        per short block: varint positionDelta{Σ frequency}
///
/// Only a term's last block can be short. Doc deltas run on across blocks (the first is the id
/// itself), so a cursor that jumps to block b starts from block b − 1's last document.
/// Positions restart at each paragraph (the first is the position itself, then deltas).
///
/// `run` is a patched bit-packed run (``PatchedPacking``). Full blocks are bit-packed so that a
/// cursor decodes 128 postings with two tight loops and one bounds check per run; the short
/// tail keeps varints with the frequency folded into the doc delta when it is 1, which is what
/// most postings of rare terms are (their bit widths would not pay for the header bytes).
/// Blocks of postings are held until the term ends (the skip entries go first); positions
/// stream out block by block, so a merge never holds a frequent term's positions in memory.
struct PostingsEncoder {
    static let blockSize = 128

    private var blocks = ByteWriter(capacity: 1 << 10)
    private var skips = ByteWriter(capacity: 64)
    private var docs: [UInt32] = []
    private var freqs: [UInt32] = []
    private var positionDeltas: [UInt32] = []
    private var lastDoc = -1
    private var lastSkipDoc = 0
    /// (frequency, length) of each posting of the current block.
    private var blockImpacts: [Impact] = []
    private var blockCount = 0
    private(set) var documentFrequency = 0
    private(set) var maxFrequency = 0
    private(set) var minLength = Int.max

    init() {
        docs.reserveCapacity(Self.blockSize)
        freqs.reserveCapacity(Self.blockSize)
    }

    /// Adds the next posting: `doc` above the previous one, its positions increasing (their
    /// count is the frequency), `length` the paragraph's length. Positions of a finished block
    /// are appended to `positionsOut`.
    mutating func add<P: Collection<UInt32>>(doc: Int, positions: P, length: Int, positionsOut: inout ByteWriter) {
        precondition(doc > lastDoc && !positions.isEmpty, "postings must be added in increasing order, with positions")
        docs.append(UInt32(doc - max(lastDoc, 0)))
        freqs.append(UInt32(positions.count))
        var previous: UInt32 = 0
        var first = true
        for p in positions {
            positionDeltas.append(first ? p : p - previous)
            previous = p
            first = false
        }
        lastDoc = doc
        documentFrequency += 1
        blockImpacts.append(Impact(frequency: positions.count, length: length))
        maxFrequency = max(maxFrequency, positions.count)
        minLength = min(minLength, length)
        if docs.count == Self.blockSize { endBlock(positionsOut: &positionsOut) }
    }

    private mutating func endBlock(positionsOut: inout ByteWriter) {
        guard !docs.isEmpty else { return }
        let start = blocks.count, positionsStart = positionsOut.count
        if docs.count == Self.blockSize {
            PatchedPacking.pack(docs[...], into: &blocks)
            for i in freqs.indices { freqs[i] -= 1 }
            PatchedPacking.pack(freqs[...], into: &blocks)
            PatchedPacking.pack(positionDeltas[...], into: &positionsOut)
        } else {
            for (d, f) in zip(docs, freqs) {
                blocks.varint(UInt64(d) << 1 | (f == 1 ? 1 : 0))
                if f != 1 { blocks.varint(Int(f)) }
            }
            for p in positionDeltas { positionsOut.varint(Int(p)) }
        }
        skips.varint(lastDoc - lastSkipDoc)
        skips.varint(blocks.count - start)
        skips.varint(positionsOut.count - positionsStart)
        // The block's impacts: the (frequency, length) pairs no other pair beats on both,
        // from the largest frequency down; lengths fall as frequencies do.
        let frontier = Impact.frontier(blockImpacts)
        skips.varint(frontier.count)
        var previous = Impact(frequency: 0, length: 0)
        for (k, impact) in frontier.enumerated() {
            skips.varint(k == 0 ? impact.frequency : previous.frequency - impact.frequency)
            skips.varint(k == 0 ? impact.length : previous.length - impact.length)
            previous = impact
        }
        lastSkipDoc = lastDoc
        blockCount += 1
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
        positionDeltas.removeAll(keepingCapacity: true)
        blockImpacts.removeAll(keepingCapacity: true)
    }

    /// Ends the term: its last positions go to `positionsOut`, its skip entries and blocks to
    /// `postingsOut`.
    mutating func finish(postingsOut: inout ByteWriter, positionsOut: inout ByteWriter) {
        endBlock(positionsOut: &positionsOut)
        if blockCount > 1 {
            postingsOut.varint(skips.count)
            postingsOut.raw(skips.bytes)
        }
        postingsOut.raw(blocks.bytes)
    }
}

// `public` with ``PostingsCursor``, whose block bounds hand it out.
/// A posting's frequency and paragraph length: what its BM25 score depends on. A block's
/// impacts are the pairs on its frontier — no posting of the block has both a higher frequency
/// and a shorter paragraph than every one of them — so the block's best score, for any k1 and
/// b, is the best score among them (the score grows with frequency and falls with length).
public struct Impact: Sendable, Hashable {
    public var frequency: Int
    public var length: Int

    public init(frequency: Int, length: Int) {
        self.frequency = frequency
        self.length = length
    }

    /// The frontier of `impacts`, by decreasing frequency (and so decreasing length). One pass
    /// that keeps the (few) undominated pairs, not a sort of all of them: it runs for every
    /// block written.
    package static func frontier(_ impacts: [Impact]) -> [Impact] {
        var out: [Impact] = []
        for i in impacts {
            if out.contains(where: { $0.frequency >= i.frequency && $0.length <= i.length }) { continue }
            out.removeAll { i.frequency >= $0.frequency && i.length <= $0.length }
            out.append(i)
        }
        out.sort { $0.frequency > $1.frequency }
        return out
    }
}
