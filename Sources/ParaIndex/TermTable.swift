/// Term bytes → dense ids, for the segment writer: an open-addressing hash table over one byte
/// arena, so that looking a term up neither builds a `String` nor hashes with SipHash.
struct TermTable {
    private(set) var arena: [UInt8] = []
    /// Start of each term in `arena`; term i is `arena[starts[i]..<starts[i + 1]]`.
    private(set) var starts: [Int] = [0]
    private var slots: [Int32]
    private var hashes: [UInt32] = []
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var size = 1
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        arena.reserveCapacity(capacity * 6)
    }

    var count: Int { starts.count - 1 }

    func bytes(_ id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// The ids in the byte order of their terms (the dictionary's order), compared in place in
    /// the arena (no slices).
    func sortedIDs() -> [Int] {
        arena.withUnsafeBufferPointer { a in
            starts.withUnsafeBufferPointer { s in
                (0..<count).sorted { x, y in
                    var i = s[x], j = s[y]
                    let xe = s[x + 1], ye = s[y + 1]
                    while i < xe && j < ye {
                        if a[i] != a[j] { return a[i] < a[j] }
                        i += 1
                        j += 1
                    }
                    return xe - i < ye - j
                }
            }
        }
    }

    /// The id of `term`, adding it when new.
    mutating func id(_ term: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt32 = 2166136261
        for b in term { h = (h ^ UInt32(b)) &* 16777619 }
        var slot = Int(h) & mask
        while true {
            let existing = slots[slot]
            if existing < 0 { break }
            let id = Int(existing)
            if hashes[id] == h && equal(id, term) { return id }
            slot = (slot + 1) & mask
        }
        let id = count
        arena.append(contentsOf: term)
        starts.append(arena.count)
        hashes.append(h)
        slots[slot] = Int32(id)
        if count * 2 > slots.count { grow() }
        return id
    }

    @inline(__always)
    private func equal(_ id: Int, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[id], e = starts[id + 1]
        guard e - s == term.count else { return false }
        var i = 0
        while i < term.count {
            if arena[s + i] != term[i] { return false }
            i += 1
        }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }
}
