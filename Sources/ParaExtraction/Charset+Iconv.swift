import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Every iconv call ParaSearch makes lives in this file.

/// Legacy character sets a page declares (`<meta charset="gbk">`), converted to UTF-8 with
/// iconv so that a few bad bytes become U+FFFD instead of ending the page.
enum Charset {
    /// The charset declared in the first 4 KB of an HTML page (`<meta charset=…>` or
    /// `content="text/html; charset=…"`), lower-cased.
    static func declared(in data: Data) -> String? {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        guard let r = head.range(of: #"charset\s*=\s*["']?([a-z0-9_:.\-]+)"#, options: .regularExpression) else { return nil }
        let match = head[r]
        guard let eq = match.firstIndex(of: "=") else { return nil }
        let name = match[match.index(after: eq)...].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        return name.isEmpty ? nil : name
    }

    static func isUTF8(_ name: String) -> Bool { ["utf-8", "utf8"].contains(name) }

    /// `data` in `charset` as UTF-8, with the count of bytes that were not valid in it (each
    /// became U+FFFD); nil when iconv does not know the charset.
    static func toUTF8(_ data: Data, from charset: String) -> (data: Data, badBytes: Int)? {
        // GB2312 and GBK pages often use GB18030 characters; GB18030 is a superset of both.
        let source = ["gb2312", "gbk", "x-gbk", "gb_2312-80"].contains(charset) ? "GB18030" : charset.uppercased()
        let cd = iconv_open("UTF-8", source)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var out = Data()
        out.reserveCapacity(data.count * 3 / 2)
        var bad = 0
        var input = [UInt8](data)
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        input.withUnsafeMutableBufferPointer { inBuf in
            buffer.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                while inLeft > 0 {
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = chunk
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    let failure = r == -1 ? errno : 0          // before anything can change errno
                    out.append(outBuf.baseAddress!, count: chunk - outLeft)
                    if r == -1 {
                        if failure == E2BIG { continue }
                        // EILSEQ (a byte that is not valid) or EINVAL (a sequence cut at the end):
                        // one replacement character, and go on after the byte.
                        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        bad += 1
                        inPtr = inPtr.map { $0 + 1 }
                        inLeft -= 1
                    }
                }
            }
        }
        return (out, bad)
    }
}
