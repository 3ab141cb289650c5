import ParaCore

/// Appends little-endian integers, LEB128 varints and length-prefixed strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8))
    }

    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8 & 0xFF))
        bytes.append(UInt8(v >> 16 & 0xFF)); bytes.append(UInt8(v >> 24))
    }

    mutating func u64(_ v: UInt64) {
        u32(UInt32(v & 0xFFFF_FFFF)); u32(UInt32(v >> 32))
    }

    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func varint(_ v: Int) { varint(UInt64(v)) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { p in
            varint(p.count)
            bytes.append(contentsOf: p)
        }
    }

    /// `nil` is written as length 0, a string as its length + 1.
    mutating func optionalString(_ s: String?) {
        guard var s else { varint(0); return }
        s.withUTF8 { p in
            varint(p.count + 1)
            bytes.append(contentsOf: p)
        }
    }

    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

/// Reads what ``ByteWriter`` wrote, from a bounds-checked window of a mapped file.
///
/// Every read checks its bounds and throws ``ParaError`` naming the file and offset: bad
/// bytes never trap.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var offset: Int
    let end: Int
    let file: String

    init(_ base: UnsafeRawBufferPointer, from: Int = 0, to: Int? = nil, file: String) {
        self.base = base
        self.offset = from
        self.end = min(to ?? base.count, base.count)
        self.file = file
    }

    var atEnd: Bool { offset >= end }

    func corrupt(_ what: String) -> ParaError {
        ParaError(.corrupt, file: file, "index file is damaged: \(what) at offset \(offset)")
    }

    mutating func u8() throws -> UInt8 {
        guard offset < end else { throw corrupt("unexpected end") }
        defer { offset += 1 }
        return base[offset]
    }

    mutating func u32() throws -> UInt32 {
        guard offset + 4 <= end, offset >= 0 else { throw corrupt("unexpected end") }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(base[offset + k]) << (8 * k) }
        offset += 4
        return v
    }

    mutating func u64() throws -> UInt64 {
        let lo = try u32(), hi = try u32()
        return UInt64(lo) | UInt64(hi) << 32
    }

    mutating func f64() throws -> Double { Double(bitPattern: try u64()) }

    @inline(__always)
    mutating func varint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw corrupt("unexpected end in a number") }
            let b = base[offset]
            offset += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
            if shift > 63 { throw corrupt("number too long") }
        }
    }

    /// A varint that must fit `limit` (a count, offset or id).
    mutating func int(max limit: Int = Int(Int32.max)) throws -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw corrupt("value \(v) out of range") }
        return Int(v)
    }

    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, offset + n <= end else { throw corrupt("length \(n) past the end") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
    }

    mutating func string() throws -> String {
        let n = try int()
        return String(decoding: try bytes(n), as: UTF8.self)
    }

    mutating func optionalString() throws -> String? {
        let n = try int()
        if n == 0 { return nil }
        return String(decoding: try bytes(n - 1), as: UTF8.self)
    }
}
