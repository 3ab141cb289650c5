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
    static func pack(_ values: ArraySlice<UInt32>, bits: Int, into w: inout ByteWriter) {
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
}
