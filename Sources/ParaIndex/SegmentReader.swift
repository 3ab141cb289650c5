import Foundation
import Synchronization
import ParaCore

/// Where a term's data sits in a segment, and what bounds its score.
package struct TermInfo: Sendable, Hashable {
    /// Number of paragraphs containing the term.
    package var documentFrequency: Int
    var postings: Range<Int>
    var positions: Range<Int>
    /// Largest term frequency, and shortest paragraph length, among its postings: together an
    /// upper bound of its BM25 score (the score grows with tf and shrinks with length).
    package var maxFrequency: Int
    package var minLength: Int
}

/// Read access to one segment through memory-mapped files, validated when opened.
package final class SegmentReader: Sendable {
    package let name: String
    let termsFile: MappedFile
    let postingsFile: MappedFile
    let positionsFile: MappedFile
    let normsFile: MappedFile
    let storedFile: MappedFile
    private let termsBody: Range<Int>
    private let normsBody: Range<Int>
    /// Where each dictionary block's first term is in `.terms` (ranges, not copies: a one-shot
    /// search opens tens of thousands of blocks' index and looks up a few).
    private let blockFirstTerms: [Range<Int>]
    /// Each block's first term's first 8 bytes (``termKey(_:)``), searched before the term
    /// itself: one array, where the terms are in pages of the file all over.
    private let blockKeys: [UInt64]
    /// Whether the segment has section terms (they sort first: the first term tells). A
    /// search looks none up in a segment without them, as an index of JSON Lines records is.
    package var hasSectionTerms: Bool {
        guard let first = blockFirstTerms.first, !first.isEmpty else { return false }
        return termsFile.bytes[first.lowerBound] == IndexFormat.sectionMark
    }
    /// Per dictionary block: its offset in `.terms`, and where its first term's postings and
    /// positions start.
    private let blockOffsets: [(terms: Int, postings: Int, positions: Int)]
    /// The longest paragraph (in terms): no term frequency can exceed it.
    let longestParagraph: Int
    /// Bytes per length in `.norms` (2 or 4); the document indexes follow the lengths.
    private let lengthWidth: Int
    private let documentIndexes: Int
    /// Where each document's language code starts in `.norms` (version 5 on; nil in version
    /// 4, whose languages are read from the stored records).
    private let writtenLanguages: Int?
    package let termCount: Int
    package let paragraphCount: Int
    package let documentCount: Int
    /// Sum of paragraph lengths (in terms).
    package let totalLength: UInt64
    private let paragraphTable: Int
    private let documentTable: Int
    /// Decoded documents, built on first use of ``documents``.
    private let documentCache = OnceCache<[StoredDocument]>()
    private let languageCache = OnceCache<(codes: [UInt8], set: Set<Language>)>()
    /// Languages read from single records so far (see ``documentLanguageCode(_:)``).
    private let directLanguageReads = Atomic<Int>(0)
    private let linkCache = OnceCache<Bool>()
    /// For each CJK character, the first characters of the bigrams of text that end with it
    /// (UTF-8, one after another): made on the first search for a lone character.
    private let endingCache = OnceCache<[UInt32: [UInt8]]>()

    /// How the reader will use the files' pages.
    package enum Residency: Sendable {
        /// Searching: keep what was touched (the page cache serves repeated queries).
        case search
        /// Read once front to back (a merge): let the kernel drop pages after use.
        case sequentialOnce
    }

    /// Opens a segment. `verified` holds the fingerprints the writer recorded for its files
    /// (from the manifest): a file that still has its fingerprint was written whole and has
    /// not changed since, so only its header and footer are checked; any other file's
    /// checksum is verified over every byte. A merge and `check` pass none.
    package convenience init(directory: String, name: String, residency: Residency = .search) throws {
        try self.init(directory: directory, name: name, residency: residency, verified: nil)
    }

    init(directory: String, name: String, residency: Residency = .search, verified: [String: String]?,
         languages: Set<Language>? = nil) throws {
        self.name = name
        knownLanguages = languages
        let base = directory + "/" + name
        termsFile = try MappedFile(path: base + ".terms")
        postingsFile = try MappedFile(path: base + ".postings")
        positionsFile = try MappedFile(path: base + ".positions")
        normsFile = try MappedFile(path: base + ".norms")
        storedFile = try MappedFile(path: base + ".stored")

        // A reader for one pass (a merge) lets pages go as soon as their checksum is read.
        func validate(_ f: MappedFile, _ kind: IndexFormat.Kind) throws -> Range<Int> {
            let ext = String(f.path.split(separator: ".").last ?? "")
            let unchanged = verified?[ext] == f.fingerprint
            return try IndexFormat.validate(f.bytes, kind: kind, file: f.path, checksum: !unchanged) { range in
                if residency == .sequentialOnce { f.dropResidentPages(range) }
            }
        }
        termsBody = try validate(termsFile, .terms)
        _ = try validate(postingsFile, .postings)
        _ = try validate(positionsFile, .positions)
        normsBody = try validate(normsFile, .norms)
        let storedBody = try validate(storedFile, .stored)

        // Terms trailer and block index.
        var t = ByteReader(termsFile.bytes, from: termsBody.upperBound - 16, to: termsBody.upperBound, file: termsFile.path)
        termCount = Int(clamping: try t.u64())
        let blockIndexOffset = Int(clamping: try t.u64())
        guard blockIndexOffset >= termsBody.lowerBound && blockIndexOffset <= termsBody.upperBound - 16 else {
            throw ParaError(.corrupt, file: termsFile.path, "index file is damaged: block index offset out of range")
        }
        var bi = ByteReader(termsFile.bytes, from: blockIndexOffset, to: termsBody.upperBound - 16, file: termsFile.path)
        // (Each entry takes at least 4 bytes: a damaged count cannot reserve more than the file holds.)
        let blocks = try bi.int(max: (termsBody.upperBound - 16 - blockIndexOffset) / 4)
        var firsts: [Range<Int>] = []
        var keys: [UInt64] = []
        var offsets: [(terms: Int, postings: Int, positions: Int)] = []
        firsts.reserveCapacity(blocks)
        keys.reserveCapacity(blocks)
        offsets.reserveCapacity(blocks)
        let postingsEnd = postingsFile.bytes.count - IndexFormat.footerSize
        let positionsEnd = positionsFile.bytes.count - IndexFormat.footerSize
        for _ in 0..<blocks {
            let length = try bi.int()
            firsts.append(bi.offset..<(bi.offset + length))
            keys.append(Self.termKey(try bi.bytes(length)))
            let o = try bi.int(max: blockIndexOffset)
            let po = try bi.int(max: postingsEnd), qo = try bi.int(max: positionsEnd)
            guard o >= termsBody.lowerBound, po >= IndexFormat.headerSize, qo >= IndexFormat.headerSize else {
                throw bi.corrupt("block offset out of range")
            }
            offsets.append((o, po, qo))
        }
        blockFirstTerms = firsts
        blockKeys = keys
        blockOffsets = offsets

        // Stored trailer.
        var s = ByteReader(storedFile.bytes, from: storedBody.upperBound - 40, to: storedBody.upperBound, file: storedFile.path)
        paragraphCount = Int(clamping: try s.u64())
        documentCount = Int(clamping: try s.u64())
        paragraphTable = Int(clamping: try s.u64())
        documentTable = Int(clamping: try s.u64())
        totalLength = try s.u64()
        // (The counts bounded first, so that the sums below cannot overflow.)
        guard paragraphCount <= storedBody.count / 8, documentCount <= storedBody.count / 8,
              paragraphTable >= storedBody.lowerBound, paragraphTable <= storedBody.upperBound,
              paragraphTable + 8 * paragraphCount == documentTable,
              documentTable + 8 * documentCount == storedBody.upperBound - 40 else {
            throw ParaError(.corrupt, file: storedFile.path, "index file is damaged: stored tables out of range")
        }
        var n = ByteReader(normsFile.bytes, from: normsBody.lowerBound, to: normsBody.upperBound, file: normsFile.path)
        let width = Int(try n.u32())
        // (Version 4 has no languages: they are read from the stored records.)
        let languageBytes = IndexFormat.version(of: normsFile.bytes) >= 5 ? documentCount : 0
        guard width == 2 || width == 4, normsBody.count == 4 + (width + 4) * paragraphCount + languageBytes else {
            throw ParaError(.corrupt, file: normsFile.path, "index file is damaged: the lengths table does not fit \(paragraphCount) paragraphs")
        }
        lengthWidth = width
        documentIndexes = normsBody.lowerBound + 4 + width * paragraphCount
        writtenLanguages = languageBytes > 0 ? documentIndexes + 4 * paragraphCount : nil
        // Every paragraph's document index must be in range; the longest length is kept. (Plain
        // passes over the tables, read through a pointer: this runs at every open, and one loop
        // doing both through the buffer was over a quarter of the instructions of a one-shot
        // search on a large index.)
        var longest = 0
        if let base = normsFile.bytes.baseAddress, paragraphCount > 0 {
            let indexes = base + documentIndexes, lengths = base + normsBody.lowerBound + 4
            func document(_ i: Int) -> UInt32 { UInt32(littleEndian: indexes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            var highest: UInt32 = 0
            for i in 0..<paragraphCount { highest = max(highest, document(i)) }
            if Int(highest) >= documentCount {
                // (Found again, to name the paragraph.)
                for i in 0..<paragraphCount where Int(document(i)) >= documentCount {
                    throw ParaError(.corrupt, file: normsFile.path, "index file is damaged: paragraph \(i) names document \(document(i))")
                }
            }
            if width == 2 {
                var m: UInt16 = 0
                for i in 0..<paragraphCount { m = max(m, UInt16(littleEndian: lengths.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                longest = Int(m)
            } else {
                var m: UInt32 = 0
                for i in 0..<paragraphCount { m = max(m, UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                longest = Int(m)
            }
        }
        longestParagraph = longest
        if residency == .sequentialOnce {
            // Verifying checksums touched every page; they need not stay resident.
            for f in [termsFile, postingsFile, positionsFile, normsFile, storedFile] { f.dropResidentPages() }
        }
    }

    /// The lengths table, for hot loops in other modules (inlinable, no call per paragraph).
    package var norms: NormsView {
        NormsView(base: normsFile.bytes.baseAddress! + normsBody.lowerBound + 4, wide: lengthWidth == 4,
                  count: paragraphCount, owner: self)
    }

    /// Length (number of terms) of a paragraph (0 for an id outside the segment).
    @inline(__always)
    package func length(of paragraph: Int) -> Int {
        guard paragraph >= 0 && paragraph < paragraphCount else { return 0 }
        let base = normsBody.lowerBound + 4
        return lengthWidth == 4
            ? Int(UInt32(littleEndian: normsFile.bytes.loadUnaligned(fromByteOffset: base + 4 * paragraph, as: UInt32.self)))
            : Int(UInt16(littleEndian: normsFile.bytes.loadUnaligned(fromByteOffset: base + 2 * paragraph, as: UInt16.self)))
    }

    /// The document holding `paragraph` (checked at open to name one; a paragraph id comes
    /// from a cursor, which checks it against the segment).
    @inline(__always)
    package func documentIndex(of paragraph: Int) -> Int {
        precondition(paragraph >= 0 && paragraph < paragraphCount, "paragraph \(paragraph) of \(paragraphCount)")
        return Int(UInt32(littleEndian: normsFile.bytes.loadUnaligned(fromByteOffset: documentIndexes + 4 * paragraph, as: UInt32.self)))
    }

    /// Touches the stored records of `paragraphs` and of their documents, one stage for all
    /// of them at a time, so that their cache misses overlap: read one hit after another, each
    /// miss waits for the one before (measured: 5 % of the median query's time).
    /// Reads nothing past the records' tables; a damaged offset is left for the decoding to
    /// report.
    package func touchRecords(of paragraphs: [Int]) {
        let bytes = storedFile.bytes
        func offset(_ entry: Int) -> Int {
            Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: entry, as: UInt64.self)))
        }
        var records: [Int] = []
        records.reserveCapacity(2 * paragraphs.count)
        var documents: [Int] = []
        documents.reserveCapacity(paragraphs.count)
        for p in paragraphs where p >= 0 && p < paragraphCount {
            records.append(offset(paragraphTable + 8 * p))
            documents.append(documentIndex(of: p))
        }
        for d in documents where d < documentCount { records.append(offset(documentTable + 8 * d)) }
        var sum: UInt8 = 0
        for r in records where r >= 0 && r < paragraphTable { sum &+= bytes[r] }
        keep(sum)
    }

    /// All documents of the segment, decoded on first use and kept.
    package var documents: [StoredDocument] {
        get throws {
            try documentCache.get { try (0..<documentCount).map { try document(at: $0) } }
        }
    }

    /// The language of each document, as its code (`Language.code(of:)`): from the
    /// lengths file, or in version 4 read once from the records (the language fields only: a
    /// segment of many small documents is not decoded whole for it).
    package var documentLanguageCodes: [UInt8] {
        get throws { try documentLanguages().codes }
    }

    /// The languages the segment's documents are in (from the manifest when it lists them).
    package var languages: Set<Language> {
        get throws { try knownLanguages ?? documentLanguages().set }
    }
    /// The languages the manifest lists for the segment, if it does.
    private let knownLanguages: Set<Language>?

    /// Whether any document of the segment has a symbol or names another in a `parallel` or
    /// `translation_of` field — whether it can have language versions at all. Read once, from
    /// the raw records (a segment of many small documents without symbols answers fast).
    package var mayHaveVersions: Bool {
        get throws {
            try linkCache.get {
                let keys: [[UInt8]] = [Array("parallel".utf8), Array("translation_of".utf8)]
                for index in 0..<documentCount {
                    var d = try documentRecord(index)
                    _ = try d.bytes(try d.int())                      // id
                    if try d.int() > 0 { return true }                // a symbol (length + 1)
                    for _ in 0..<4 { _ = try d.bytes(try d.int()) }   // language, title, source, content hash
                    for _ in 0..<(try d.int()) {
                        let key = try d.bytes(try d.int())
                        if keys.contains(where: { $0.elementsEqual(key) }) { return true }
                        _ = try d.bytes(try d.int())
                    }
                }
                return false
            }
        }
    }

    private func documentLanguages() throws -> (codes: [UInt8], set: Set<Language>) {
        try languageCache.get { try readLanguages() }
    }

    /// Every document's language, from the lengths file or else from each record.
    private func readLanguages() throws -> (codes: [UInt8], set: Set<Language>) {
        var codes: [UInt8] = []
        codes.reserveCapacity(documentCount)
        // (Compared as bytes, and the set made once at the end: a segment of many small
        // documents is read in a few milliseconds.)
        var seen = 0
        if let writtenLanguages {
            codes = Array(normsFile.bytes[writtenLanguages..<(writtenLanguages + documentCount)])
            for code in codes { seen |= 1 << min(code, 7) }
            if seen >> Language.allCases.count != 0 {
                throw ParaError(.corrupt, file: normsFile.path, "index file is damaged: an unknown language code")
            }
        } else {
            for index in 0..<documentCount {
                var d = try documentRecord(index)
                let code = try Self.languageCode(&d)
                codes.append(code)
                seen |= 1 << code
            }
        }
        let all = Language.allCases
        return (codes, Set(all.indices.filter { seen & (1 << $0) != 0 }.map { all[$0] }))
    }

    /// Makes the per-document language table of a version 4 segment now, for a process about
    /// to run many queries (on a thread of its own): the searches running meanwhile are not
    /// held up, they read records until the table is there. Damaged records leave it unmade (a
    /// search reports them). A version 5 segment has it written.
    package func makeLanguageTable() {
        guard languageCache.current == nil, writtenLanguages == nil, let made = try? readLanguages() else { return }
        languageCache.offer(made)
    }

    private static let languageNames = Language.allCases.map { Array($0.rawValue.utf8) }

    /// The language code of the document record `d` is at the start of.
    private static func languageCode(_ d: inout ByteReader) throws -> UInt8 {
        _ = try d.bytes(try d.int())                      // id
        let symbol = try d.int()                          // string?: length + 1, or 0 for none
        if symbol > 0 { _ = try d.bytes(symbol - 1) }
        let raw = try d.bytes(try d.int())
        guard let code = languageNames.firstIndex(where: { $0.elementsEqual(raw) }) else { throw d.corrupt("unknown language") }
        return UInt8(code)
    }

    /// Document `index`'s language code (as in ``documentLanguageCodes``): from the lengths
    /// file, or in a version 4 segment from its record until the table is worth making — a
    /// search that filters a few hundred candidates by language (a translated query) need not
    /// read every record of a large segment first (40 ms of a one-shot search of 907,000
    /// records). Once such reads add up to an eighth of the documents, the table is made and
    /// used.
    package func documentLanguageCode(_ index: Int) throws -> UInt8 {
        guard index >= 0 && index < documentCount else {
            throw ParaError(.corrupt, file: storedFile.path, "document \(index) out of range")
        }
        if let writtenLanguages {
            let code = normsFile.bytes[writtenLanguages + index]
            guard Int(code) < Language.allCases.count else {
                throw ParaError(.corrupt, file: normsFile.path, "index file is damaged: an unknown language code")
            }
            return code
        }
        if directLanguageReads.add(1, ordering: .relaxed).newValue > documentCount / 8 {
            return try documentLanguages().codes[index]
        }
        var d = try documentRecord(index)
        return try Self.languageCode(&d)
    }

    /// The per-document language table, when it is made already (or written: then it is
    /// read now, a byte a document).
    package var madeDocumentLanguageCodes: [UInt8]? {
        if writtenLanguages != nil { return try? documentLanguages().codes }
        return languageCache.current?.codes
    }

    /// A reader at the start of document `index`'s stored record (its id first).
    private func documentRecord(_ index: Int) throws -> ByteReader {
        var t = ByteReader(storedFile.bytes, from: documentTable + 8 * index, to: documentTable + 8 * documentCount, file: storedFile.path)
        return ByteReader(storedFile.bytes, from: Int(clamping: try t.u64()), to: paragraphTable, file: storedFile.path)
    }

    /// Decodes document `index` (without caching it).
    package func document(at index: Int) throws -> StoredDocument {
        guard index >= 0 && index < documentCount else {
            throw ParaError(.corrupt, file: storedFile.path, "document \(index) out of range")
        }
        var d = try documentRecord(index)
        let id = try d.string()
        let symbol = try d.optionalString()
        guard let language = Language(rawValue: try d.string()) else { throw d.corrupt("unknown language") }
        let title = try d.string(), source = try d.string(), hash = try d.string()
        var extra: [String: String] = [:]
        for _ in 0..<(try d.int()) { let k = try d.string(); extra[k] = try d.string() }
        let first = try d.int(), count = try d.int()
        guard first + count <= paragraphCount else { throw d.corrupt("paragraph range out of bounds") }
        return StoredDocument(metadata: DocumentMetadata(id: id, symbol: symbol, language: language, title: title,
                                                         source: source, extra: extra),
                              contentHash: hash, firstParagraph: first, paragraphCount: count)
    }

    /// Paragraph `paragraph`'s stored record without its leading document index, and that index
    /// — for a merge, which copies records without decoding their text.
    func rawParagraph(_ paragraph: Int) throws -> (document: Int, rest: UnsafeRawBufferPointer) {
        guard paragraph >= 0 && paragraph < paragraphCount else {
            throw ParaError(.corrupt, file: storedFile.path, "paragraph \(paragraph) out of range")
        }
        // A record ends where the next one starts: the next paragraph, else the first
        // document, else the offset tables.
        func offset(_ entry: Int) throws -> Int {
            var t = ByteReader(storedFile.bytes, from: entry, to: entry + 8, file: storedFile.path)
            return Int(clamping: try t.u64())
        }
        let start = try offset(paragraphTable + 8 * paragraph)
        let end = paragraph + 1 < paragraphCount ? try offset(paragraphTable + 8 * (paragraph + 1))
                : documentCount > 0 ? try offset(documentTable) : paragraphTable
        guard start <= end, end <= paragraphTable else {
            throw ParaError(.corrupt, file: storedFile.path, "index file is damaged: paragraph record \(paragraph) out of range")
        }
        var r = ByteReader(storedFile.bytes, from: start, to: end, file: storedFile.path)
        let document = try r.int(max: documentCount)
        return (document, try r.bytes(end - r.offset))
    }

    /// Document `index`'s stored record up to its paragraph range, and that range — for a
    /// merge, which copies the metadata without decoding it.
    func rawDocument(at index: Int) throws -> (metadata: UnsafeRawBufferPointer, firstParagraph: Int, paragraphCount: Int) {
        guard index >= 0 && index < documentCount else {
            throw ParaError(.corrupt, file: storedFile.path, "document \(index) out of range")
        }
        var t = ByteReader(storedFile.bytes, from: documentTable + 8 * index, to: documentTable + 8 * documentCount, file: storedFile.path)
        let start = Int(clamping: try t.u64())
        var d = ByteReader(storedFile.bytes, from: start, to: paragraphTable, file: storedFile.path)
        _ = try d.bytes(try d.int())                      // id
        let symbol = try d.int()                          // string?: length + 1, or 0 for none
        if symbol > 0 { _ = try d.bytes(symbol - 1) }
        for _ in 0..<4 { _ = try d.bytes(try d.int()) }   // language, title, source, content hash
        for _ in 0..<(try d.int()) { _ = try d.bytes(try d.int()); _ = try d.bytes(try d.int()) }
        let metadataEnd = d.offset
        let first = try d.int(), count = try d.int()
        guard first + count <= paragraphCount else { throw d.corrupt("paragraph range out of bounds") }
        return (UnsafeRawBufferPointer(rebasing: storedFile.bytes[start..<metadataEnd]), first, count)
    }

    /// The stored paragraph with local id `paragraph`.
    package func paragraph(_ paragraph: Int) throws -> Paragraph {
        guard paragraph >= 0 && paragraph < paragraphCount else {
            throw ParaError(.corrupt, file: storedFile.path, "paragraph \(paragraph) out of range")
        }
        var r = ByteReader(storedFile.bytes, from: paragraphTable + 8 * paragraph, to: documentTable, file: storedFile.path)
        let offset = Int(clamping: try r.u64())
        var p = ByteReader(storedFile.bytes, from: offset, to: paragraphTable, file: storedFile.path)
        _ = try p.int()
        let ordinal = try p.int()
        let number = try p.optionalString()
        var headings: [String] = []
        for _ in 0..<(try p.int()) { headings.append(try p.string()) }
        let text = try p.string()
        var pages: [Int] = []
        for _ in 0..<(try p.int()) { pages.append(try p.int()) }
        var notes: [Note] = []
        for _ in 0..<(try p.int()) { notes.append(Note(mark: try p.string(), text: try p.string())) }
        return Paragraph(ordinal: ordinal, number: number, headings: headings, text: text, pages: pages, notes: notes)
    }

    /// Block `block`'s first term against `term`, in byte order: <0, 0, >0.
    private func compareToFirstTerm(of block: Int, _ term: [UInt8], key: UInt64) -> Int {
        if blockKeys[block] != key { return blockKeys[block] < key ? -1 : 1 }
        let first = UnsafeRawBufferPointer(rebasing: termsFile.bytes[blockFirstTerms[block]])
        return term.withUnsafeBytes { compareBytes(first, $0) }
    }

    /// A term's first 8 bytes, big-endian, zeros after its end: two terms whose keys differ
    /// are in the order of their keys (equal keys say nothing).
    static func termKey<C: Collection>(_ term: C) -> UInt64 where C.Element == UInt8 {
        var key: UInt64 = 0
        var n = 0
        for byte in term.prefix(8) { key = key << 8 | UInt64(byte); n += 1 }
        return n == 0 ? 0 : key << (8 * (8 - n))
    }

    /// Looks a term up in the dictionary: binary search over the block index, then a scan of
    /// one prefix-compressed block.
    package func lookup(_ term: [UInt8]) throws -> TermInfo? {
        let key = Self.termKey(term)
        var lo = 0, hi = blockFirstTerms.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareToFirstTerm(of: mid, term, key: key) <= 0 { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        var found: TermInfo? = nil
        try scanBlock(lo - 1) { name, info in
            let c = compareTerms(name, term)
            if c == 0 { found = try resolved(info); return false }
            return c < 0
        }
        return found
    }

    /// Calls `body` with every term that starts with `prefix`, in byte order.
    package func terms(withPrefix prefix: [UInt8], _ body: ([UInt8], TermInfo) throws -> Void) throws {
        let key = Self.termKey(prefix)
        var lo = 0, hi = blockFirstTerms.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareToFirstTerm(of: mid, prefix, key: key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        var block = max(0, lo - 1)
        var done = false
        while block < blockFirstTerms.count && !done {
            try scanBlock(block) { name, info in
                if name.starts(with: prefix) { try body(name, try resolved(info)); return true }
                if compareTerms(prefix, name) < 0 { done = true; return false }
                return true
            }
            block += 1
        }
    }

    /// The bigrams of text (terms of two characters, not section terms) that end with
    /// `character`, one scalar's UTF-8. The dictionary is sorted by first character, so these
    /// are scattered through it: the first call indexes every bigram by its last character
    /// (one pass over the names, about 3 bytes a bigram kept), later calls look them up.
    package func bigrams(endingWith character: ArraySlice<UInt8>) throws -> [[UInt8]] {
        @Sendable func key<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
            bytes.reduce(0) { $0 << 8 | UInt32($1) }
        }
        @Sendable func scalarLength(_ lead: UInt8) -> Int { lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4 }
        let index = try endingCache.get {
            // The blocks in two halves on the two cores (a process's first query of a lone
            // character waits for this pass), joined in dictionary order.
            let blocks = blockFirstTerms.count
            let parts = blocks >= 64 ? 2 : 1
            let halves = Mutex<[Int: Result<[UInt32: [UInt8]], Error>]>([:])
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var index: [UInt32: [UInt8]] = [:]
                let result = Result { () throws -> [UInt32: [UInt8]] in
                    for block in (blocks * part / parts)..<(blocks * (part + 1) / parts) {
                        try scanBlock(block) { name, _ in
                            guard let lead = name.first, lead != IndexFormat.sectionMark, lead >= 0xC0 else { return true }
                            let n = scalarLength(lead)
                            guard n < name.count, n + scalarLength(name[n]) == name.count else { return true }
                            index[key(name[n...]), default: []].append(contentsOf: name[..<n])
                            return true
                        }
                    }
                    return index
                }
                halves.withLock { $0[part] = result }
            }
            // (Taken out of the lock's table, not copied: the first append would copy it all.)
            var index = try halves.withLock { $0.removeValue(forKey: 0)! }.get()
            if parts == 2 {
                for (k, firsts) in try halves.withLock({ $0.removeValue(forKey: 1)! }).get() {
                    index[k, default: []].append(contentsOf: firsts)
                }
            }
            return index
        }
        guard character.count <= 4, let firsts = index[key(character)] else { return [] }
        var out: [[UInt8]] = []
        var i = 0
        while i < firsts.count {
            let n = min(scalarLength(firsts[i]), firsts.count - i)
            out.append(Array(firsts[i..<(i + n)]) + character)
            i += n
        }
        return out
    }

    /// Calls `body` with every term (for expansions that cannot use a prefix).
    package func allTerms(_ body: ([UInt8], TermInfo) throws -> Void) throws {
        for block in blockFirstTerms.indices {
            try scanBlock(block) { name, info in try body(name, try resolved(info)); return true }
        }
    }

    var blockCount: Int { blockOffsets.count }

    /// The terms of dictionary block `index`, in order.
    func block(_ index: Int) throws -> [([UInt8], TermInfo)] {
        var out: [([UInt8], TermInfo)] = []
        try scanBlock(index) { name, info in out.append((name, try resolved(info))); return true }
        return out
    }

    /// `info` with its bounds filled in: a term in one paragraph stores them only in its posting
    /// (`doc << 1 | frequency == 1`, then the frequency if not 1) and the norms.
    private func resolved(_ info: TermInfo) throws -> TermInfo {
        guard info.documentFrequency == 1 else { return info }
        var p = ByteReader(postingsFile.bytes, from: info.postings.lowerBound, to: info.postings.upperBound, file: postingsFile.path)
        let v = try p.varint()
        guard v >> 1 < UInt64(paragraphCount) else { throw p.corrupt("paragraph out of range") }
        var out = info
        out.maxFrequency = v & 1 == 1 ? 1 : try p.int(max: longestParagraph)
        out.minLength = length(of: Int(v >> 1))
        guard out.maxFrequency > 0 else { throw p.corrupt("frequency 0") }
        return out
    }

    /// Decodes block `index`, calling `visit` until it returns false (bounds of one-paragraph
    /// terms not yet filled in: see `resolved`).
    private func scanBlock(_ index: Int, _ visit: ([UInt8], TermInfo) throws -> Bool) throws {
        let start = blockOffsets[index]
        var r = ByteReader(termsFile.bytes, from: start.terms, to: termsBody.upperBound, file: termsFile.path)
        let count = try r.int(max: IndexFormat.termsPerBlock)
        var name: [UInt8] = []
        let postingsEnd = postingsFile.bytes.count - IndexFormat.footerSize
        let positionsEnd = positionsFile.bytes.count - IndexFormat.footerSize
        var po = start.postings, qo = start.positions
        for _ in 0..<count {
            let lengths = try r.u8()
            let shared = lengths == 0xFF ? try r.int(max: name.count) : Int(lengths >> 4)
            let suffix = lengths == 0xFF ? try r.int() : Int(lengths & 0x0F)
            guard shared <= name.count else { throw r.corrupt("prefix longer than the previous term") }
            name.removeSubrange(shared...)
            name.append(contentsOf: try r.bytes(suffix))
            let df = try r.int(max: paragraphCount)
            let pl = try r.int(max: postingsEnd), ql = try r.int(max: positionsEnd)
            guard po + pl <= postingsEnd, qo + ql <= positionsEnd, df > 0 else {
                throw r.corrupt("term data out of range")
            }
            // A term in one paragraph gets its bounds from its posting, in `resolved`, once a
            // caller wants it: not for every entry a look-up passes over.
            let maxFreq = df > 1 ? try r.int(max: longestParagraph) : 0
            let minLength = df > 1 ? try r.int(max: longestParagraph) : 0
            guard df == 1 || maxFreq > 0 else { throw r.corrupt("term data out of range") }
            let info = TermInfo(documentFrequency: df, postings: po..<(po + pl), positions: qo..<(qo + ql),
                                maxFrequency: maxFreq, minLength: minLength)
            po += pl
            qo += ql
            if try !visit(name, info) { return }
        }
    }

    /// A cursor over a term's postings.
    package func cursor(_ info: TermInfo) -> PostingsCursor {
        PostingsCursor(postings: postingsFile.bytes, range: info.postings, positions: positionsFile.bytes,
                       positionsRange: info.positions, documentFrequency: info.documentFrequency,
                       maxFrequency: info.maxFrequency, minLength: info.minLength, paragraphCount: paragraphCount,
                       file: postingsFile.path, owner: self)
    }
}

/// Byte order of two terms (−1, 0, 1): the dictionary's order, compared without the generic
/// sequence machinery (a look-up makes a few dozen of these).
@inline(__always)
func compareTerms(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) } }
}

/// Read-only view of a segment's paragraph lengths (2 or 4 bytes each, see `.norms`).
/// Valid while its ``SegmentReader`` lives; the reader checked the table's size at open.
@frozen
package struct NormsView {
    /// The first length; `count` lengths of 4 bytes (`wide`) or 2.
    package let base: UnsafeRawPointer
    package let wide: Bool
    package let count: Int
    /// The reader whose mapped file `base` points into, held so that the mapping lives as
    /// long as the view.
    let owner: SegmentReader

    /// The paragraph's length (0 for an id outside the segment).
    @inlinable
    package func length(of paragraph: Int) -> Int {
        guard paragraph >= 0 && paragraph < count else { return 0 }
        return wide ? Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * paragraph, as: UInt32.self)))
                    : Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * paragraph, as: UInt16.self)))
    }
}

/// A value computed on first use and kept, shared safely between threads (readers and
/// searchers are used from many): the lock is held while it is made.
package final class OnceCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    package init() {}

    /// The value, if it is made.
    package var current: Value? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Keeps `value` unless one is made already (made elsewhere, without holding the lock).
    package func offer(_ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        if self.value == nil { self.value = value }
    }

    package func get(_ make: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let v = try make()
        value = v
        return v
    }
}

/// Takes a value so that the reads that made it are not optimised away.
@inline(never) @_optimize(none)
private func keep(_ value: UInt8) {}
