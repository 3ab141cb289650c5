/// Fixed-width bit packing of unsigned integers, least significant bit first: value i of a run
/// packed at `bits` bits occupies bits i·bits ..< (i + 1)·bits of the run's bytes (bit 0 is the
/// low bit of byte 0), and the run takes ⌈count · bits / 8⌉ bytes. `bits` is 0…32; at 0 every
/// value is 0 and the run takes no bytes.
///
/// The readers work on raw pointers: callers check once per block that the run's bytes are
/// inside the mapped file (``byteCount(count:bits:)``), and nothing here reads outside
/// `available`.
enum BitPacking {
    /// Bits needed to hold `v` (0 for 0).
    @inline(__always)
    static func width(_ v: UInt32) -> Int { v == 0 ? 0 : 32 - v.leadingZeroBitCount }

    @inline(__always)
    static func byteCount(count: Int, bits: Int) -> Int { (count * bits + 7) >> 3 }

    /// Appends `values` packed at `bits` bits each (every value must fit).
    static func pack<S: Sequence<UInt32>>(_ values: S, bits: Int, into w: inout ByteWriter) {
        guard bits > 0 else { return }
        var accumulator: UInt64 = 0
        var filled = 0
        for v in values {
            accumulator |= UInt64(v) << UInt64(filled)
            filled += bits
            while filled >= 8 {
                w.u8(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                filled -= 8
            }
        }
        if filled > 0 { w.u8(UInt8(truncatingIfNeeded: accumulator)) }
    }

    /// Value `index` of a run at `source` packed at `bits` bits; `available` bytes may be read
    /// from `source` and must cover the run.
    @inline(__always)
    static func value(at index: Int, bits: Int, source: UnsafeRawPointer, available: Int) -> UInt32 {
        guard bits > 0 else { return 0 }
        let bit = index * bits
        let byte = bit >> 3
        let word: UInt64
        if byte + 8 <= available {
            word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
        } else {
            // The last values of a run at the end of the readable bytes: byte by byte.
            var w: UInt64 = 0
            let last = min(available, (bit + bits + 7) >> 3)
            for b in stride(from: last - 1, through: byte, by: -1) {
                w = w << 8 | UInt64(source.load(fromByteOffset: b, as: UInt8.self))
            }
            word = w
        }
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & (UInt64(1) << UInt64(bits) &- 1))
    }

    /// Unpacks `count` values packed at `bits` bits from `source` into `out`.
    @inline(__always)
    static func unpack(count: Int, bits: Int, source: UnsafeRawPointer, available: Int,
                       into out: UnsafeMutablePointer<UInt32>) {
        guard bits > 0 else {
            out.update(repeating: 0, count: count)
            return
        }
        // A whole block, eight values (`bits` bytes) at a time, with the width a constant.
        if count == 128, available >= 16 * bits + 8 { return unpack128(bits: bits, source: source, into: out) }
        let mask = UInt64(1) << UInt64(bits) &- 1
        // Whole 8-byte loads while they stay inside the readable bytes (all but the last few
        // values of a run at the very end of a file), then the general path.
        let fast = min(count, available >= 8 ? ((available - 8) * 8) / bits + 1 : 0)
        var bit = 0
        for i in 0..<fast {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit &+= bits
        }
        for i in fast..<max(fast, count) {
            out[i] = value(at: i, bits: bits, source: source, available: available)
        }
    }

    /// 128 values of width `bits` (1…32), whose bytes and 8 more may be read: one case per
    /// width, so that each is compiled with its offsets, shifts and mask as constants (the
    /// general loop works out each value's place as it goes: measured, a tenth of a search's
    /// instructions went to unpacking).
    @inline(never)
    static func unpack128(bits: Int, source: UnsafeRawPointer, into out: UnsafeMutablePointer<UInt32>) {
        switch bits {
        case 1: unpackGroups(1, 16, source, out)
        case 2: unpackGroups(2, 16, source, out)
        case 3: unpackGroups(3, 16, source, out)
        case 4: unpackGroups(4, 16, source, out)
        case 5: unpackGroups(5, 16, source, out)
        case 6: unpackGroups(6, 16, source, out)
        case 7: unpackGroups(7, 16, source, out)
        case 8: unpackGroups(8, 16, source, out)
        case 9: unpackGroups(9, 16, source, out)
        case 10: unpackGroups(10, 16, source, out)
        case 11: unpackGroups(11, 16, source, out)
        case 12: unpackGroups(12, 16, source, out)
        case 13: unpackGroups(13, 16, source, out)
        case 14: unpackGroups(14, 16, source, out)
        case 15: unpackGroups(15, 16, source, out)
        case 16: unpackGroups(16, 16, source, out)
        case 17: unpackGroups(17, 16, source, out)
        case 18: unpackGroups(18, 16, source, out)
        case 19: unpackGroups(19, 16, source, out)
        case 20: unpackGroups(20, 16, source, out)
        case 21: unpackGroups(21, 16, source, out)
        case 22: unpackGroups(22, 16, source, out)
        case 23: unpackGroups(23, 16, source, out)
        case 24: unpackGroups(24, 16, source, out)
        case 25: unpackGroups(25, 16, source, out)
        case 26: unpackGroups(26, 16, source, out)
        case 27: unpackGroups(27, 16, source, out)
        case 28: unpackGroups(28, 16, source, out)
        case 29: unpackGroups(29, 16, source, out)
        case 30: unpackGroups(30, 16, source, out)
        case 31: unpackGroups(31, 16, source, out)
        case 32: unpackGroups(32, 16, source, out)
        default: preconditionFailure("a width of \(bits) bits")
        }
    }

