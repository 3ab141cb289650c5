import Testing
import ParaTestSupport
@testable import ParaIndex

/// The postings codecs against plain arrays: bit packing, patched packing, block impacts, and
/// the cursor over encoded (and damaged) postings.
@Suite struct PostingsCodingTests {
    /// `count` values of at most `bits` bits, a few of them (`outliers`) of up to 32 bits.
    static func values(_ count: Int, bits: Int, outliers: Int = 0, _ rng: inout SplitMix64) -> [UInt32] {
        let mask: UInt64 = bits == 0 ? 0 : (1 << UInt64(bits)) - 1
        var v = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
        for _ in 0..<min(outliers, count) { v[Int(rng.next() % UInt64(count))] = UInt32(truncatingIfNeeded: rng.next()) }
        return v
    }

    @Test func bitPackingRoundTripsAtEveryWidth() {
        var rng = SplitMix64(state: 7)
        for bits in 0...32 {
            for count in [0, 1, 7, 8, 63, 128, 301] {
                let v = Self.values(count, bits: bits, &rng)
                var w = ByteWriter()
                BitPacking.pack(v, bits: bits, into: &w)
                #expect(w.count == BitPacking.byteCount(count: count, bits: bits))
                // Exactly the run's bytes readable, so that the last values take the slow path;
                // then eight set bytes more, so that a whole block takes the path of constant
                // widths (and a mask that let a bit through would show).
                let bytes = w.bytes + [UInt8](repeating: 0xFF, count: 8)
                bytes.withUnsafeBytes { p in
                    for available in [w.count, w.count + 8] {
                        var out = [UInt32](repeating: 0xDEAD, count: count)
                        out.withUnsafeMutableBufferPointer { o in
                            if count > 0 { BitPacking.unpack(count: count, bits: bits, source: p.baseAddress!, available: available, into: o.baseAddress!) }
                        }
                        #expect(out == v, "bits \(bits) count \(count) available \(available)")
                    }
                    for i in 0..<count {
                        #expect(BitPacking.value(at: i, bits: bits, source: p.baseAddress!, available: w.count) == v[i])
                    }
                }
            }
        }
    }

