#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ParaCore

/// Finds the input files under a folder with `readdir` and `stat`, and tells what a path is
/// (the only system calls of this module besides iconv). Hidden entries are skipped; symbolic
/// links are followed, but a folder is entered once only, so a link loop ends instead of
/// spinning. Only regular files are read: a FIFO would block the reader forever.
package enum InputFiles {
    // MARK: - Names that are not UTF-8

    // A file name is bytes; a path here is a String. A name that is not valid UTF-8 keeps
    // every byte: each byte of an invalid sequence (0x80…0xFF) stands as the private-use
    // character U+F780…U+F7FF, and goes back to that byte whenever the path reaches the
    // system. Shown to people, such bytes read `\xFF`.

    /// A path's text from its bytes, losing none.
    package static func path(fromBytes bytes: [UInt8]) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            var need = 0
            if b < 0x80 { need = 0 } else if b >= 0xC2 && b <= 0xDF { need = 1 } else if b >= 0xE0 && b <= 0xEF { need = 2 }
            else if b >= 0xF0 && b <= 0xF4 { need = 3 } else { need = -1 }
            if need >= 0, i + need < bytes.count, let s = String(validating: bytes[i...(i + need)], as: UTF8.self), s.unicodeScalars.count == 1 {
                out.append(contentsOf: s.unicodeScalars)
                i += need + 1
            } else {
                out.append(Unicode.Scalar(0xF700 + UInt32(b))!)
                i += 1
            }
        }
        return String(out)
    }

    /// The bytes the system knows a path by (NUL-terminated).
    package static func systemPath(_ path: String) -> [CChar] {
        var out: [CChar] = []
        out.reserveCapacity(path.utf8.count + 1)
        for s in path.unicodeScalars {
            if s.value >= 0xF780 && s.value <= 0xF7FF {
                out.append(CChar(bitPattern: UInt8(s.value - 0xF700)))
            } else {
                for b in String(s).utf8 { out.append(CChar(bitPattern: b)) }
            }
        }
        out.append(0)
        return out
    }

    /// A path as people should see it: a byte that is not UTF-8 as `\xFF`.
    package static func shown(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { $0.value >= 0xF780 && $0.value <= 0xF7FF }) else { return path }
        var out = ""
        for s in path.unicodeScalars {
            if s.value >= 0xF780 && s.value <= 0xF7FF { out += String(format: "\\x%02X", s.value - 0xF700) } else { out.unicodeScalars.append(s) }
        }
        return out
    }

    /// Whether the system needs the path's own bytes (it holds a name that is not UTF-8).
    static func isRaw(_ path: String) -> Bool { path.unicodeScalars.contains { $0.value >= 0xF780 && $0.value <= 0xF7FF } }

    /// The whole file, read with the system's calls (any name).
    package static func read(_ path: String, limit: Int) throws -> Data {
        let fd = open(systemPath(path), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParaError(.unreadableInput, file: shown(path), "cannot read file: \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var data = Data()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 8 << 20) ?? Data() } catch {
                throw ParaError(.unreadableInput, file: shown(path), "cannot read file (\(error.localizedDescription))")
            }
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.count > limit { throw ParaError(.unreadableInput, file: shown(path), "file is over the \(limit >> 20) MB limit") }
        }
        return data
    }

    /// A handle on the file for reading in chunks (any name), or nil with `errno` set.
    package static func openForReading(_ path: String) -> FileHandle? {
        let fd = open(systemPath(path), O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? FileHandle(fileDescriptor: fd, closeOnDealloc: true) : nil
    }

    /// The file's size in bytes, through links (0 when it cannot be read).
    package static func size(_ path: String) -> Int {
        var st = stat()
        return stat(systemPath(path), &st) == 0 ? Int(st.st_size) : 0
    }

    /// Runs `body` with a path other programs can be given on their command line: the path
    /// itself, or, when its name is not UTF-8, a link with a plain name in a temporary folder.
    package static func withPlainPath<T>(_ path: String, _ body: (String) throws -> T) throws -> T {
        guard isRaw(path) else { return try body(path) }
        let folder = NSTemporaryDirectory() + "parasearch-link-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(folder, 0o700) == 0 else { throw ParaError(.io, file: shown(path), "cannot make a temporary folder: \(String(cString: strerror(errno)))") }
        defer { rmdir(folder) }
        let ext = (path as NSString).pathExtension
        let link = folder + "/file" + (ext.isEmpty ? "" : "." + ext)
        let target = systemPath(canonicalPath(path))
        guard symlink(target, link) == 0 else { throw ParaError(.io, file: shown(path), "cannot link: \(String(cString: strerror(errno)))") }
        defer { unlink(link) }
        return try body(link)
    }

    /// What a path is, following symbolic links.
    package enum Kind: Equatable, Sendable {
        case regular
        case directory
        /// A FIFO, socket or device: never read. The text says which.
        case special(String)
        /// It does not exist (no such file, or a part of the path is not a folder).
        case missing(String)
        /// It exists but cannot be reached: the text is the system's reason (a loop of
        /// symbolic links, permission denied, an I/O error).
        case unreachable(String)
    }

    /// The canonical absolute path of `path`: made absolute, `.` and `..` resolved, symbolic
    /// links followed (`realpath`). For a path that does not exist (any more), the longest
    /// prefix that exists is resolved and the rest appended, so that a deleted file has the
    /// same canonical path it had.
    package static func canonicalPath(_ path: String) -> String {
        if let resolved = realpath(systemPath(path), nil) {
            defer { free(resolved) }
            return Self.path(fromBytes: Array(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved))))
        }
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let ok = buffer.withUnsafeMutableBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { getcwd($0, p.count) != nil }
            }
            let cwd = ok ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "/"
            absolute = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        var missing: [Substring] = []
        while !parts.isEmpty {
            let prefix = "/" + parts.joined(separator: "/")
            if let resolved = realpath(systemPath(prefix), nil) {
                defer { free(resolved) }
                let base = Self.path(fromBytes: Array(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved))))
                return missing.isEmpty ? base : (base == "/" ? "" : base) + "/" + missing.reversed().joined(separator: "/")
            }
            missing.append(parts.removeLast())
        }
        return "/" + missing.reversed().joined(separator: "/")
    }

    package static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(systemPath(path), &st) == 0 else {
            let e = errno
            let why = String(cString: strerror(e))
            return e == ENOENT || e == ENOTDIR ? .missing(why) : .unreachable(why)
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFIFO: return .special("a FIFO (named pipe)")
        case S_IFSOCK: return .special("a socket")
        case S_IFCHR: return .special("a character device")
        case S_IFBLK: return .special("a block device")
        default: return .special("not a regular file")
        }
    }

    /// The refusal for a path that is not a regular file, or nil for one that is.
    package static func refusal(for path: String, shown: String? = nil) -> ParaError? {
        switch kind(of: path) {
        case .regular: return nil
        case .directory: return ParaError(.unreadableInput, file: shown ?? Self.shown(path), "is a directory, not a file")
        case .special(let what): return ParaError(.unreadableInput, file: shown ?? Self.shown(path), "is \(what), not a regular file")
        case .missing(let why), .unreachable(let why): return ParaError(.unreadableInput, file: shown ?? Self.shown(path), "cannot read file: \(why)")
        }
    }

    /// Files under `root` that ParaSearch reads, sorted; problems are reported in `failures`.
    package static func find(under root: String, failures: inout [ParaError]) -> [String] {
        var out: [String] = []
        var visited = Set<[UInt64]>()
        var stack = [root]
        while let dir = stack.popLast() {
            var st = stat()
            guard stat(systemPath(dir), &st) == 0 else {
                failures.append(ParaError(.unreadableInput, file: shown(dir), "cannot read folder: \(String(cString: strerror(errno)))"))
                continue
            }
            guard visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted else { continue }
            guard let handle = opendir(systemPath(dir)) else {
                failures.append(ParaError(.unreadableInput, file: shown(dir), "cannot read folder: \(String(cString: strerror(errno)))"))
                continue
            }
            var names: [String] = []
            while let entry = readdir(handle) {
                let bytes: [UInt8] = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: UInt8.self, capacity: 256) { p in
                        var n = 0
                        while n < 256 && p[n] != 0 { n += 1 }
                        return Array(UnsafeBufferPointer(start: p, count: n))
                    }
                }
                if bytes.first == UInt8(ascii: ".") { continue }          // hidden
                names.append(path(fromBytes: bytes))
            }
            closedir(handle)
            for name in names.sorted().reversed() {
                let path = dir == "." ? name : dir + "/" + name
                var s = stat()
                if stat(systemPath(path), &s) != 0 {
                    // A dangling link or a link loop: report it if it looks like an input.
                    if DocumentExtractor.isInput(path) {
                        failures.append(ParaError(.unreadableInput, file: shown(path), "cannot read file: \(String(cString: strerror(errno)))"))
                    }
                    continue
                }
                if (s.st_mode & S_IFMT) == S_IFDIR {
                    if DocumentExtractor.isInput(path) {
                        failures.append(ParaError(.unreadableInput, file: shown(path), "is a directory, not a file"))
                    }
                    stack.append(path)
                } else if DocumentExtractor.isInput(path) {
                    if (s.st_mode & S_IFMT) == S_IFREG {
                        out.append(path)
                    } else if let refusal = refusal(for: path) {
                        failures.append(refusal)
                    }
                }
            }
        }
        return out.sorted()
    }
}
