import ParaCore

// `public`, unlike the rest of this module's API (`package`): the search loops in ParaSearch
// call it for every posting, and only a public type's methods are optimised across the module
// boundary (measured: `package` cost 8 % at the median on the bilingual sample). `import
// ParaSearch` does not re-export it.
/// Iterates one term's postings in a segment: paragraphs in increasing local id, each with its
/// term frequency and, on request, its positions.
///
/// Contract: `doc` is the current paragraph, or ``PostingsCursor/end`` once exhausted.
/// `next()` moves to the following posting; `advance(to:)` moves to the first posting at or
/// after a target and never moves backwards (a target at or before `doc` is a no-op; a call
/// after the end is legal and stays at the end). Positions are read at most once per posting.
/// Damaged bytes end the cursor and set `isCorrupt`; they never trap.
///
/// The cursor decodes a whole block of 128 postings at a time into buffers it holds inline
/// (so it is a large value: keep it in place and move it with `inout`, as the scorers do), and
/// checks bounds once per block. Skip entries let `advance(to:)` jump over blocks without
/// decoding them.
public struct PostingsCursor {
    public static let end = Int.max
    private static let blockSize = PostingsEncoder.blockSize

    private let postingsFile: UnsafeRawBufferPointer
    private let positionsFile: UnsafeRawBufferPointer
    /// What owns the two buffers' memory (the segment reader and its mapped files): held so
    /// that the mapping lives as long as any cursor into it.
    private let owner: AnyObject?
    private let postingsEnd: Int
    private let positionsEnd: Int
    private let file: String
    public let documentFrequency: Int
    /// The term's largest frequency (from the dictionary): a decoded frequency above it is
    /// damage, and it bounds how many positions one paragraph can claim.
    private let maxFrequency: Int
    private let paragraphCount: Int
    public private(set) var doc: Int = -1
    public private(set) var frequency: Int = 0
    public private(set) var isCorrupt = false

    /// Per block (when the term has more than one): its last document, where its postings and
    /// its positions start, and where its impacts end in `impacts` (they start where the
    /// previous block's end).
    private var skips: [(lastDoc: Int, postings: Int, positions: Int, positionsEnd: Int, impactsEnd: Int)] = []
    private var impacts: [Impact] = []
    /// The term's shortest paragraph (the single block's, when there is one block).
    private let minLength: Int
    /// The block ``blockBound(atOrAfter:_:)`` found last (targets only grow).
    private var shallowBlock = 0
    /// Skip entries are decoded as far as the cursor looks ahead, not all at open: a query
    /// that stops early, or skips a common term's blocks by their bounds, reads few of them.
    private var skipOffset = 0
    private var skipsEnd = 0
    private var skipLastDoc = 0
    private var skipPostings = 0
    private var skipPositions = 0
    private let blockCount: Int

    // The decoded block.
    private var block = -1
    private var blockLength = 0
    private var index = 0
    private var docs = InlineArray<128, UInt32>(repeating: 0)
    private var freqs = InlineArray<128, UInt32>(repeating: 0)
    /// Where the next block's postings and positions start (for sequential reading).
    private var nextPostings: Int
    private var nextPositions: Int
    /// The current block's positions: where they start; their bit width (−1 for varints, −2
    /// for a packed run whose header is not read yet: most blocks' positions are never asked
    /// for); where the packed values start.
    private var blockPositions = 0
    private var positionBits = -1
    private var positionsStart = 0
    /// The current block's position exceptions (`index << 32 | high`, see ``PatchedPacking``).
    private var positionExceptions = InlineArray<7, UInt64>(repeating: 0)
    private var positionExceptionCount = 0
    /// Positions not yet read belong to posting `positionPosting` onwards, starting at value
    /// `positionValue` (packed) or byte `positionValue` (varints).
    private var positionPosting = 0
    private var positionValue = 0

    init(postings: UnsafeRawBufferPointer, range: Range<Int>, positions: UnsafeRawBufferPointer,
         positionsRange: Range<Int>, documentFrequency: Int, maxFrequency: Int, minLength: Int,
         paragraphCount: Int, file: String, owner: AnyObject? = nil) {
        self.owner = owner
        postingsFile = postings
        positionsFile = positions
        postingsEnd = range.upperBound
        positionsEnd = positionsRange.upperBound
        self.file = file
        self.documentFrequency = documentFrequency
        self.maxFrequency = maxFrequency
        self.minLength = minLength
        self.paragraphCount = paragraphCount
        blockCount = (documentFrequency + Self.blockSize - 1) / Self.blockSize
        nextPostings = range.lowerBound
        nextPositions = positionsRange.lowerBound
        if blockCount > 1 {
            // The skip section's length, then the section (read lazily, see `readSkips`).
            var r = ByteReader(postings, from: range.lowerBound, to: range.upperBound, file: file)
            guard let length = try? r.int(max: range.upperBound - r.offset) else { fail(); return }
            skipOffset = r.offset
            skipsEnd = r.offset + length
            nextPostings = skipsEnd
            skipPositions = positionsRange.lowerBound
            skips.reserveCapacity(min(blockCount, 64))
        }
        guard documentFrequency > 0 else { doc = Self.end; return }
        decode(block: 0, previousDoc: 0)
    }

