import Foundation
import Synchronization

/// The machine's second core, lent to one search at a time: a query's translation is searched
/// there while the caller searches the query itself (see
/// ``Searcher/rankAcrossLanguages(_:_:options:)``). Lent only to a search that runs alone in
/// the process, so that searches on several threads (a server, the bench's two threads) never
/// compete with it for the cores they already use.
///
/// The worker is a thread of its own that waits for work by spinning, yielding, for a while (on
/// a virtual machine, a thread woken from sleep takes tens of microseconds to start: as long as
/// the translated walk of a median query) and then sleeps; the caller waits for the result
/// the same way. A process allowed one core (its affinity, its container's quota) has no
/// worker.
final class SecondCore: @unchecked Sendable {
    /// The worker, when the process may run on two cores or more.
    static let shared: SecondCore? = availableCores() >= 2 ? SecondCore() : nil

    /// The cores this process may use: the machine's, fewer when its affinity mask or its
    /// container's CPU quota (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`) allows fewer.
    static func availableCores() -> Int {
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        return availableCores(machine: ProcessInfo.processInfo.activeProcessorCount, status: read("/proc/self/status"),
                              quota: read("/sys/fs/cgroup/cpu.max")
                                  ?? read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").flatMap { q in
                                      read("/sys/fs/cgroup/cpu/cpu.cfs_period_us").map { q + " " + $0 } })
    }

    /// ``availableCores()`` from the texts it reads: `status` as `/proc/self/status` gives it
    /// (`Cpus_allowed:` the affinity mask in hexadecimal, in groups split by commas), `quota`
    /// as `quota period` (microseconds; `max` or a negative quota: none).
    static func availableCores(machine: Int, status: String?, quota: String?) -> Int {
        var cores = machine
        if let line = status?.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let mask = line.dropFirst("Cpus_allowed:".count).filter(\.isHexDigit)
            let allowed = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
            if allowed > 0 { cores = min(cores, allowed) }
        }
        let parts = quota?.split(whereSeparator: \.isWhitespace) ?? []
        if parts.count == 2, let limit = Double(parts[0]), limit > 0, let period = Double(parts[1]), period > 0 {
            cores = min(cores, Int(limit / period))
        }
        return cores
    }

    /// Searches running in the process now.
    static let searches = Atomic<Int>(0)

    /// How long the worker, and a caller waiting for it, spin before they sleep.
    static let spin: UInt64 = 2_000_000   // ns

    private let taken = Atomic<Bool>(false)
    private let posted = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The work posted: written before `posted` moves, read by the worker after it sees it move.
    private nonisolated(unsafe) var work: (() -> Void)? = nil

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "parasearch second core"
        thread.start()
    }

    /// How many times the core was lent (for tests).
    static let lent = Atomic<Int>(0)

    /// Runs `work` on the second core when it is free and no other search runs; nil (and
    /// nothing run) otherwise, for the caller to do the work itself. `always` (for tests):
    /// whatever else runs, waiting for the core if another search has it.
    static func lend(always: Bool = false, _ work: @escaping () -> Void) -> Lent? {
        guard let core = shared else { return nil }
        if always {
            while !core.taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { sched_yield() }
        } else {
            guard searches.load(ordering: .relaxed) == 1,
                  core.taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            else { return nil }
        }
        Self.lent.add(1, ordering: .relaxed)
        let lent = Lent(core: core)
        core.work = {
            work()
            lent.finish()
        }
        core.posted.add(1, ordering: .sequentiallyConsistent)
        if core.sleeping.load(ordering: .sequentiallyConsistent) { core.wake.signal() }
        return lent
    }

    private func serve() {
        var seen = 0
        while true {
            // Spin, then sleep, until work is posted.
            var waitedSince: UInt64? = nil
            var turns = 0
            while posted.load(ordering: .sequentiallyConsistent) == seen {
                // (Yielding: where the two threads share a core, the other one runs.)
                sched_yield()
                turns += 1
                if turns & 15 != 0 { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                if waitedSince == nil { waitedSince = now }
                // (Searches on two threads or more keep both cores busy: no spinning beside them.)
                if now - waitedSince! < Self.spin, Self.searches.load(ordering: .relaxed) < 2 { continue }
                sleeping.store(true, ordering: .sequentiallyConsistent)
                // (Posted between the check and the flag: the poster saw no sleeper.)
                if posted.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                sleeping.store(false, ordering: .sequentiallyConsistent)
                waitedSince = nil
            }
            seen = posted.load(ordering: .sequentiallyConsistent)
            let job = work
            work = nil
            job?()
        }
    }

    /// Work running on the second core.
    final class Lent: @unchecked Sendable {
        private let core: SecondCore
        private let done = Atomic<Bool>(false)
        private let waiting = Atomic<Bool>(false)
        private let woken = DispatchSemaphore(value: 0)

        fileprivate init(core: SecondCore) { self.core = core }

        fileprivate func finish() {
            // Free for the next search before the caller even looks.
            core.taken.store(false, ordering: .releasing)
            done.store(true, ordering: .sequentiallyConsistent)
            if waiting.load(ordering: .sequentiallyConsistent) { woken.signal() }
        }

        /// Returns once the work has run; meanwhile, walks what the work offers back through
        /// `slot` (``HelpSlot``), until it sleeps.
        func wait(helping slot: HelpSlot? = nil, sleeps: Bool = true) {
            var since: UInt64? = nil
            var turns = 0
            while !done.load(ordering: .sequentiallyConsistent) {
                slot?.help()
                sched_yield()
                turns += 1
                if turns & 15 != 0 { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                if since == nil { since = now }
                if now - since! < SecondCore.spin || !sleeps { continue }
                // (Asleep, it walks nothing: the second core walks what it would offer.)
                slot?.rest()
                waiting.store(true, ordering: .sequentiallyConsistent)
                if !done.load(ordering: .sequentiallyConsistent) { woken.wait() }
                return
            }
        }
    }
}

/// A relative floor (see ``SearchOptions/relativeFloor``) set while a walk runs: the
/// translated query's walk starts on the second core before the direct list that sets its
/// floor is known, and takes the floor up at its next window. Infinite: nothing more is
/// wanted, the walk stops.
final class SharedFloor: Sendable {
    private let bits = Atomic<UInt64>(0)
    private let kthBits = Atomic<UInt64>(0)

    var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    func set(_ floor: Double) { bits.store(floor.bitPattern, ordering: .relaxed) }

    /// The highest k-th score of the heaps of a walk split over two threads (see
    /// ``HelpSlot``): the merged top k's k-th is at least that, so each part prunes by it.
    var kth: Double { Double(bitPattern: kthBits.load(ordering: .relaxed)) }

    func raiseKth(_ score: Double) {
        // (Non-negative doubles order as their bit patterns do.)
        guard score > 0 else { return }
        var old = kthBits.load(ordering: .relaxed)
        while score.bitPattern > old {
            let (exchanged, now) = kthBits.compareExchange(expected: old, desired: score.bitPattern, ordering: .relaxed)
            if exchanged { return }
            old = now
        }
    }
}

/// The second part of a long walk, offered by the thread that walks the first (the second
/// core, searching a translated query) to the thread that would otherwise only wait for it
/// (the caller's, once its own query is searched): whichever comes first walks it.
final class HelpSlot: @unchecked Sendable {
    /// 0: nothing offered; 1: offered; 2: taken by the helper; 3: done by the helper.
    private let state = Atomic<Int>(0)
    private let helperWaiting = Atomic<Bool>(false)

    /// Whether the helper is waiting for work (it has nothing else to do).
    var isHelperWaiting: Bool { helperWaiting.load(ordering: .relaxed) }
    private var job: (() throws -> TopK)? = nil
    private var result: Result<TopK, Error>? = nil

    /// How many parts were offered (for tests).
    static let offered = Atomic<Int>(0)

    /// Offers `job` (nothing else offered and not taken back yet).
    func offer(_ job: @escaping () throws -> TopK) {
        Self.offered.add(1, ordering: .relaxed)
        self.job = job
        state.store(1, ordering: .releasing)
    }

    /// The helper's side, called again and again while it waits: walks the part offered, if
    /// one is and no one has taken it.
    func help() {
        helperWaiting.store(true, ordering: .relaxed)
        guard state.compareExchange(expected: 1, desired: 2, ordering: .acquiring).exchanged else { return }
        let job = self.job!
        result = Result { try job() }
        Self.helped.add(1, ordering: .relaxed)
        state.store(3, ordering: .releasing)
    }

    /// The helper's side, before it sleeps: offer nothing more.
    func rest() { helperWaiting.store(false, ordering: .relaxed) }

    /// How many parts the helper walked (for tests).
    static let helped = Atomic<Int>(0)

    /// The offerer's side, when its own walk failed: the part offered is no one's to walk
    /// (unless the helper has it already: it ends at its next window, or its end).
    func withdraw() {
        _ = state.compareExchange(expected: 1, desired: 0, ordering: .acquiring)
    }

    /// The offerer's side: the part's heap, walked here if no one has taken it, else waited for.
    func takeBack(leavingItToTheHelper: Bool = false) throws -> TopK {
        defer {
            job = nil
            result = nil
            state.store(0, ordering: .releasing)
        }
        // (Tests: the helper, which then never sleeps, walks every part offered.)
        while leavingItToTheHelper && state.load(ordering: .acquiring) == 1 { sched_yield() }
        if state.compareExchange(expected: 1, desired: 0, ordering: .acquiring).exchanged { return try job!() }
        while state.load(ordering: .acquiring) != 3 { sched_yield() }
        return try result!.get()
    }
}
