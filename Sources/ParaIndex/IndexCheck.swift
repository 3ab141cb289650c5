import Foundation
import ParaCore
import ParaAnalysis

/// What `check` found: the problems (each naming the file), and what was examined.
package struct IndexCheckReport: Sendable {
    /// Everything that is wrong, each naming the file; empty for a sound index.
    package var problems: [ParaError] = []
    package var generation = 0
    package var segments = 0
    package var documents = 0
    package var paragraphs = 0
    /// Postings read in the full walk of every term.
    package var postings = 0
    /// Paragraphs whose postings were derived again from their stored text and compared.
    package var paragraphsRederived = 0
    /// Segments whose own files are damaged (what `--repair` drops); problems of the manifest
    /// or between segments are not counted here.
    package var damagedSegments: Set<String> = []

    package var isSound: Bool { problems.isEmpty }
}

/// Verifies a whole index, as a reader never does on its hot path:
/// - the manifest, and every file's header, footer and checksum (opening each segment);
/// - each segment's counts against the manifest, its documents' paragraph ranges against its
///   paragraphs, and the sum of lengths against the stored total;
/// - every term's postings, walked to the end: paragraph ids in range and increasing, as many
///   as the term's document frequency, and per paragraph the frequencies adding up to its length;
/// - a sample of paragraphs (all of a small segment) analysed again from their stored text and
///   notes: each term must be found with the same frequency and positions;
/// - no source file's documents live in two segments.
package enum IndexCheck {
    /// Checks the newest commit. A writer may commit meanwhile: when the manifest changed
    /// during the check, it starts again on the new one (a few times), so that the segments
    /// a commit deleted are not taken for damage.
    package static func run(directory: String, sample: Int = 500) -> IndexCheckReport {
        var report = once(directory: directory, sample: sample)
        for _ in 0..<5 where !report.isSound {
            guard let now = try? Manifest.read(directory: directory), now.generation != report.generation else { break }
            report = once(directory: directory, sample: sample)
        }
        return report
    }

    /// Checks the commit that `manifestFile` (`manifest`, or `manifest.previous`) describes.
    static func once(directory: String, sample: Int, manifestFile: String = Manifest.fileName) -> IndexCheckReport {
        var report = IndexCheckReport()
        let manifest: Manifest
        do {
            guard let m = try Manifest.read(directory: directory, fileName: manifestFile) else {
                report.problems.append(ParaError(.notFound, file: directory, "no index here"))
                return report
            }
            manifest = m
        } catch let e as ParaError {
            report.problems.append(e)
            return report
        } catch {
            report.problems.append(ParaError(.corrupt, file: directory + "/" + Manifest.fileName, "\(error)"))
            return report
        }
        report.generation = manifest.generation
        report.segments = manifest.segments.count
        if manifest.analyzer != Analyzer.identity {
            report.problems.append(ParaError(.incompatible, file: directory + "/" + Manifest.fileName,
                                             "built with analyzer '\(manifest.analyzer)', not '\(Analyzer.identity)'"))
            return report
        }
        var documentsSeen: [String: String] = [:]    // source and id → segment it lives in
        let session = AnalysisSession()
        for entry in manifest.segments {
            let base = directory + "/" + entry.name
            let segment: SegmentReader
            do {
                segment = try SegmentReader(directory: directory, name: entry.name, residency: .sequentialOnce)
            } catch let e as ParaError {
                report.problems.append(e)
                report.damagedSegments.insert(entry.name)
                continue
            } catch {
                report.problems.append(ParaError(.corrupt, file: base, "\(error)"))
                report.damagedSegments.insert(entry.name)
                continue
            }
            report.documents += segment.documentCount
            report.paragraphs += segment.paragraphCount
            func problem(_ ext: String, _ message: String) {
                report.problems.append(ParaError(.corrupt, file: base + "." + ext, message))
                report.damagedSegments.insert(entry.name)
            }
            if entry.paragraphs != segment.paragraphCount || entry.documents != segment.documentCount {
                report.problems.append(ParaError(.corrupt, file: directory + "/" + Manifest.fileName,
                    "segment \(entry.name): the manifest says \(entry.paragraphs) paragraphs and \(entry.documents) documents, the segment holds \(segment.paragraphCount) and \(segment.documentCount)"))
            }
            // (This reader was opened without the manifest's list: it reads the languages from
            // the lengths file, or in version 4 from the records; below, each against its record.)
            if let listed = entry.languages, let held = try? segment.languages.map(\.rawValue).sorted(), listed != held {
                report.problems.append(ParaError(.corrupt, file: directory + "/" + Manifest.fileName,
                    "segment \(entry.name): the manifest says its documents are in \(listed.joined(separator: ", ")), they are in \(held.joined(separator: ", "))"))
            }
            // Documents cover the paragraphs in order, each paragraph pointing back at its own.
            do {
                var expectedFirst = 0
                // (In version 5 the lengths file also holds each document's language.)
                let codes: [UInt8]?
                do { codes = try segment.documentLanguageCodes } catch let e as ParaError {
                    // (The error names its file: the lengths file, or in version 4 the records.)
                    codes = nil
                    report.problems.append(e)
                    report.damagedSegments.insert(entry.name)
                }
                var mismatched = false
                for (i, d) in try segment.documents.enumerated() {
                    if let codes, codes[i] != Language.code(of: d.metadata.language), !mismatched {
                        problem("norms", "document \(i) is in \(d.metadata.language.rawValue), its language code in the lengths file is \(codes[i])")
                        mismatched = true
                    }
                    if d.firstParagraph != expectedFirst { problem("stored", "document \(i) starts at paragraph \(d.firstParagraph), expected \(expectedFirst)") }
                    expectedFirst = d.firstParagraph + d.paragraphCount
                    for p in d.firstParagraph..<min(expectedFirst, segment.paragraphCount) where segment.documentIndex(of: p) != i {
                        problem("norms", "paragraph \(p) points at document \(segment.documentIndex(of: p)), not \(i)")
                        break
                    }
                    // A file's documents may span segments (a flush between two of them), but one
                    // document lives once.
                    let identity = d.metadata.source + "\u{0}" + d.metadata.id
                    if let other = documentsSeen[identity], other != entry.name {
                        report.problems.append(ParaError(.corrupt, file: directory + "/" + Manifest.fileName,
                            "document \(d.metadata.id) of \(d.metadata.source) is live twice (\(other) and \(entry.name))"))
                    }
                    documentsSeen[identity] = entry.name
                }
                if expectedFirst != segment.paragraphCount { problem("stored", "documents cover \(expectedFirst) of \(segment.paragraphCount) paragraphs") }
            } catch let e as ParaError { report.problems.append(e) } catch { problem("stored", "\(error)") }

            var total: UInt64 = 0
            for p in 0..<segment.paragraphCount { total += UInt64(segment.length(of: p)) }
            if total != segment.totalLength { problem("norms", "paragraph lengths add up to \(total), the segment says \(segment.totalLength)") }

            // Every posting, against the lengths.
            var frequencySum = [Int](repeating: 0, count: segment.paragraphCount)
            // Section terms, not part of the lengths: checked against the sample below.
            var sectionSum = [Int](repeating: 0, count: segment.paragraphCount)
            var termsWithProblems = 0
            do {
                try segment.allTerms { term, info in
                    var cursor = segment.cursor(info)
                    var count = 0, last = -1
                    while cursor.doc != PostingsCursor.end {
                        if cursor.doc <= last || cursor.doc >= segment.paragraphCount || cursor.frequency < 1 { break }
                        // Section terms are not part of a paragraph's length.
                        if term.first != IndexFormat.sectionMark {
                            frequencySum[cursor.doc] += cursor.frequency
                        } else {
                            sectionSum[cursor.doc] += cursor.frequency
                        }
                        last = cursor.doc
                        count += 1
                        cursor.next()
                    }
                    report.postings += count
                    if cursor.isCorrupt || count != info.documentFrequency || cursor.doc != PostingsCursor.end {
                        termsWithProblems += 1
                        if termsWithProblems <= 5 {
                            problem("postings", "the postings of term '\(String(decoding: term, as: UTF8.self))' are damaged (\(count) read of \(info.documentFrequency))")
                        }
                    }
                }
            } catch let e as ParaError { report.problems.append(e) } catch { problem("terms", "\(error)") }
            if termsWithProblems > 5 { problem("postings", "\(termsWithProblems) terms in all have damaged postings") }
            if termsWithProblems == 0 {
                let wrong = (0..<segment.paragraphCount).filter { frequencySum[$0] != segment.length(of: $0) }
                if let first = wrong.first {
                    problem("norms", "\(wrong.count) paragraph lengths disagree with the postings (first: paragraph \(first), length \(segment.length(of: first)), postings \(frequencySum[first]))")
                }
            }

            // A sample of paragraphs, analysed again.
            let n = segment.paragraphCount
            let step = max(1, n / max(1, sample))
            var mismatches = 0
            for p in stride(from: 0, to: n, by: step) {
                guard let paragraph = try? segment.paragraph(p) else {
                    problem("stored", "paragraph \(p) cannot be read")
                    continue
                }
                let document = try? segment.document(at: segment.documentIndex(of: p))
                let root = document.flatMap { d in
                    SegmentWriter.sectionRoot(title: d.metadata.title,
                                              firstParagraph: d.firstParagraph == p ? paragraph : try? segment.paragraph(d.firstParagraph))
                }
                var byTerm: [[UInt8]: [Int]] = [:]
                var length = 0, sectionLength = 0
                SegmentWriter.forEachTerm(of: paragraph, root: root, session: session) { term, position, counted in
                    byTerm[Array(term), default: []].append(position)
                    if counted { length += 1 } else { sectionLength += 1 }
                }
                report.paragraphsRederived += 1
                // (Every posting of the paragraph was counted above unless a term's postings
                // were damaged, which is reported already.)
                var ok = document != nil && length == segment.length(of: p)
                    && (termsWithProblems > 0 || sectionLength == sectionSum[p])
                for (term, positions) in byTerm where ok {
                    guard let info = try? segment.lookup(term) else { ok = false; break }
                    var cursor = segment.cursor(info)
                    cursor.advance(to: p)
                    ok = cursor.doc == p && cursor.frequency == positions.count && cursor.positions() == positions.sorted()
                }
                if !ok {
                    mismatches += 1
                    if mismatches <= 3 { problem("postings", "paragraph \(p): its postings differ from its stored text analysed again") }
                }
            }
            if mismatches > 3 { problem("postings", "\(mismatches) sampled paragraphs in all differ from their stored text") }
        }
        return report
    }
}

