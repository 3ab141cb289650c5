import Foundation

/// A small seeded generator (SplitMix64), so that every random test reproduces.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// A new, empty folder under the system's temporary folder, named after the caller.
public func temporaryDirectory(_ name: String = #function) -> String {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    let d = FileManager.default.temporaryDirectory
        .appendingPathComponent("parasearch-\(clean)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try? FileManager.default.removeItem(atPath: d)
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}
