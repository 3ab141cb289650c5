import ParaCore

/// A document as stored in a segment.
package struct StoredDocument: Sendable, Hashable {
    package var metadata: DocumentMetadata
    /// Hash of the source file's bytes, for incremental indexing.
    package var contentHash: String
    /// Local id of its first paragraph in the segment, and how many it has.
    package var firstParagraph: Int
    package var paragraphCount: Int
}

/// A document handed to the writer: what was extracted, and the hash of its source file.
package struct IndexableDocument: Sendable {
    package var document: ExtractedDocument
    package var contentHash: String

    package init(document: ExtractedDocument, contentHash: String) {
        self.document = document
        self.contentHash = contentHash
    }
}

/// A 64-bit FNV-1a hash of a file's bytes and its length, as hex: enough to notice that a
/// file changed. Fed in chunks, so that a large file is never read whole.
package struct ContentHasher {
    private var h: UInt64 = 0xcbf29ce484222325
    private var count = 0

    package init() {}

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        count += bytes.count
    }

    package var value: String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s + "-" + String(count)
    }
}

/// ``ContentHasher`` over one buffer.
package func contentHash(_ bytes: UnsafeRawBufferPointer) -> String {
    var hasher = ContentHasher()
    hasher.update(bytes)
    return hasher.value
}