    @Test func patchedPackingRoundTripsAndIsNeverLongerThanPlainPacking() {
        var rng = SplitMix64(state: 11)
        for trial in 0..<400 {
            let count = [1, 5, 128, 128, 128, 700][trial % 6]
            let v = Self.values(count, bits: Int(rng.next() % 20), outliers: Int(rng.next() % 10) < 7 ? Int(rng.next() % 8) : 0, &rng)
            var w = ByteWriter()
            PatchedPacking.pack(v[...], into: &w)
            let widest = BitPacking.width(v.max()!)
            if widest < 32 { #expect(w.count <= 1 + BitPacking.byteCount(count: count, bits: widest)) }
            w.bytes.withUnsafeBytes { p in
                var out = [UInt32](repeating: 0, count: count)
                let used = out.withUnsafeMutableBufferPointer { o in
                    PatchedPacking.unpack(count: count, source: p.baseAddress!, available: w.count, into: o.baseAddress!)
                }
                #expect(used == w.count)
                #expect(out == v, "trial \(trial)")
                // Any shorter buffer is refused, never read past.
                for cut in [0, 1, w.count / 2, w.count - 1] where cut < w.count {
                    var scratch = [UInt32](repeating: 0, count: count)
                    let r = scratch.withUnsafeMutableBufferPointer { o in
                        PatchedPacking.unpack(count: count, source: p.baseAddress!, available: cut, into: o.baseAddress!)
                    }
                    #expect(r == nil, "trial \(trial) cut \(cut)")
                }
            }
        }
    }

    @Test func blockImpactsKeepTheBestScoreForAnyParameters() {
        var rng = SplitMix64(state: 3)
        for _ in 0..<300 {
            let impacts = (0..<(1 + Int(rng.next() % 128))).map { _ in
                Impact(frequency: 1 + Int(rng.next() % 6), length: 1 + Int(rng.next() % 300))
            }
            let frontier = Impact.frontier(impacts)
            // Frequencies and lengths both fall along the frontier, and every pair of it occurs.
            for (a, b) in zip(frontier, frontier.dropFirst()) { #expect(a.frequency > b.frequency && a.length > b.length) }
            #expect(frontier.allSatisfy { impacts.contains($0) })
            for _ in 0..<5 {
                let k1 = 0.5 + Double(rng.next() % 300) / 100, b = Double(rng.next() % 101) / 100, avg = 20 + Double(rng.next() % 200)
                func score(_ i: Impact) -> Double { Double(i.frequency) / (Double(i.frequency) + k1 * (1 - b + b * Double(i.length) / avg)) }
                #expect(frontier.map(score).max() == impacts.map(score).max())
            }
        }
    }

    /// Encodes one term's postings: paragraph ids, each with its positions.
    static func encode(_ postings: [(doc: Int, positions: [UInt32])], length: (Int) -> Int) -> (postings: [UInt8], positions: [UInt8]) {
        var encoder = PostingsEncoder()
        var p = ByteWriter(), q = ByteWriter()
        for (doc, positions) in postings { encoder.add(doc: doc, positions: positions, length: length(doc), positionsOut: &q) }
        encoder.finish(postingsOut: &p, positionsOut: &q)
        return (p.bytes, q.bytes)
    }

    static func randomPostings(_ rng: inout SplitMix64, paragraphs: Int) -> [(doc: Int, positions: [UInt32])] {
        let df = 1 + Int(rng.next() % 700)
        var docs = Set<Int>()
        while docs.count < df { docs.insert(Int(rng.next() % UInt64(paragraphs))) }
        return docs.sorted().map { d in
            let f = rng.next() % 5 == 0 ? 2 + Int(rng.next() % 6) : 1
            var positions = Set<UInt32>()
            while positions.count < f { positions.insert(UInt32(rng.next() % (rng.next() % 50 == 0 ? 5000 : 60))) }
            return (d, positions.sorted())
        }
    }

    func cursor(_ encoded: (postings: [UInt8], positions: [UInt8]), _ p: UnsafeRawBufferPointer, _ q: UnsafeRawBufferPointer,
                df: Int, maxFrequency: Int, minLength: Int, paragraphs: Int) -> PostingsCursor {
        PostingsCursor(postings: p, range: 0..<encoded.postings.count, positions: q, positionsRange: 0..<encoded.positions.count,
                       documentFrequency: df, maxFrequency: maxFrequency, minLength: minLength, paragraphCount: paragraphs, file: "test")
    }

    @Test func theCursorReadsBackWhatWasEncoded() {
        var rng = SplitMix64(state: 5)
        let paragraphs = 50_000
        let length = { (d: Int) in 5000 + d % 97 }
        for trial in 0..<60 {
            let postings = Self.randomPostings(&rng, paragraphs: paragraphs)
            let encoded = Self.encode(postings, length: length)
            let maxFrequency = postings.map(\.positions.count).max()!, minLength = postings.map { length($0.doc) }.min()!
            encoded.postings.withUnsafeBytes { p in
                encoded.positions.withUnsafeBytes { q in
                    // Every posting with its positions, read in order (positions of some skipped).
                    var c = cursor(encoded, p, q, df: postings.count, maxFrequency: maxFrequency, minLength: minLength, paragraphs: paragraphs)
                    for (k, expected) in postings.enumerated() {
                        #expect(c.doc == expected.doc && c.frequency == expected.positions.count, "trial \(trial) posting \(k)")
                        if k % 3 != 1 { #expect(c.positions() == expected.positions.map(Int.init), "trial \(trial) posting \(k)") }
                        c.next()
                    }
                    #expect(c.doc == PostingsCursor.end && !c.isCorrupt)
                    // Random advances agree with a linear search, and block bounds cover them.
                    c = cursor(encoded, p, q, df: postings.count, maxFrequency: maxFrequency, minLength: minLength, paragraphs: paragraphs)
                    var target = 0, read = -1
                    while true {
                        target += Int(rng.next() % 400)
                        let block = c.blockBound(atOrAfter: target) { Double($0.frequency) * 1000 - Double($0.length) }
                        c.advance(to: target)
                        let expected = postings.first { $0.doc >= target }
                        #expect(c.doc == (expected?.doc ?? PostingsCursor.end), "trial \(trial) target \(target)")
                        guard let expected else { #expect(block == nil); break }
                        #expect(block.map { expected.doc <= $0.lastDoc } == true)
                        #expect(block.map { Double(expected.positions.count) * 1000 - Double(length(expected.doc)) <= $0.bound } == true)
                        if c.doc != read {   // positions are read once per posting
                            #expect(c.positions() == expected.positions.map(Int.init))
                            read = c.doc
                        }
                    }
                }
            }
        }
    }

    @Test func skippingByAPredicateStopsWhereALinearScanWould() {
        var rng = SplitMix64(state: 13)
        let paragraphs = 50_000
        for trial in 0..<60 {
            let postings = Self.randomPostings(&rng, paragraphs: paragraphs)
            let encoded = Self.encode(postings, length: { _ in 5000 })
            let maxFrequency = postings.map(\.positions.count).max()!
            let modulus = UInt64(2 + rng.next() % 40)
            encoded.postings.withUnsafeBytes { p in
                encoded.positions.withUnsafeBytes { q in
                    var c = cursor(encoded, p, q, df: postings.count, maxFrequency: maxFrequency, minLength: 5000, paragraphs: paragraphs)
                    func drop(_ doc: Int, _ frequency: Int) -> Bool { UInt64(doc * 31 + frequency) % modulus != 0 }
                    var k = 0   // the cursor's posting in `postings`
                    while c.doc != PostingsCursor.end {
                        let last = c.doc + Int(rng.next() % 3000)
                        c.skip(through: last, while: drop)
                        while k < postings.count && postings[k].doc <= last && drop(postings[k].doc, postings[k].positions.count) { k += 1 }
                        #expect(c.doc == (k < postings.count ? postings[k].doc : PostingsCursor.end), "trial \(trial)")
                        if k < postings.count {
                            #expect(c.frequency == postings[k].positions.count)
                            #expect(c.positions() == postings[k].positions.map(Int.init), "trial \(trial)")
                        }
                        c.next()
                        k += 1
                    }
                    #expect(k >= postings.count && !c.isCorrupt)
                }
            }
        }
    }

    /// Skip entries whose byte counts are huge (damage that passes a checksum) are refused
    /// before they are added up: the cursor is marked corrupt, nothing overflows.
    @Test func hugeSkipEntriesAreRefusedNotAdded() {
        func varint(_ v: Int) -> [UInt8] {
            var v = UInt64(v), out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func read(_ bytes: [UInt8], _ i: inout Int) -> Int {
            var v = 0, shift = 0
            while true { let b = bytes[i]; i += 1; v |= Int(b & 0x7F) << shift; if b < 0x80 { return v }; shift += 7 }
        }
        let postings = (0..<400).map { (doc: $0 * 3, positions: [UInt32(1)]) }
        let encoded = Self.encode(postings, length: { _ in 5000 })
        // The skip section, its entries rewritten with huge byte counts after the first.
        var i = 0
        let length = read(encoded.postings, &i)
        let sectionEnd = i + length
        var entries: [UInt8] = [], k = 0
        while i < sectionEnd {
            let delta = read(encoded.postings, &i), pb = read(encoded.postings, &i), qb = read(encoded.postings, &i)
            let count = read(encoded.postings, &i)
            let huge = 1 << 62
            entries += varint(delta) + varint(k == 0 ? pb : huge) + varint(k == 0 ? qb : huge) + varint(count)
            for _ in 0..<(2 * count) { entries += varint(read(encoded.postings, &i)) }
            k += 1
        }
        #expect(k == 4)
        let damaged = varint(entries.count) + entries + encoded.postings[sectionEnd...]
        damaged.withUnsafeBytes { p in
            encoded.positions.withUnsafeBytes { q in
                var c = PostingsCursor(postings: p, range: 0..<damaged.count, positions: q, positionsRange: 0..<encoded.positions.count,
                                       documentFrequency: 400, maxFrequency: 1, minLength: 5000, paragraphCount: 1_200, file: "test")
                #expect(c.doc == 0 && !c.isCorrupt)
                c.advance(to: 1_000)
                #expect(c.isCorrupt && c.doc == PostingsCursor.end)
            }
        }
    }

    /// Damaged postings (the checksums at open are bypassed here) end the cursor or give wrong
    /// but in-range answers: never a trap, an endless loop, or a read outside the buffers.
    @Test func damagedPostingsNeverTrap() {
        var rng = SplitMix64(state: 9)
        let paragraphs = 50_000
        for _ in 0..<300 {
            let postings = Self.randomPostings(&rng, paragraphs: paragraphs)
            var encoded = Self.encode(postings, length: { _ in 5000 })
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                if rng.next() % 2 == 0, !encoded.postings.isEmpty {
                    encoded.postings[Int(rng.next() % UInt64(encoded.postings.count))] ^= UInt8(1 << (rng.next() % 8))
                } else if !encoded.positions.isEmpty {
                    encoded.positions[Int(rng.next() % UInt64(encoded.positions.count))] ^= UInt8(1 << (rng.next() % 8))
                }
            }
            let maxFrequency = postings.map(\.positions.count).max()!
            encoded.postings.withUnsafeBytes { p in
                encoded.positions.withUnsafeBytes { q in
                    var c = cursor(encoded, p, q, df: postings.count, maxFrequency: maxFrequency, minLength: 5000, paragraphs: paragraphs)
                    var steps = 0, last = -1
                    while c.doc != PostingsCursor.end {
                        #expect(c.doc > last && c.doc < paragraphs)
                        #expect(c.frequency >= 1 && c.frequency <= maxFrequency)
                        last = c.doc
                        _ = c.blockBound(atOrAfter: c.doc) { Double($0.frequency) }
                        #expect(c.positions().count <= maxFrequency)
                        if c.doc == PostingsCursor.end { break }   // damaged positions end the cursor
                        if steps % 5 == 0 { c.advance(to: c.doc + 1 + Int(rng.next() % 300)) } else { c.next() }
                        steps += 1
                    }
                    #expect(steps <= postings.count + 1)
                }
            }
        }
    }
}

@Suite struct ChecksumTests {
    @Test func crc32MatchesTheStandardCheckValueAndTheParallelSumMatchesTheSerialOne() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var rng = SplitMix64(state: 1)
        for size in [0, 1, 8 << 20, (16 << 20) + 3] {
            // Random bytes here and there (filling 16 MB one by one is slow in a debug build).
            var bytes = [UInt8](repeating: 0x5A, count: size)
            for i in stride(from: 0, to: size, by: 61) { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
            bytes.withUnsafeBytes { p in
                #expect(CRC32.parallelChecksum(p) == CRC32.checksum(p), "size \(size)")
                var streamed = CRC32()
                let half = size / 3
                streamed.update(UnsafeRawBufferPointer(rebasing: p[0..<half]))
                streamed.update(UnsafeRawBufferPointer(rebasing: p[half...]))
                #expect(streamed.value == CRC32.checksum(p))
            }
        }
    }
}
