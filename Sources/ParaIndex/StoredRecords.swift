import ParaCore

/// A document as stored in a segment.
public struct StoredDocument: Sendable, Hashable {
    public var metadata: DocumentMetadata
    /// Hash of the source file's bytes, for incremental indexing.
    public var contentHash: String
    /// Local id of its first paragraph in the segment, and how many it has.
    public var firstParagraph: Int
    public var paragraphCount: Int
}

/// A document handed to the writer: what was extracted, and the hash of its source file.
public struct IndexableDocument: Sendable {
    public var document: ExtractedDocument
    public var contentHash: String

    public init(document: ExtractedDocument, contentHash: String) {
        self.document = document
        self.contentHash = contentHash
    }
}

/// A 64-bit FNV-1a hash of a file's bytes and its length, as hex: enough to notice that a
/// file changed. Fed in chunks, so that a large file is never read whole.
public struct ContentHasher {
    private var h: UInt64 = 0xcbf29ce484222325
    private var count = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        count += bytes.count
    }

    public var value: String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s + "-" + String(count)
    }
}

/// ``ContentHasher`` over one buffer.
public func contentHash(_ bytes: UnsafeRawBufferPointer) -> String {
    var hasher = ContentHasher()
    hasher.update(bytes)
    return hasher.value
}
