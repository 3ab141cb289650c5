import Foundation
import Testing
import ParaTestSupport
@testable import ParaIndex
import ParaCore

/// Crash safety under failing writes: a realistic update sequence (add, replace, remove, add,
/// merge) is run once for every durable operation it makes, failing that operation as a full
/// disk would. Afterwards the newest commit that succeeded (or the one that failed after its
/// manifest was renamed into place) opens, passes `check`, and holds exactly its paragraphs;
/// the next writer cleans up and commits.
@Suite struct FaultTests {
    typealias Contents = [String: [String]]      // source → paragraph texts

    static func texts(_ tag: String, _ n: Int) -> [String] {
        (0..<n).map { "\(tag) paragraph \($0) on asset recovery 资产追回 and case \($0 % 7)." }
    }

    /// One writer session ending in a commit: files replaced (texts) or removed (nil), an
    /// optional merge of everything, and the contents after it.
    struct Step: Sendable {
        var name: String
        var changes: [(source: String, texts: [String]?)]
        var merge = false
        var after: Contents = [:]
    }

    static let steps: [Step] = {
        var state: Contents = [:]
        var out: [Step] = []
        for var step in [
            Step(name: "add", changes: [("a", texts("a1", 60)), ("b", texts("b1", 30))]),
            Step(name: "replace", changes: [("a", texts("a2", 45))]),
            Step(name: "remove", changes: [("b", nil)]),
            Step(name: "add more", changes: [("c", texts("c1", 20)), ("d", texts("d1", 25))]),
            Step(name: "merge", changes: [], merge: true),
        ] {
            for (source, texts) in step.changes { state[source] = texts }
            step.after = state.compactMapValues { $0 }
            out.append(step)
        }
        return out
    }()

    static func apply(_ step: Step, _ writer: IndexWriter) throws {
        if step.merge { writer.mergeAllSegments() }
        for (source, texts) in step.changes {
            if let texts {
                try writer.replace(source: source, with: [document(source, source: source, texts)])
            } else {
                writer.remove(source: source)
            }
        }
    }

    static func contents(_ dir: String) throws -> Contents? {
        guard IndexSnapshot.exists(directory: dir) else { return nil }
        let snapshot = try IndexSnapshot.open(directory: dir)
        var out: Contents = [:]
        for segment in snapshot.segments {
            for d in try segment.documents {
                out[d.metadata.source] = try (d.firstParagraph..<(d.firstParagraph + d.paragraphCount)).map { try segment.paragraph($0).text }
            }
        }
        return out
    }

    /// Runs the steps with the `failAt`-th operation failing; returns the operations counted,
    /// the index of the step that failed (nil: none) and the steps that succeeded.
    static func run(_ dir: String, failAt: Int) -> (operations: Int, failed: Int?) {
        FaultInjection.arm(directory: dir, failAt: failAt)
        var failed: Int? = nil
        for (i, step) in steps.enumerated() {
            do {
                let writer = try IndexWriter(directory: dir, memoryBudget: 64 << 10)
                defer { writer.close() }
                try apply(step, writer)
                try writer.commit()
            } catch {
                failed = i
                break
            }
        }
        return (FaultInjection.disarm(directory: dir), failed)
    }

    @Test func everyFailingWriteLeavesTheNewestCommitWhole() throws {
        let clean = temporaryDirectory()
        let total = Self.run(clean, failAt: Int.max).operations
        #expect(try Self.contents(clean) == Self.steps.last!.after)
        #expect(total > 40)
        var tried = 0
        for n in 1...total {
            let dir = temporaryDirectory("fault\(n)")
            let (_, failed) = Self.run(dir, failAt: n)
            let failedStep = try #require(failed, "operation \(n) of \(total) did not fail")
            tried += 1
            // Before the failing step, or the failing step itself when its manifest got renamed.
            let before: Contents? = failedStep == 0 ? nil : Self.steps[failedStep - 1].after
            let found = try Self.contents(dir)
            #expect(found == before || found == Self.steps[failedStep].after,
                    "operation \(n): step \(Self.steps[failedStep].name) failed and the index holds \(found.map { $0.mapValues(\.count) } ?? [:])")
            if found != nil {
                let check = IndexCheck.run(directory: dir, sample: 10)
                #expect(check.isSound, "operation \(n): \(check.problems)")
            }
            // The next writer removes what the failed one left and commits.
            let writer = try IndexWriter(directory: dir)
            try writer.replace(source: "z", with: [document("z", source: "z", ["after the failure"])])
            try writer.commit()
            writer.close()
            #expect(IndexCheck.run(directory: dir, sample: 10).isSound)
            // The newest commit's files and the previous commit's (kept for check --repair).
            var live = Set(try IndexSnapshot.open(directory: dir).segments.map(\.name))
            for s in (try Manifest.read(directory: dir, fileName: Manifest.previousFileName))?.segments ?? [] { live.insert(s.name) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { $0.hasPrefix("seg-") && !live.contains(String($0.split(separator: ".")[0])) }
            #expect(leftovers == [], "operation \(n): files left behind")
            try? FileManager.default.removeItem(atPath: dir)
        }
        #expect(tried == total)
    }
}