    /// `groups` runs of eight values at `bits` bits (a run is `bits` bytes long).
    @inline(__always)
    private static func unpackGroups(_ bits: Int, _ groups: Int, _ source: UnsafeRawPointer, _ out: UnsafeMutablePointer<UInt32>) {
        let mask = UInt64(1) << UInt64(bits) &- 1
        for g in 0..<groups {
            let from = source + g * bits, to = out + g * 8
            for j in 0..<8 {
                let bit = j * bits
                let word = UInt64(littleEndian: from.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                to[j] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
        }
    }
}

/// Patched frame of reference: a run packed at a width that fits all but at most seven of its
/// values, whose high bits follow as exceptions (Zukowski et al., "Super-Scalar RAM-CPU Cache
/// Compression", 2006). One outlier — a long gap between paragraphs, a late first position — no
/// longer widens all 128 values of a block.
///
///     run       := u8 (exceptions << 5 | bits) packed(value & (2^bits − 1)){count}
///                  (varint index varint high){exceptions}
///
/// Value `index` is `low | high << bits`. `bits` is 0…31, `exceptions` 0…7; the writer picks
/// the pair that makes the run shortest.
enum PatchedPacking {
    static let maxExceptions = 7

    /// Appends `values` as one run.
    static func pack(_ values: ArraySlice<UInt32>, into w: inout ByteWriter) {
        // The largest values, by index (at most maxExceptions + 1 of them), largest first.
        var top: [Int] = []
        for i in values.indices {
            if top.count <= maxExceptions || values[i] > values[top[top.count - 1]] {
                var k = top.count
                while k > 0 && values[top[k - 1]] < values[i] { k -= 1 }
                top.insert(i, at: k)
                if top.count > maxExceptions + 1 { top.removeLast() }
            }
        }
        func varintLength(_ v: Int) -> Int { var n = 1, v = v; while v >= 0x80 { v >>= 7; n += 1 }; return n }
        var best = (bytes: Int.max, bits: 0, exceptions: 0)
        for e in 0...min(maxExceptions, top.count) {
            let bits = e < top.count ? BitPacking.width(values[top[e]]) : 0
            guard bits <= 31 else { continue }
            var bytes = BitPacking.byteCount(count: values.count, bits: bits)
            for k in 0..<e { bytes += varintLength(top[k] - values.startIndex) + varintLength(Int(values[top[k]] >> UInt32(bits))) }
            if bytes < best.bytes { best = (bytes, bits, e) }
        }
        precondition(best.bytes < Int.max, "more than \(maxExceptions) values of 32 bits in one run")
        let mask = best.bits == 0 ? 0 : UInt32.max >> UInt32(32 - best.bits)
        w.u8(UInt8(best.exceptions << 5 | best.bits))
        BitPacking.pack(values.lazy.map { $0 & mask }, bits: best.bits, into: &w)
        for k in 0..<best.exceptions {
            w.varint(top[k] - values.startIndex)
            w.varint(Int(values[top[k]] >> UInt32(best.bits)))
        }
    }

    /// The header and exceptions of a run at `source` of `count` values, checked against the
    /// `available` bytes: the width, the packed values' start, the exceptions as
    /// `index << 32 | high`, and the run's total length; `nil` if the run does not fit or an
    /// exception is out of range.
    static func header(count: Int, source: UnsafeRawPointer, available: Int,
                       exceptions: inout InlineArray<7, UInt64>) -> (bits: Int, exceptionCount: Int, bytes: Int)? {
        guard available >= 1 else { return nil }
        let head = Int(source.load(as: UInt8.self))
        let bits = head & 31, count0 = head >> 5
        let packedEnd = 1 + BitPacking.byteCount(count: count, bits: bits)
        guard packedEnd <= available else { return nil }
        var varints = InPlaceVarints(base: source, offset: packedEnd, end: available)
        for k in 0..<count0 {
            guard let index = varints.next(), let high = varints.next(), index < count,
                  high <= Int(UInt32.max >> UInt32(bits)) else { return nil }
            exceptions[k] = UInt64(index) << 32 | UInt64(high)
        }
        return (bits, count0, varints.offset)
    }

    /// Unpacks a run of `count` values into `out`; returns its length in bytes, or `nil` if it
    /// is damaged.
    static func unpack(count: Int, source: UnsafeRawPointer, available: Int, into out: UnsafeMutablePointer<UInt32>) -> Int? {
        var exceptions = InlineArray<7, UInt64>(repeating: 0)
        guard let h = header(count: count, source: source, available: available, exceptions: &exceptions) else { return nil }
        BitPacking.unpack(count: count, bits: h.bits, source: source + 1, available: available - 1, into: out)
        for k in 0..<h.exceptionCount {
            let e = exceptions[k]
            out[Int(e >> 32)] |= UInt32(truncatingIfNeeded: e) << UInt32(h.bits)
        }
        return h.bytes
    }
}

/// LEB128 varints read in place from raw bytes, each byte checked against `end` and a number
/// cut off after 9 bytes: for the hot readers of skip entries and exceptions, which need no
/// throwing reader per number (a damaged number is `nil`).
struct InPlaceVarints {
    let base: UnsafeRawPointer
    var offset: Int
    let end: Int

    @inline(__always)
    mutating func next() -> Int? {
        var v = 0, shift = 0
        while offset < end && shift <= 56 {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            v |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return v }
            shift += 7
        }
        return nil
    }
}
