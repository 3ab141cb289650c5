#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ParaCore

/// Finds the input files under a folder with `readdir` and `stat` (the only system calls of
/// this module). Hidden entries are skipped; symbolic links are followed, but a folder is
/// entered once only, so a link loop ends instead of spinning.
public enum InputFiles {
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
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
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
                    out.append(path)
                }
            }
        }
        return out.sorted()
    }
}