    /// Moves to the next posting.
    @inline(__always)
    public mutating func next() {
        guard doc != Self.end else { return }
        index += 1
        if index < blockLength {
            doc = Int(docs[index])
            frequency = Int(freqs[index])
        } else if block + 1 < blockCount {
            decode(block: block + 1, previousDoc: doc)
        } else {
            doc = Self.end
        }
    }

    /// Moves to the first posting whose paragraph is at least `target`, jumping over whole
    /// blocks with the skip entries.
    public mutating func advance(to target: Int) {
        guard doc < target else { return }
        if Int(docs[blockLength - 1]) < target {
            // Not in this block.
            var b = block + 1
            if blockCount > 1 {
                while b < blockCount && lastDoc(ofBlock: b) < target { b += 1 }
                if isCorrupt { return }
            }
            if b >= blockCount { doc = Self.end; return }
            if b == block + 1 {
                decode(block: b, previousDoc: Int(docs[blockLength - 1]))
            } else {
                nextPostings = skips[b].postings
                nextPositions = skips[b].positions
                decode(block: b, previousDoc: skips[b - 1].lastDoc)
            }
            if doc == Self.end || doc >= target { return }
        }
        var i = index + 1
        while Int(docs[i]) < target { i += 1 }   // stops at the block's last document at most
        index = i
        doc = Int(docs[i])
        frequency = Int(freqs[i])
    }

    /// Moves past every posting up to paragraph `last` for which `drop(paragraph, frequency)`
    /// holds, stopping at the first it does not hold for (or the first after `last`): a block
    /// at a time, without a call per posting.
    public mutating func skip(through last: Int, while drop: (Int, Int) -> Bool) {
        while doc <= last {
            var i = index
            while i < blockLength {
                let d = Int(docs[i])
                if d > last || !drop(d, Int(freqs[i])) { break }
                i += 1
            }
            if i < blockLength {
                index = i
                doc = Int(docs[i])
                frequency = Int(freqs[i])
                return
            }
            index = blockLength - 1
            doc = Int(docs[index])   // the next block's deltas run on from this one's last id
            next()                   // the next block, or the end
        }
    }

    /// The block holding the first posting at or after `target`, read from the skip entries
    /// without decoding it: its last paragraph, and the largest `score` of its impacts — a
    /// bound of the term's score on every paragraph from `target` to that one. `nil` past the
    /// last posting. Targets must not decrease between calls.
    public mutating func blockBound(atOrAfter target: Int, _ score: (Impact) -> Double) -> (lastDoc: Int, bound: Double)? {
        guard doc != Self.end else { return nil }
        if blockCount == 1 {
            let last = Int(docs[blockLength - 1])
            return last >= target ? (last, score(Impact(frequency: maxFrequency, length: minLength))) : nil
        }
        var b = max(shallowBlock, block)
        while b < blockCount && lastDoc(ofBlock: b) < target { b += 1 }
        shallowBlock = b
        guard b < blockCount, !isCorrupt else { return nil }
        var best = 0.0
        for k in (b == 0 ? 0 : skips[b - 1].impactsEnd)..<skips[b].impactsEnd { best = max(best, score(impacts[k])) }
        return (skips[b].lastDoc, best)
    }

    /// The last paragraph of ``blockBound(atOrAfter:_:)``'s block, read from the skip entries
    /// without decoding it; `nil` past the last posting. Its impacts are then
    /// ``appendFrontier(to:)``'s. Targets must not decrease between calls.
    package mutating func blockEnd(atOrAfter target: Int) -> Int? {
        guard doc != Self.end else { return nil }
        if blockCount == 1 {
            let last = Int(docs[blockLength - 1])
            return last >= target ? last : nil
        }
        var b = max(shallowBlock, block)
        while b < blockCount && lastDoc(ofBlock: b) < target { b += 1 }
        shallowBlock = b
        guard b < blockCount, !isCorrupt else { return nil }
        return skips[b].lastDoc
    }

