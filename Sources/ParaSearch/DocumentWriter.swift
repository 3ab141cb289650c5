import Foundation
import Synchronization
import ParaCore
import ParaIndex

/// Adds, replaces and deletes documents held in memory: the writer for a tool that embeds
/// ParaSearch and has its documents already in hand (notes, records, text from its own
/// reader), where ``Indexer`` reads files.
///
/// Documents are known by their id (``DocumentMetadata/id``): ``put(_:contentHash:)`` replaces
/// the document of the same id, ``delete(id:)`` removes it. Changes are staged in memory, the
/// last one per id winning, and become visible together at ``commit()``: a search reads the
/// snapshot it opened, never half a commit. One writer per index directory at a time — a lock
/// file keeps out other writers, other processes' included — while any number of snapshots
/// are searched.
///
/// A writer is `Sendable`: tasks may share one. Staging never waits for a commit: a commit
/// takes the changes staged when it starts and writes them while new ones are staged.
///
/// ```swift
/// let writer = try DocumentWriter(directory: "notes-index")
/// try writer.put(ExtractedDocument(
///     metadata: DocumentMetadata(id: "n1", language: .en, title: "Asset recovery", source: ""),
///     paragraphs: [Paragraph(ordinal: 1, number: "1", headings: [], text: "Stolen assets were returned.")]))
/// try writer.commit()
/// ```
public final class DocumentWriter: Sendable {
    /// The index directory.
    public let directory: String
    /// The staged change of each id since the last commit began: a document, or nil to delete.
    private let staged = Mutex<[String: IndexableDocument?]>([:])
    /// The index writer (nil once closed); held for a commit's I/O, never while staging.
    private let writer: Mutex<IndexWriter?>
    /// Set by ``close()``: staging checks it without waiting for a commit's lock.
    private let isClosed = Atomic<Bool>(false)

    /// Opens (creating it if needed) the index in `directory` for writing.
    ///
    /// - Throws: ``ParaError`` of kind ``ParaError/Kind/locked`` when another writer holds the
    ///   index; ``ParaError/Kind/incompatible`` when it was built by other analysis rules (its
    ///   documents would be lost: build it again from your documents in a new directory, or
    ///   with ``Indexer`` from files); `io` when the directory cannot be made.
    public init(directory: String) throws {
        self.directory = directory
        let writer = try IndexWriter(directory: directory)
        if let other = writer.builtByOtherRules {
            writer.close()
            throw ParaError(.incompatible, file: directory, "index was built with analyzer '\(other)', this ParaSearch uses another; put its documents into a new index")
        }
        self.writer = Mutex(writer)
    }

    deinit { close() }

    /// Stages `document` to replace the document with the same id (or to be added).
    ///
    /// Its ``DocumentMetadata/source`` is stored as its id: that is what a later `put` or
    /// `delete` of the id replaces. `contentHash` is yours to keep (a version, a checksum);
    /// without one, a hash of the document's text is stored.
    ///
    /// - Throws: ``ParaError`` of kind ``ParaError/Kind/invalidRequest`` for a document
    ///   without an id or without paragraphs, or after ``close()``.
    public func put(_ document: ExtractedDocument, contentHash: String? = nil) throws {
        let id = document.metadata.id
        guard !id.isEmpty else { throw ParaError(.invalidRequest, file: directory, "a document needs an id") }
        guard !document.paragraphs.isEmpty else {
            throw ParaError(.invalidRequest, file: directory, "document '\(id)' has no paragraphs (delete(id:) removes a document)")
        }
        try checkOpen()
        var stored = document
        stored.metadata.source = id
        let hash = contentHash ?? Self.hash(of: stored)
        // (Checked again under the lock: a close() between the two clears after this, or refuses.)
        try staged.withLock { s in
            if isClosed.load(ordering: .acquiring) { throw Self.closed(directory) }
            s[id] = IndexableDocument(document: stored, contentHash: hash)
        }
    }

    /// Stages the removal of the document `id` (nothing happens at commit if there is none).
    public func delete(id: String) throws {
        try checkOpen()
        try staged.withLock { s in
            if isClosed.load(ordering: .acquiring) { throw Self.closed(directory) }
            s[id] = .some(nil)
        }
    }

    /// How many changes are staged for the next commit.
    public var stagedChanges: Int { staged.withLock { $0.count } }

    /// Writes the staged changes and publishes them at once; returns the new commit's
    /// generation (``IndexSnapshot/generation``). With nothing staged, nothing is written.
    ///
    /// - Throws: ``ParaError`` (`io` when a file cannot be written). A failed commit publishes
    ///   nothing: the last commit stays readable, and the changes it was writing are staged
    ///   again (under any made since), so that a later `commit()` tries them again.
    @discardableResult
    public func commit() throws -> Int {
        try writer.withLock { slot in
            guard let current = slot else { throw Self.closed(directory) }
            let changes = staged.withLock { s in defer { s = [:] }; return s }
            if changes.isEmpty && !current.hasChanges { return current.committedGeneration }
            do {
                // Ids in order, so that a commit of the same changes writes the same files.
                for id in changes.keys.sorted() {
                    if let document = changes[id]! {
                        try current.replace(source: id, with: [document])
                    } else {
                        current.remove(source: id)
                    }
                }
                return try current.commit().generation
            } catch {
                // The index writer is spent (its state no longer matches the directory): a
                // fresh one starts from what was published, and the changes wait for the next try.
                current.close()
                slot = try? IndexWriter(directory: directory)
                if slot == nil { isClosed.store(true, ordering: .releasing) }
                staged.withLock { s in s.merge(changes) { newer, _ in newer } }
                throw error
            }
        }
    }

    /// Opens the latest commit for searching (see ``Searcher``).
    public func snapshot() throws -> IndexSnapshot {
        try IndexSnapshot.open(directory: directory)
    }

    /// Lets go of the index's write lock; staged changes not committed are dropped. Later
    /// calls throw. (Also done when the writer is released.)
    public func close() {
        isClosed.store(true, ordering: .releasing)
        writer.withLock { slot in
            slot?.close()
            slot = nil
        }
        staged.withLock { $0 = [:] }
    }

    private func checkOpen() throws {
        if isClosed.load(ordering: .acquiring) { throw Self.closed(directory) }
    }

    private static func closed(_ directory: String) -> ParaError {
        ParaError(.invalidRequest, file: directory, "this writer is closed")
    }

    /// A hash of what a search shows of the document: its metadata and paragraphs.
    private static func hash(of document: ExtractedDocument) -> String {
        var hasher = ContentHasher()
        func feed(_ s: String) {
            var copy = s + "\u{0}"
            copy.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        }
        let m = document.metadata
        for s in [m.id, m.symbol ?? "", m.language.rawValue, m.title] { feed(s) }
        for key in m.extra.keys.sorted() { feed(key); feed(m.extra[key]!) }
        for p in document.paragraphs {
            feed(String(p.ordinal)); feed(p.number ?? ""); feed(p.headings.joined(separator: "\u{1}")); feed(p.text)
            for n in p.notes { feed(n.mark); feed(n.text) }
            feed(p.pages.map(String.init).joined(separator: ","))
        }
        return hasher.value
    }
}
