import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads that run handlers and body consumers, off the event loops and off
/// Swift's cooperative pool, so they may block on SQLite, fsync or hashing.
///
/// New requests are refused (the caller answers 503) once `maxQueued` jobs wait; jobs that
/// continue a request already admitted (body chunks, `finish`, `abort`) are always queued,
/// since dropping one would break the consumer's call sequence.
///
/// One first-in-first-out queue on purpose. Running continuations (a push's handler once its
/// body is in) ahead of new requests was tried under `kandas-bench load` (issue 15): it filled the
/// threads with pushes waiting for the one SQLite writer, left cores idle and made the pulls' p99
/// worse in every alternate run.
final class HandlerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var stopped = false
        var busy = 0
        /// Threads blocked on the semaphore, and signals sent to them not yet consumed: a job
        /// only costs a futex wake when a thread is actually asleep.
        var idle = 0
        var wakeups = 0
        /// Threads spinning for a job outside the lock: each will take the lock again and take
        /// a queued job, so a job they can take costs no wake-up.
        var spinning = 0
        var queued: Int { jobs.count - head }
    }

    private let state = Mutex(State())
    /// Jobs queued, readable without the lock so an idle thread can spin briefly before
    /// sleeping: under load the next job usually arrives within microseconds, and a futex
    /// sleep plus wake per job costs more than the job itself.
    private let queuedHint = Atomic<Int>(0)
    private let available = DispatchSemaphore(value: 0)
    private let maxQueued: Int
    private let threadCount: Int

    static let spinLimit = 20_000
    /// What a taken job's slot holds until the queue is compacted.
    static let finished: Job = {}

    init(threads: Int, maxQueued: Int) {
        self.threadCount = max(1, threads)
        self.maxQueued = maxQueued
    }

    func start(name: String) {
        for i in 0..<threadCount {
            let t = Thread { [self] in self.work() }
            t.name = "\(name)-\(i)"
            // Handlers decode JSON and walk trees: give them a normal 8 MiB stack (virtual; only
            // touched pages count).
            t.stackSize = 8 << 20
            t.start()
        }
    }

    /// Queues a job that starts a new request; false when the queue is full.
    func submit(_ job: @escaping Job) -> Bool { enqueue(job, force: false) }

    /// Queues a job that continues an admitted request; never refused. Once the pool has
    /// stopped it runs on the caller's thread, so a consumer still gets its `abort`.
    func submitContinuation(_ job: @escaping Job) {
        if !enqueue(job, force: true) { job() }
    }

    /// Jobs waiting for a thread, read without the lock: handlers use it to see whether others
    /// are waiting behind them.
    var waiting: Int { max(0, queuedHint.load(ordering: .relaxed)) }

    /// Jobs waiting and running, for diagnostics.
    var load: (queued: Int, busy: Int) { state.withLock { ($0.queued, $0.busy) } }

    private func enqueue(_ job: @escaping Job, force: Bool) -> Bool {
        let (ok, wake) = state.withLock { s -> (Bool, Bool) in
            if s.stopped || (!force && s.queued >= maxQueued) { return (false, false) }
            s.jobs.append(job)
            queuedHint.add(1, ordering: .relaxed)
            // A spinner (or a thread already being woken) will take it: no futex wake. Waking a
            // sleeper anyway cost the event loop a futex call for most jobs of a polling server
            // (~4% of its CPU in perf), and the woken thread mostly found the job taken (issue 15).
            // Capping the spinners at one per two cores as well was tried: fewer wasted cycles
            // but slower hand-offs, fewer polls per second in alternating runs.
            guard s.idle > s.wakeups, s.queued > s.spinning + s.wakeups else { return (true, false) }
            s.wakeups += 1
            return (true, true)
        }
        if wake { available.signal() }
        return ok
    }

    /// Lets the threads finish queued jobs and exit; does not wait for them.
    func stop() {
        let sleeping = state.withLock { s -> Int in
            s.stopped = true
            let n = s.idle - s.wakeups
            s.wakeups = s.idle
            return n
        }
        for _ in 0..<max(0, sleeping) { available.signal() }
    }

    private func work() {
        var finished = false
        var spinning = false
        var spins = 0
        while true {
            enum Next {
                case run(Job)
                case spin
                case sleep
                case exit
            }
            let next: Next = state.withLock { s in
                if finished {
                    s.busy -= 1
                    finished = false
                }
                if spinning {
                    s.spinning -= 1
                    spinning = false
                }
                guard s.head < s.jobs.count else {
                    if s.stopped { return .exit }
                    if spins < HandlerPool.spinLimit {
                        s.spinning += 1
                        spinning = true
                        return .spin
                    }
                    s.idle += 1
                    return .sleep
                }
                spins = 0
                let j = s.jobs[s.head]
                // Release the slot now: the array is compacted only every few hundred jobs, and a
                // kept closure keeps its request alive (a 300 KB push body each: 256 of them were
                // most of the server's heap during a long push).
                s.jobs[s.head] = HandlerPool.finished
                s.head += 1
                s.busy += 1
                queuedHint.subtract(1, ordering: .relaxed)
                if s.head > 256 && s.head * 2 > s.jobs.count {
                    s.jobs.removeFirst(s.head)
                    s.head = 0
                }
                return .run(j)
            }
            switch next {
            case .run(let job):
                job()
                finished = true
            case .spin:
                while spins < HandlerPool.spinLimit && queuedHint.load(ordering: .relaxed) == 0 { spins += 1 }
                if spins >= HandlerPool.spinLimit { spins = HandlerPool.spinLimit }
            case .sleep:
                spins = 0
                available.wait()
                state.withLock { s in
                    s.idle -= 1
                    s.wakeups -= 1
                }
            case .exit:
                return
            }
        }
    }
}
