import ParaCore

/// Constants of the on-disk format (see `OnDiskFormat.md` in this module's documentation).
package enum IndexFormat {
    /// Version written into every file header. A reader also reads `oldestReadable` (the
    /// version before, whose lengths file lacks the documents' languages) and refuses any other.
    package static let version: UInt32 = 5
    package static let oldestReadable: UInt32 = 4
    static let magic: [UInt8] = Array("PARASRCH".utf8)
    static let footerMagic: [UInt8] = Array("PEND".utf8)
    static let headerSize = 16
    static let footerSize = 8
    /// The first byte of a section term: a term of a paragraph's title or headings (see
    /// `OnDiskFormat.md`). No term of text starts with it (control characters separate words).
    package static let sectionMark: UInt8 = 0x01
    /// Terms per dictionary block; the block index holds each block's first term.
    static let termsPerBlock = 32

    /// The four-letter kind in each file header.
    enum Kind: String {
        case terms = "TERM"
        case postings = "POST"
        case positions = "POSN"
        case norms = "NORM"
        case stored = "STOR"
        case manifest = "MNFT"
    }

    static func header(_ kind: Kind) -> ByteWriter {
        var w = ByteWriter(capacity: 1 << 16)
        w.raw(magic)
        w.raw(Array(kind.rawValue.utf8))
        w.u32(version)
        return w
    }

    /// Appends the CRC32 of everything written so far, then the footer magic.
    static func finish(_ w: inout ByteWriter) {
        let crc = CRC32.checksum(w.bytes)
        w.u32(crc)
        w.raw(footerMagic)
    }

    /// Checks header, version and (unless `checksum` is false) checksum; returns the body's
    /// byte range. `checked` is called
    /// with each range of bytes (64 MB at most) once the checksum has read it — a reader that
    /// reads the file only once lets its pages go there, so that verifying a large file does
    /// not make it all resident at once.
    static func validate(_ bytes: UnsafeRawBufferPointer, kind: Kind, file: String, checksum: Bool = true,
                         checked: (Range<Int>) -> Void = { _ in }) throws -> Range<Int> {
        guard bytes.count >= headerSize + footerSize else {
            throw ParaError(.corrupt, file: file, "index file is truncated (\(bytes.count) bytes)")
        }
        guard Array(bytes[0..<8]) == magic else {
            throw ParaError(.corrupt, file: file, "not a ParaSearch index file (bad magic)")
        }
        let end = bytes.count - footerSize
        guard Array(bytes[(end + 4)...]) == footerMagic else {
            throw ParaError(.corrupt, file: file, "index file is truncated or damaged (no footer)")
        }
        // The checksum before the header fields, so that damage is reported as damage.
        if checksum {
            var f = ByteReader(bytes, from: end, file: file)
            let stored = try f.u32()
            var crc = CRC32()
            var at = 0
            while at < end {
                let next = min(end, at + (64 << 20))
                crc.combine(CRC32.parallelChecksum(UnsafeRawBufferPointer(rebasing: bytes[at..<next])), length: next - at)
                checked(at..<next)
                at = next
            }
            guard stored == crc.value else {
                throw ParaError(.corrupt, file: file, "index file is damaged (checksum mismatch)")
            }
        }
        guard Array(bytes[8..<12]) == Array(kind.rawValue.utf8) else {
            throw ParaError(.corrupt, file: file, "wrong kind of index file (expected \(kind.rawValue))")
        }
        var r = ByteReader(bytes, from: 12, file: file)
        let v = try r.u32()
        guard v >= oldestReadable && v <= version else {
            throw ParaError(.incompatible, file: file, "index format version \(v) is not supported (this ParaSearch reads versions \(oldestReadable) and \(version)); rebuild the index")
        }
        return headerSize..<end
    }

    /// The version in a validated file's header.
    static func version(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
    }
}

extension Language {
    /// The language's code on disk (a document's language in the lengths file): its place
    /// among the cases, `zh` 0 and `en` 1. A new language goes last.
    package static func code(of language: Language) -> UInt8 {
        UInt8(allCases.firstIndex(of: language)!)
    }
}

/// Byte-wise ordering of terms: the dictionary is sorted by UTF-8 bytes, not by `String`'s
/// Unicode ordering.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
