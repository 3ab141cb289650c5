/// The postings of one term, in blocks of 128 with a skip entry per block.
///
///     postings(term)  := varint skips skip{skips} block{…}
///     skip            := varint lastDocDelta varint postingsBytes varint positionsBytes
///                        varint maxFrequency varint minLength
///     block           := (varint docDelta varint frequency){≤128}
///     positions(term) := (varint positionDelta{frequency}){df}
///
/// Terms in at most one block have no skip entries (`skips` = 0). Doc deltas run on across
/// blocks, so a cursor that jumps to block b starts from block b − 1's last document.
enum PostingsEncoding {
    static let blockSize = 128

    /// Encodes postings (`docs` increasing, `positions` flattened, `freqs[i]` of them each).
    static func encode(docs: [Int], freqs: [Int], positions: [Int], length: (Int) -> Int,
                       postings: inout ByteWriter, positionsOut: inout ByteWriter) {
        let df = docs.count
        var blocks: [ByteWriter] = []
        var skips = ByteWriter()
        var last = 0, lastSkipDoc = 0
        var pi = 0
        var start = 0
        while start < df {
            let end = min(df, start + blockSize)
            var block = ByteWriter(capacity: (end - start) * 3)
            let positionsStart = positionsOut.count
            var maxFrequency = 0, minLength = Int.max
            for i in start..<end {
                block.varint(i == 0 ? docs[0] : docs[i] - last)
                block.varint(freqs[i])
                last = docs[i]
                var lastPosition = 0
                for m in 0..<freqs[i] {
                    let p = positions[pi + m]
                    positionsOut.varint(m == 0 ? p : p - lastPosition)
                    lastPosition = p
                }
                pi += freqs[i]
                maxFrequency = max(maxFrequency, freqs[i])
                minLength = min(minLength, length(docs[i]))
            }
            skips.varint(last - lastSkipDoc)
            skips.varint(block.count)
            skips.varint(positionsOut.count - positionsStart)
            skips.varint(maxFrequency)
            skips.varint(minLength)
            lastSkipDoc = last
            blocks.append(block)
            start = end
        }
        if blocks.count > 1 {
            postings.varint(blocks.count)
            postings.raw(skips.bytes)
        } else {
            postings.varint(0)
        }
        for b in blocks { postings.raw(b.bytes) }
    }
}