/// What `check --repair` did.
package struct IndexRepairReport: Sendable {
    /// The generation rolled back to, when the newest commit was damaged and the one before
    /// it sound (and rolling back lost less than dropping damaged segments would).
    package var rolledBackTo: Int?
    /// Paragraphs of the newest commit the rollback gave up (added or changed since the
    /// previous one); nil when the newest commit's manifest could not be read to count them.
    package var paragraphsLost: Int? = 0
    /// Segments dropped as damaged, with what they held (from the manifest).
    package var droppedSegments: [(name: String, paragraphs: Int, documents: Int)] = []
    /// The check after the repair.
    package var after = IndexCheckReport()
}

/// Brings a damaged index back to a sound state, losing as little as it can:
/// - when the newest commit is damaged (or its manifest is) and the commit before it, which
///   writers keep with its files, is sound, it rolls back to it as a new commit — unless
///   dropping the damaged segments loses fewer paragraphs (a whole earlier state is preferred
///   when the loss is the same);
/// - otherwise it drops the segments whose files are damaged, with their documents (indexing
///   the same files again reads them, as they are no longer known);
/// - in both cases leftovers of dead runs are removed.
/// It holds the writer lock throughout, so no writer commits meanwhile.
package enum IndexRepair {
    package static func run(directory: String, sample: Int = 500) throws -> IndexRepairReport {
        var report = IndexRepairReport()
        var lock: WriterLock? = try WriterLock(path: directory + "/write.lock", directory: directory)
        defer { lock?.release() }
        let current: Manifest?
        do {
            current = try Manifest.read(directory: directory)
        } catch let e as ParaError where !isDamage(e) {
            throw e                                   // permission, too many files …: not damage
        } catch {
            current = nil
        }
        let previous: Manifest? = (try? Manifest.read(directory: directory, fileName: Manifest.previousFileName)) ?? nil
        guard let base = current ?? previous else {
            throw ParaError(.corrupt, file: directory, "no readable manifest here; rebuild the index with `parasearch index --rebuild`")
        }
        guard base.analyzer == Analyzer.identity else {
            throw ParaError(.incompatible, file: directory, "index was built with analyzer '\(base.analyzer)'; rebuild it with `parasearch index --rebuild`")
        }
        let check = current == nil ? nil : IndexCheck.run(directory: directory, sample: sample)
        if check?.isSound == true {
            lock?.release(); lock = nil
            try IndexWriter(directory: directory).close()        // removes the leftovers
            report.after = IndexCheck.run(directory: directory, sample: sample)
            return report
        }
        let damaged = check?.damagedSegments ?? []
        let dropLoss = (current?.segments ?? []).filter { damaged.contains($0.name) }.reduce(0) { $0 + $1.paragraphs }
        let rollbackLoss = current.map { c in c.segments.filter { s in !(previous?.segments ?? []).contains { $0.name == s.name } }.reduce(0) { $0 + $1.paragraphs } }
        if let previous, current == nil || rollbackLoss! <= dropLoss,
           IndexCheck.once(directory: directory, sample: sample, manifestFile: Manifest.previousFileName).isSound {
            // Roll back: publish the previous commit again as the newest generation, with
            // segment names past any in use, and keep it as the previous one too, so that a
            // failure here leaves a sound commit to roll back to.
            var restored = previous
            restored.generation = max(current?.generation ?? 0, previous.generation) + 1
            restored.nextSegment = max(restored.nextSegment, current?.nextSegment ?? 0)
            try restored.publish(directory: directory, keepingPrevious: true) {}
            report.rolledBackTo = previous.generation
            report.paragraphsLost = rollbackLoss
            lock?.release(); lock = nil
            try IndexWriter(directory: directory).close()        // removes the leftovers
        } else {
            guard current != nil else {
                throw ParaError(.corrupt, file: directory + "/" + Manifest.fileName, "the manifest is damaged and no sound earlier commit is kept; rebuild the index with `parasearch index --rebuild`")
            }
            lock?.release(); lock = nil
            // Opening a writer removes the leftovers of dead runs.
            let writer = try IndexWriter(directory: directory, discardingUnreadable: true)
            defer { writer.close() }
            report.droppedSegments = writer.unreadableSegments
            for s in current!.segments where damaged.contains(s.name) && !report.droppedSegments.contains(where: { $0.name == s.name }) {
                report.droppedSegments.append((s.name, s.paragraphs, s.documents))
            }
            writer.dropSegments(damaged)
            if writer.hasChanges { try writer.commit() }
            writer.close()
        }
        report.after = IndexCheck.run(directory: directory, sample: sample)
        return report
    }

    /// An error reading a file that says its bytes are wrong (not that it could not be opened).
    static func isDamage(_ e: ParaError) -> Bool {
        ["damaged", "truncated", "bad magic", "not the expected JSON", "no footer", "wrong kind"].contains { e.message.contains($0) }
    }
}
