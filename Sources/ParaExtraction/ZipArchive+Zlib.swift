import CSystemZlib
import Foundation
import ParaCore

/// A read-only zip archive in memory, for DOCX: the central directory is checked in full when
/// the archive is opened, entries are read by name, and inflation is bounded — by the entry's
/// compressed bytes (a truncated stream is an error, not a wait), by a size limit and by a
/// compression-ratio limit (zip bombs). Nothing is ever written to disk, so entry names cannot
/// escape anywhere. All zlib calls are in this file.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var dataOffset: Int
    }

    let data: Data
    let file: String
    private(set) var entries: [String: Entry] = [:]
    let maxEntryBytes: Int
    let maxRatio: Int

    init(_ data: Data, file: String, maxEntries: Int, maxEntryBytes: Int, maxRatio: Int) throws {
        self.data = data
        self.file = file
        self.maxEntryBytes = maxEntryBytes
        self.maxRatio = maxRatio
        let bad = { (why: String) in ParaError(.unreadableInput, file: file, "not a valid DOCX (zip) file: \(why)") }
        var found: [String: Entry] = [:]
        try data.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            let n = b.count
            func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
            func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
            guard n >= 22 else { throw bad("too short") }
            // End of central directory (signature 0x06054b50), searched backwards over the comment.
            var eocd = -1
            var o = n - 22
            while o >= max(0, n - 22 - 65535) {
                if u32(o) == 0x06054b50 { eocd = o; break }
                o -= 1
            }
            guard eocd >= 0 else { throw bad("no end of central directory") }
            let count = u16(eocd + 10)
            let cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16)
            guard count != 0xFFFF, cdSize != 0xFFFF_FFFF, cdOffset != 0xFFFF_FFFF else { throw bad("ZIP64 is not supported") }
            guard count <= maxEntries else { throw ParaError(.unreadableInput, file: file, "DOCX has more than \(maxEntries) entries; refused") }
            guard cdOffset + cdSize <= eocd else { throw bad("central directory out of range") }
            var p = cdOffset
            for _ in 0..<count {
                guard p + 46 <= cdOffset + cdSize, u32(p) == 0x02014b50 else { throw bad("damaged central directory") }
                let method = u16(p + 10)
                let crc = UInt32(u32(p + 16))
                let compressed = u32(p + 20), uncompressed = u32(p + 24)
                let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
                let local = u32(p + 42)
                guard p + 46 + nameLength <= cdOffset + cdSize else { throw bad("damaged central directory") }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
                guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else { throw bad("ZIP64 is not supported") }
                guard local + 30 <= cdOffset, u32(local) == 0x04034b50 else { throw bad("damaged local header of \(name)") }
                let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
                guard dataStart + compressed <= cdOffset else { throw bad("data of \(name) out of range") }
                found[name] = Entry(name: name, method: method, crc: crc, compressedSize: compressed,
                                    uncompressedSize: uncompressed, dataOffset: dataStart)
                p += 46 + nameLength + extraLength + commentLength
            }
        }
        entries = found
    }

    /// The bytes of entry `name`, or nil when the archive has none.
    func read(_ name: String) throws -> Data? {
        guard let e = entries[name] else { return nil }
        let what = "DOCX entry \(name)"
        if e.uncompressedSize > maxEntryBytes {
            throw ParaError(.unreadableInput, file: file, "\(what) would unpack to \(e.uncompressedSize >> 20) MB; refused (zip bomb?)")
        }
        let input = data.subdata(in: (data.startIndex + e.dataOffset)..<(data.startIndex + e.dataOffset + e.compressedSize))
        let output: Data
        switch e.method {
        case 0:
            output = input
        case 8:
            output = try inflate(input, what: what)
        default:
            throw ParaError(.unreadableInput, file: file, "\(what) uses compression method \(e.method), which DOCX never does")
        }
        let crc = output.withUnsafeBytes { p in
            UInt32(crc32(0, p.bindMemory(to: Bytef.self).baseAddress, uInt(p.count)))
        }
        guard crc == e.crc else { throw ParaError(.unreadableInput, file: file, "\(what) is damaged (checksum mismatch)") }
        return output
    }

    /// Raw deflate → bytes, never past `maxEntryBytes` nor `maxRatio` × the input.
    private func inflate(_ input: Data, what: String) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParaError(.unreadableInput, file: file, "\(what): cannot start decompression")
        }
        defer { inflateEnd(&stream) }
        let limit = min(maxEntryBytes, max(1 << 20, input.count * maxRatio))
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return try input.withUnsafeBytes { (inBytes: UnsafeRawBufferPointer) -> Data in
            stream.next_in = UnsafeMutablePointer(mutating: inBytes.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(inBytes.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = CSystemZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit {
                    throw ParaError(.unreadableInput, file: file, "\(what) unpacks to more than \(limit >> 20) MB or \(maxRatio)× its size; refused (zip bomb?)")
                }
                switch status {
                case Z_STREAM_END:
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw ParaError(.unreadableInput, file: file, "\(what) is truncated")
                default:
                    throw ParaError(.unreadableInput, file: file, "\(what) is damaged (invalid compressed data)")
                }
            }
        }
    }
}
