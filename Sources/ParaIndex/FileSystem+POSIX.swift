#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParaCore

// Every system call ParaIndex makes lives in this file.

/// A read-only memory mapping of a whole file. The mapping lives as long as this object.
package final class MappedFile: @unchecked Sendable {
    package let path: String
    /// Immutable after `init`; the pages are never written.
    package let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int
    /// Which file this is and how it was last changed (``FileSystem/fingerprint(_:)``).
    package let fingerprint: String

    package init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParaError(.io, file: path, "cannot open: \(errnoMessage())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ParaError(.io, file: path, "cannot stat: \(errnoMessage())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ParaError(.io, file: path, "not a regular file") }
        length = Int(st.st_size)
        fingerprint = FileSystem.fingerprint(st)
        if length == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw ParaError(.io, file: path, "cannot map: \(errnoMessage())") }
        mapping = p
        bytes = UnsafeRawBufferPointer(start: p, count: length)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    /// Tells the kernel the pages read so far are not needed again soon. The mapping stays
    /// valid: a later read faults the page back in from the page cache.
    package func dropResidentPages() {
        if let mapping { madvise(mapping, length, MADV_DONTNEED) }
    }

    /// The same for the pages of `range` only (widened to whole pages).
    func dropResidentPages(_ range: Range<Int>) {
        guard let mapping, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        madvise(mapping + start, min(length, range.upperBound) - start, MADV_DONTNEED)
    }
}

func errnoMessage() -> String { String(cString: strerror(errno)) }

enum FileSystem {
    /// Hands memory the allocator keeps after large frees (a flushed segment buffer) back to
    /// the system, so that the next buffer and a merge do not stack on top of it in the
    /// process's resident size. A no-op where the C library has no `malloc_trim`.
    static func returnFreedMemory() {
        #if canImport(Glibc)
        // glibc's malloc_trim is not in the Glibc module map: looked up once by name.
        if let trim = mallocTrim { _ = trim(0) }
        #endif
    }

    /// Keeps every allocation of 1 MB or more in a mapping of its own, handed back to the
    /// system when freed. glibc starts that threshold at 128 KB and raises it (up to 32 MB)
    /// each time such a block is freed, so that in an indexing run, which makes and frees a
    /// segment buffer's arrays at every flush, the blocks between those sizes end up in the
    /// heap, where what a freed one leaves need not fit the next. Measured on the perf corpus
    /// with a 256 MB budget, back to back: peak RSS 340 → 299 MiB at 907,012 documents,
    /// 439 → 408 MiB at five times that; wall time unchanged. Process-wide, so the command line
    /// sets it, not the library. A no-op without glibc.
    static func mapLargeAllocations() {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-3, 1 << 20)   // M_MMAP_THRESHOLD (glibc's malloc.h)
        #endif
    }

    /// Keeps up to 64 MB of freed memory in the process for its next use, and allocations
    /// below 32 MB (glibc's largest threshold) in the heap. A search of common terms reads
    /// their skip entries into arrays of a few hundred kilobytes and frees them at its end;
    /// given back to the system and faulted in again at the next search, they cost the
    /// heaviest queries a tenth of their time (docs/performance.md). Process-wide, so the
    /// command line sets it for a process that runs many searches, not the library. A no-op
    /// without glibc.
    static func keepFreedMemoryForSearches() {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-1, 64 << 20)   // M_TRIM_THRESHOLD (glibc's malloc.h)
        _ = mallopt(-3, 32 << 20)   // M_MMAP_THRESHOLD
        #endif
    }

    #if canImport(Glibc)
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Device, inode, size and change time of a file: any write to it, truncation or
    /// replacement changes at least one of them (the change time cannot be set back).
    static func fingerprint(_ st: stat) -> String {
        "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    /// Writes `bytes` to a new file and flushes it to disk before returning.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        try FaultInjection.point(path, "write")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParaError(.io, file: path, "cannot create: \(errnoMessage())") }
        var ok = true
        var message = ""
        bytes.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let n = write(fd, p.baseAddress! + off, p.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false; message = errnoMessage(); return
                }
                off += n
            }
        }
        if ok, let injected = FaultInjection.failure(path, "fsync") { ok = false; message = injected }
        if ok && fsync(fd) != 0 { ok = false; message = errnoMessage() }
        close(fd)
        if !ok {
            unlink(path)
            throw ParaError(.io, file: path, "cannot write: \(message)")
        }
    }

    /// Gives the file `from` the second name `to` (replacing what `to` named), atomically.
    /// Where hard links are not supported (vfat, some network and FUSE file systems), a copy.
    static func keepLink(_ from: String, as to: String) throws {
        let tmp = to + ".tmp"
        unlink(tmp)
        try FaultInjection.point(to, "link")
        if link(from, tmp) != 0 {
            let copy = try MappedFile(path: from)
            try writeDurably(Array(copy.bytes), to: tmp)
        }
        try rename(tmp, as: to)
    }

    /// Atomically replaces `to` with `from` (the directory entry still needs a sync to last).
    static func rename(_ from: String, as to: String) throws {
        try FaultInjection.point(to, "rename")
        guard Glibc.rename(from, to) == 0 else { throw ParaError(.io, file: to, "cannot rename into place: \(errnoMessage())") }
    }

    static func syncDirectory(_ path: String) throws {
        try FaultInjection.point(path, "directory sync")
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ParaError(.io, file: path, "cannot open directory: \(errnoMessage())") }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw ParaError(.io, file: path, "cannot sync directory: \(errnoMessage())") }
    }

    static func createDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw ParaError(.io, file: path, "cannot create directory: \(errnoMessage())")
        }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func remove(_ path: String) { unlink(path) }

    /// Names in a directory (not `.` and `..`), sorted.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }
}

