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
public enum InputFiles {
    /// What a path is, following symbolic links.
    public enum Kind: Equatable, Sendable {
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
    public static func canonicalPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
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
            if let resolved = realpath(prefix, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return missing.isEmpty ? base : (base == "/" ? "" : base) + "/" + missing.reversed().joined(separator: "/")
            }
            missing.append(parts.removeLast())
        }
        return "/" + missing.reversed().joined(separator: "/")
    }

    public static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else {
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
    public static func refusal(for path: String, shown: String? = nil) -> ParaError? {
        switch kind(of: path) {
        case .regular: return nil
        case .directory: return ParaError(file: shown ?? path, "is a directory, not a file")
        case .special(let what): return ParaError(file: shown ?? path, "is \(what), not a regular file")
        case .missing(let why), .unreachable(let why): return ParaError(file: shown ?? path, "cannot read file: \(why)")
        }
    }

    /// Files under `root` that ParaSearch reads, sorted; problems are reported in `failures`.
    public static func find(under root: String, failures: inout [ParaError]) -> [String] {
        var out: [String] = []
        var visited = Set<[UInt64]>()
        var stack = [root]
        while let dir = stack.popLast() {
            var st = stat()
            guard stat(dir, &st) == 0 else {
                failures.append(ParaError(file: dir, "cannot read folder: \(String(cString: strerror(errno)))"))
                continue
            }
            guard visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted else { continue }
            guard let handle = opendir(dir) else {
                failures.append(ParaError(file: dir, "cannot read folder: \(String(cString: strerror(errno)))"))
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
                if bytes.first == UInt8(ascii: ".") { continue }          // hidden, whatever its bytes
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    // Such a name cannot be passed on as text: say which file, escaped.
                    let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
                    failures.append(ParaError(file: (dir == "." ? "" : dir + "/") + shown, "file name is not valid UTF-8; rename it to index it"))
                    continue
                }
                if !name.hasPrefix(".") { names.append(name) }
            }
            closedir(handle)
            for name in names.sorted().reversed() {
                let path = dir == "." ? name : dir + "/" + name
                var s = stat()
                if stat(path, &s) != 0 {
                    // A dangling link or a link loop: report it if it looks like an input.
                    if DocumentExtractor.isInput(path) {
                        failures.append(ParaError(file: path, "cannot read file: \(String(cString: strerror(errno)))"))
                    }
                    continue
                }
                if (s.st_mode & S_IFMT) == S_IFDIR {
                    if DocumentExtractor.isInput(path) {
                        failures.append(ParaError(file: path, "is a directory, not a file"))
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
