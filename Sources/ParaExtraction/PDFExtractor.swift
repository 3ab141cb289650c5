import Foundation
import ParaCore

/// PDF through `pdftotext` (Debian package `poppler-utils`), in its default reading-order mode
/// (not `-layout`, which keeps columns side by side); the text then goes through the same
/// segmentation as text extracted from PDF by other means.
struct PDFExtractor {
    /// A PDF that takes longer than this to convert is given up on.
    static let timeout: TimeInterval = 120

    static func pdftotextPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = dir + "/pdftotext"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    func text(of path: String, file: String) throws -> String {
        guard let tool = Self.pdftotextPath() else {
            throw ParaError(file: file, "reading PDF needs pdftotext, which is not installed (Debian: apt-get install poppler-utils)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", "-eol", "unix", "-q", path, "-"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ParaError(file: file, "cannot run pdftotext: \(error.localizedDescription)") }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.timeout, execute: timer)
        // Read both pipes to the end before waiting, so a large output cannot block the tool.
        final class Box: @unchecked Sendable { var data = Data() }   // written by one queue, read after sync
        let errBox = Box()
        let errReader = DispatchQueue(label: "pdftotext-stderr")
        errReader.async { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errReader.sync {}
        let errData = errBox.data
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            throw ParaError(file: file, "pdftotext did not finish within \(Int(Self.timeout)) s")
        }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errData, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw ParaError(file: file, "not a readable PDF (pdftotext: \(message))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