    /// The block ``blockEnd(atOrAfter:)`` found: its highest frequency and its shortest length
    /// (for a term of one block, the term's). (Mutating, like ``appendFrontier(to:)``, so that
    /// a cursor in an array is read in place, not copied.)
    package mutating func frontierExtremes() -> (frequency: Int, length: Int) {
        if blockCount == 1 { return (maxFrequency, minLength) }
        let start = shallowBlock == 0 ? 0 : skips[shallowBlock - 1].impactsEnd, end = skips[shallowBlock].impactsEnd
        // (A frontier runs from the highest frequency to the shortest length.)
        return (impacts[start].frequency, impacts[end - 1].length)
    }

    /// Appends the impacts of the block ``blockEnd(atOrAfter:)`` found (frequencies falling;
    /// for a term of one block, its highest frequency at its shortest length).
    package mutating func appendFrontier(to frontier: inout [Impact]) {
        if blockCount == 1 { return frontier.append(Impact(frequency: maxFrequency, length: minLength)) }
        let start = shallowBlock == 0 ? 0 : skips[shallowBlock - 1].impactsEnd
        for k in start..<skips[shallowBlock].impactsEnd { frontier.append(impacts[k]) }
    }

    /// The first paragraph of the block that starts the second half of the blocks left (from
    /// the current one on), and how many postings that half holds; nil when fewer than two
    /// blocks are left. Where a walk going on over two threads is split. Reads skip entries up
    /// to it.
    package mutating func middleOfRest() -> (doc: Int, postings: Int)? {
        guard doc != Self.end else { return nil }
        let from = max(block, 0)
        guard blockCount - from >= 2 else { return nil }
        let half = (from + blockCount + 1) / 2
        let last = lastDoc(ofBlock: half - 1)
        return isCorrupt ? nil : (last + 1, documentFrequency - half * Self.blockSize)
    }

    /// The last paragraph of block `b` (of a term with skip entries), decoding skip entries up
    /// to it if need be; `Int.max` (and the cursor ends) if they are damaged.
    @inline(__always)
    private mutating func lastDoc(ofBlock b: Int) -> Int {
        if b >= skips.count { readSkips(through: b) }
        return isCorrupt ? Self.end : skips[b].lastDoc
    }

    private mutating func readSkips(through b: Int) {
        // Read in place up to the skip section's end (a few hundred numbers per query for a
        // common term).
        guard let base = postingsFile.baseAddress else { return fail() }
        var varints = InPlaceVarints(base: base, offset: skipOffset, end: skipsEnd)
        func int() -> Int? { varints.next() }
        while skips.count <= b {
            // Every number bounded by what is left, so that damage that passes the checksum
            // can never overflow the sums below.
            guard let delta = int(), delta <= paragraphCount - skipLastDoc,
                  let pb = int(), pb <= postingsEnd - skipsEnd - skipPostings,
                  let qb = int(), qb <= positionsEnd - skipPositions,
                  let count = int(), count > 0, count <= Self.blockSize else { return fail() }
            skipLastDoc += delta
            // Impacts: frequencies and lengths both fall, within the term's extremes.
            var f = 0, l = 0
            for k in 0..<count {
                guard let df = int(), let dl = int() else { return fail() }
                f = k == 0 ? df : f - df
                l = k == 0 ? dl : l - dl
                guard f > 0, f <= maxFrequency, l >= minLength, k == 0 || (df > 0 && dl > 0) else { return fail() }
                impacts.append(Impact(frequency: f, length: l))
            }
            skips.append((skipLastDoc, skipsEnd + skipPostings, skipPositions, skipPositions + qb, impacts.count))
            skipPostings += pb
            skipPositions += qb
            if skips.count == blockCount {
                // All read: they must account for every byte of the term.
                guard varints.offset == skipsEnd, skipsEnd + skipPostings == postingsEnd, skipPositions == positionsEnd,
                      skipLastDoc < paragraphCount else { return fail() }
            }
        }
        skipOffset = varints.offset
    }

