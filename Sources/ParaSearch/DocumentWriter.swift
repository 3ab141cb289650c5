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
/// A writer is `Sendable`: tasks may share one, each call taking its lock in turn.
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
    private let state: Mutex<State>

    private struct State {
        var writer: IndexWriter?
        /// The staged change of each id since the last commit: a document, or nil to delete.
        var staged: [String: IndexableDocument?] = [:]
    }

    /// Opens (creating it if needed) the index in `directory` for writing.
    ///
    /// - Throws: ``ParaError`` of kind ``ParaError/Kind/locked`` when another writer holds the
    ///   index, ``ParaError/Kind/incompatible`` when it was built by another version, `io` when
    ///   the directory cannot be made.
    public init(directory: String) throws {
        self.directory = directory
        let writer = try IndexWriter(directory: directory)
        state = Mutex(State(writer: writer))
    }

    deinit { close() }

    /// Stages `document` to replace the document with the same id (or to be added).
    ///
    /// Its ``DocumentMetadata/source`` is stored as its id: that is what a later `put` or
    /// `delete` of the id replaces. `contentHash` is yours to keep (a version, a checksum);
    /// without one, a hash of the document's text is stored.
    ///
    /// - Throws: ``ParaError`` of kind ``ParaError/Kind/invalidRequest`` for a document
    ///   without an id, or after ``close()``.
    public func put(_ document: ExtractedDocument, contentHash: String? = nil) throws {
        let id = document.metadata.id
        guard !id.isEmpty else { throw ParaError(.invalidRequest, file: directory, "a document needs an id") }
        var stored = document
        stored.metadata.source = id
        let hash = contentHash ?? Self.hash(of: stored)
        try state.withLock { state in
            guard state.writer != nil else { throw Self.closed(directory) }
            state.staged[id] = IndexableDocument(document: stored, contentHash: hash)
        }
    }

    /// Stages the removal of the document `id` (nothing happens at commit if there is none).
    public func delete(id: String) throws {
        try state.withLock { state in
            guard state.writer != nil else { throw Self.closed(directory) }
            state.staged[id] = .some(nil)
        }
    }

    /// How many changes are staged for the next commit.
    public var stagedChanges: Int { state.withLock { $0.staged.count } }

    /// Writes the staged changes and publishes them at once; returns the new commit's
    /// generation (``IndexSnapshot/generation``). With nothing staged, nothing is written.
    ///
    /// - Throws: ``ParaError`` (`io` when a file cannot be written). A failed commit leaves
    ///   the last commit readable and the writer unusable: open a new one.
    @discardableResult
    public func commit() throws -> Int {
        try state.withLock { state in
            guard let writer = state.writer else { throw Self.closed(directory) }
            if state.staged.isEmpty && !writer.hasChanges { return writer.committedGeneration }
            // Ids in order, so that a commit of the same changes writes the same files.
            for id in state.staged.keys.sorted() {
                if let document = state.staged[id]! {
                    try writer.replace(source: id, with: [document])
                } else {
                    writer.remove(source: id)
                }
            }
            state.staged = [:]
            return try writer.commit().generation
        }
    }

    /// Opens the latest commit for searching (see ``Searcher``).
    public func snapshot() throws -> IndexSnapshot {
        try IndexSnapshot.open(directory: directory)
    }

    /// Lets go of the index's write lock; staged changes not committed are dropped. Later
    /// calls throw. (Also done when the writer is released.)
    public func close() {
        state.withLock { state in
            state.writer?.close()
            state.writer = nil
            state.staged = [:]
        }
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
