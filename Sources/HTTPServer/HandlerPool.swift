import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads that run handlers and body consumers, off the event loops and off
/// Swift's cooperative pool, so they may block on SQLite, fsync or hashing.
///
/// New requests are refused (the caller answers 503) once `maxQueued` jobs wait; jobs that
/// continue a request already admitted (body chunks, `finish`, `abort`) are always queued,
/// since dropping one would break the consumer's call sequence.
final class HandlerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var stopped = false
        var busy = 0
        var queued: Int { jobs.count - head }
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let maxQueued: Int
    private let threadCount: Int

    init(threads: Int, maxQueued: Int) {
        self.threadCount = max(1, threads)
        self.maxQueued = maxQueued
    }

    func start(name: String) {
        for i in 0..<threadCount {
            let t = Thread { [self] in self.work() }
            t.name = "\(name)-\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Queues a job that starts a new request; false when the queue is full.
    func submit(_ job: @escaping Job) -> Bool { enqueue(job, force: false) }

    /// Queues a job that continues an admitted request; never refused (until stopped).
    func submitContinuation(_ job: @escaping Job) { _ = enqueue(job, force: true) }

    /// Jobs waiting and running, for diagnostics.
    var load: (queued: Int, busy: Int) { state.withLock { ($0.queued, $0.busy) } }

    private func enqueue(_ job: @escaping Job, force: Bool) -> Bool {
        let ok = state.withLock { s -> Bool in
            if s.stopped || (!force && s.queued >= maxQueued) { return false }
            s.jobs.append(job)
            return true
        }
        if ok { available.signal() }
        return ok
    }

    /// Lets the threads finish queued jobs and exit; does not wait for them.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<threadCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let job: Job? = state.withLock { s in
                guard s.head < s.jobs.count else { return nil }
                let j = s.jobs[s.head]
                s.head += 1
                s.busy += 1
                if s.head > 256 && s.head * 2 > s.jobs.count {
                    s.jobs.removeFirst(s.head)
                    s.head = 0
                }
                return j
            }
            guard let job else {
                if state.withLock({ $0.stopped }) { return }
                continue
            }
            job()
            state.withLock { $0.busy -= 1 }
        }
    }
}