    /// Decodes block `b`, whose postings start at `nextPostings` and positions at
    /// `nextPositions`, and moves to its first posting.
    private mutating func decode(block b: Int, previousDoc: Int) {
        let full = b < documentFrequency / Self.blockSize
        let n = full ? Self.blockSize : documentFrequency - b * Self.blockSize
        guard let base = postingsFile.baseAddress else { return fail() }
        var last = previousDoc
        var start = nextPostings
        if full {
            // Two patched runs of 128 values; each checks its bytes against the term's end once.
            var bad = false
            // Locals: the closures below must not touch `self` while its buffers are borrowed.
            let paragraphs = UInt64(paragraphCount), limit = maxFrequency, end = postingsEnd
            var docBytes = 0
            var docSpan = docs.mutableSpan
            docSpan.withUnsafeMutableBufferPointer { d in
                guard let used = PatchedPacking.unpack(count: n, source: base + start, available: end - start,
                                                       into: d.baseAddress!) else { bad = true; return }
                docBytes = used
                // Deltas to ids. Ids increase strictly: only the term's very first id may have
                // a zero delta (it is the id itself).
                let allowedZeros = b == 0 && d[0] == 0 ? 1 : 0
                var zeros = 0
                var sum = UInt64(last)
                for i in 0..<n {
                    zeros &+= d[i] == 0 ? 1 : 0
                    sum &+= UInt64(d[i])
                    d[i] = UInt32(truncatingIfNeeded: sum)
                }
                bad = zeros > allowedZeros || sum >= paragraphs
            }
            guard !bad else { return fail() }
            start += docBytes
            var freqSpan = freqs.mutableSpan
            freqSpan.withUnsafeMutableBufferPointer { f in
                guard let used = PatchedPacking.unpack(count: n, source: base + start, available: end - start,
                                                       into: f.baseAddress!) else { bad = true; return }
                start += used
                var largest: UInt32 = 0
                for i in 0..<n { largest = max(largest, f[i]); f[i] &+= 1 }
                bad = Int(largest) >= limit
            }
            guard !bad else { return fail() }
        } else {
            var r = ByteReader(postingsFile, from: start, to: postingsEnd, file: file)
            do {
                for i in 0..<n {
                    let v = try r.varint()
                    let delta = Int(truncatingIfNeeded: v >> 1)
                    let f = v & 1 == 1 ? 1 : try r.int(max: Int(UInt32.max))
                    guard v >> 1 < UInt64(paragraphCount), delta > 0 || (b == 0 && i == 0), f > 0, f <= maxFrequency else {
                        return fail()
                    }
                    last += delta
                    guard last < paragraphCount else { return fail() }
                    docs[i] = UInt32(last)
                    freqs[i] = UInt32(f)
                }
            } catch {
                return fail()
            }
            start = r.offset
        }
        if blockCount > 1 && Int(docs[n - 1]) != lastDoc(ofBlock: b) { return fail() }
        // Positions: a full block's are a packed run (read on the first request), a short
        // block's varints.
        blockPositions = nextPositions
        if full {
            positionBits = -2
            nextPositions = blockCount > 1 ? skips[b].positionsEnd : positionsEnd
        } else {
            positionBits = -1
            positionValue = nextPositions
        }
        positionPosting = 0
        nextPostings = start
        block = b
        blockLength = n
        index = 0
        doc = Int(docs[0])
        frequency = Int(freqs[0])
    }

    /// The positions of the term in the current paragraph, in increasing order.
    public mutating func positions() -> [Int] {
        guard doc != Self.end, positionPosting <= index else { return [] }
        if positionBits == -2 {
            var total = 0
            for i in 0..<blockLength { total += Int(freqs[i]) }
            guard let base = positionsFile.baseAddress,
                  let h = PatchedPacking.header(count: total, source: base + blockPositions, available: positionsEnd - blockPositions,
                                                exceptions: &positionExceptions) else {
                fail()
                return []
            }
            positionBits = h.bits
            positionExceptionCount = h.exceptionCount
            positionsStart = blockPositions + 1
            positionValue = 0
        }
        var out: [Int] = []
        out.reserveCapacity(frequency)
        if positionBits >= 0 {
            for i in positionPosting..<index { positionValue += Int(freqs[i]) }
            let source = positionsFile.baseAddress! + positionsStart
            let available = positionsEnd - positionsStart
            var p = 0
            for k in 0..<frequency {
                var delta = Int(BitPacking.value(at: positionValue + k, bits: positionBits, source: source, available: available))
                for e in 0..<positionExceptionCount where Int(positionExceptions[e] >> 32) == positionValue + k {
                    delta |= Int(UInt32(truncatingIfNeeded: positionExceptions[e])) << positionBits
                }
                p = k == 0 ? delta : p + delta
                out.append(p)
            }
            positionValue += frequency
        } else {
            var r = ByteReader(positionsFile, from: positionValue, to: positionsEnd, file: file)
            do {
                for i in positionPosting..<index {
                    for _ in 0..<freqs[i] { _ = try r.varint() }
                }
                var p = 0
                for k in 0..<frequency {
                    let delta = try r.int(max: Int(UInt32.max))
                    p = k == 0 ? delta : p + delta
                    out.append(p)
                }
            } catch {
                fail()
                return []
            }
            positionValue = r.offset
        }
        positionPosting = index + 1
        return out
    }

    private mutating func fail() {
        isCorrupt = true
        doc = Self.end
    }
}
