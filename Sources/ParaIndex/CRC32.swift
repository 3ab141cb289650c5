import CSystemZlib
import Foundation

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib and PNG — computed by the
/// system's zlib, which runs at several bytes per cycle (measured 4.2 GB/s here, against
/// 1.8 GB/s for a slicing-by-8 table loop in Swift): verifying every file at open is most of
/// the time an open takes.
package struct CRC32: Sendable {
    package private(set) var value: UInt32 = 0

    package init() {}

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var left = bytes.count
        var c = UInt(value)
        while left > 0 {
            let n = min(left, Int(UInt32.max))   // zlib takes a 32-bit length
            c = crc32(c, p, UInt32(n))
            p += n
            left -= n
        }
        value = UInt32(truncatingIfNeeded: c)
    }

    /// Extends the checksum with `length` more bytes whose own checksum is `next`.
    package mutating func combine(_ next: UInt32, length: Int) {
        value = UInt32(truncatingIfNeeded: crc32_combine(UInt(value), UInt(next), off_t(length)))
    }

    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// The checksum of a large buffer, its parts computed on every core and joined with
    /// `crc32_combine` (the same value as ``checksum(_:)-(UnsafeRawBufferPointer)``).
    package static func parallelChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, bytes.count / (8 << 20))
        guard parts > 1 else { return checksum(bytes) }
        let size = (bytes.count + parts - 1) / parts
        // Each part reads its own bytes and writes its own slot: nothing is shared mutably.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: parts)
        defer { results.deallocate() }
        nonisolated(unsafe) let bytes = bytes
        DispatchQueue.concurrentPerform(iterations: parts) { i in
            let lo = i * size, hi = min(bytes.count, lo + size)
            results[i] = checksum(UnsafeRawBufferPointer(rebasing: bytes[lo..<hi]))
        }
        var crc = CRC32()
        for i in 0..<parts {
            let lo = i * size, hi = min(bytes.count, lo + size)
            crc.combine(results[i], length: hi - lo)
        }
        return crc.value
    }
}