/// An exclusive advisory lock (`flock`) on a file, held until `release()` or deinit.
/// The kernel drops it when the process dies, so a killed writer never leaves a stale lock.
final class WriterLock {
    private var fd: Int32

    /// Takes the lock and writes who holds it (`pid host start-time`) into the file; when the
    /// lock is taken, the error names the holder from that line.
    init(path: String, directory: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParaError(.io, file: path, "cannot open lock file: \(errnoMessage())") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            fd = -1
            throw ParaError(.locked, file: directory, "another process is writing to this index (\(path) is locked\(Self.describeHolder(n > 0 ? Array(buffer[0..<n]) : []))); try again when it has finished")
        }
        // The lock is ours: say so, for the next writer's message.
        let line = Array("\(getpid()) \(Self.hostName()) \(Int(time(nil)))\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pwrite(fd, line, line.count, 0) }
    }

    static func hostName() -> String {
        var host = [UInt8](repeating: 0, count: 256)
        host.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { _ = gethostname($0, p.count - 1) }
        }
        return String(decoding: host.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// `, held by process 123 on host since 12 s` from the lock file's line, noting a holder
    /// on this host that no longer runs (a lock on a network file system can outlive it).
    static func describeHolder(_ bytes: [UInt8]) -> String {
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 3, let pid = Int32(parts[0]), let started = Int(parts[2]) else { return "" }
        let here = hostName() == String(parts[1])
        let age = max(0, Int(time(nil)) - started)
        let ageText = age < 120 ? "\(age) s" : age < 7200 ? "\(age / 60) min" : "\(age / 3600) h"
        var out = ", held by process \(pid) on \(parts[1]) for \(ageText)"
        if here && kill(pid, 0) != 0 && errno == ESRCH { out += ", which no longer runs" }
        return out
    }

    func release() {
        if fd >= 0 { flock(fd, LOCK_UN); close(fd); fd = -1 }
    }

    deinit { release() }
}

/// A new index file written front to back through a buffer, with the header written first and
/// the CRC-32 footer computed on the way, so that no file is ever held whole in memory.
final class FileOutput {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var crc = CRC32()
    /// Bytes written so far (header included): the offset of the next byte.
    private(set) var offset = 0
    private static let flushSize = 1 << 20

    init(path: String, kind: IndexFormat.Kind) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParaError(.io, file: path, "cannot create: \(errnoMessage())") }
        buffer.reserveCapacity(Self.flushSize + 4096)
        write(IndexFormat.header(kind).bytes)
    }

    deinit {
        if fd >= 0 { close(fd); unlink(path) }   // abandoned before finish(): leave nothing behind
    }

    func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
    }

    func write(_ w: ByteWriter) { write(w.bytes) }

    /// Writes out the buffer when it is large; call between records.
    func flushIfNeeded() throws {
        if buffer.count >= Self.flushSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { p in
            crc.update(p)
            try writeAll(p)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ p: UnsafeRawBufferPointer) throws {
        try FaultInjection.point(path, "write")
        var off = 0
        while off < p.count {
            let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParaError(.io, file: path, "cannot write: \(errnoMessage())")
            }
            off += n
        }
    }

    /// Appends the footer, flushes to disk and closes.
    func finish() throws {
        try flush()
        var footer = ByteWriter()
        footer.u32(crc.value)
        footer.raw(IndexFormat.footerMagic)
        offset += footer.count
        try footer.bytes.withUnsafeBytes { try writeAll($0) }
        buffer = []
        try FaultInjection.point(path, "fsync")
        guard fsync(fd) == 0 else { throw ParaError(.io, file: path, "cannot flush to disk: \(errnoMessage())") }
        close(fd)
        fd = -1
    }
}

/// Failures injected by the crash-safety tests. Under an armed directory, the Nth durable
/// operation — a write, a file or directory sync, a rename — fails as on a full disk. Unarmed
/// (always, outside the tests), a point costs one lock and a dictionary look-up.
enum FaultInjection {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var armed: [String: (failAt: Int, count: Int)] = [:]

    /// Counts the operations under `directory` from now on and fails the `failAt`-th.
    static func arm(directory: String, failAt: Int) {
        lock.lock(); defer { lock.unlock() }
        armed[directory] = (failAt, 0)
    }

    /// Stops injecting under `directory`; returns how many operations were counted.
    @discardableResult
    static func disarm(directory: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return armed.removeValue(forKey: directory)?.count ?? 0
    }

    /// The message of the failure injected at this operation, if it is the one armed.
    static func failure(_ path: String, _ operation: String) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard !armed.isEmpty else { return nil }
        for (directory, state) in armed where path == directory || path.hasPrefix(directory + "/") {
            let count = state.count + 1
            armed[directory] = (state.failAt, count)
            if count == state.failAt { return "No space left on device (\(operation) \(count), injected)" }
        }
        return nil
    }

    static func point(_ path: String, _ operation: String) throws {
        if let message = failure(path, operation) { throw ParaError(.io, file: path, "cannot \(operation): \(message)") }
    }
}
