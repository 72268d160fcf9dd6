import Dispatch
import Synchronization
import Testing

@testable import HTTPServer

/// The handler threads' job queue.
@Suite struct HandlerPoolTests {
    final class Payload: Sendable {}

    /// A job that finished must not keep what it captured (a request and its body) until the
    /// queue happens to be compacted.
    @Test func finishedJob_releasesWhatItCaptured() {
        let pool = HandlerPool(threads: 1, maxQueued: 16)
        pool.start(name: "test-pool")
        defer { pool.stop() }
        let ran = DispatchSemaphore(value: 0)
        weak var weakPayload: Payload?
        do {
            let payload = Payload()
            weakPayload = payload
            let job: HandlerPool.Job = {
                _ = payload
                ran.signal()
            }
            let queued = pool.submit(job)
            #expect(queued)
        }
        ran.wait()
        // One thread: when the second job runs, the first one's iteration is over.
        let second = pool.submit { ran.signal() }
        #expect(second)
        ran.wait()
        #expect(weakPayload == nil)
    }

    @Test func jobsBeyondTheQueueLimit_areRefused() {
        let pool = HandlerPool(threads: 1, maxQueued: 1)
        // Not started: nothing takes jobs, so the second one finds the queue full.
        let first = pool.submit {}
        let second = pool.submit {}
        #expect(first && !second)
        pool.stop()
    }
}

/// The two lanes: jobs that continue an admitted request before new requests, never starving them.
@Suite struct HandlerPoolLaneTests {
    /// Runs `jobs` (name, continuation?) queued on a stopped one-thread pool, then starts it: the
    /// order the thread took them.
    static func order(_ jobs: [(String, Bool)]) -> [String] {
        let pool = HandlerPool(threads: 1, maxQueued: 64)
        let taken = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        for (name, continuation) in jobs {
            let job: HandlerPool.Job = {
                taken.withLock { $0.append(name) }
                done.signal()
            }
            if continuation { pool.submitContinuation(job) } else { #expect(pool.submit(job)) }
        }
        #expect(pool.waiting == jobs.count)
        pool.start(name: "lane-test")
        for _ in jobs { done.wait() }
        pool.stop()
        return taken.withLock { $0 }
    }

    @Test func aContinuation_runsBeforeNewRequestsQueuedEarlier() {
        let order = Self.order([("new1", false), ("new2", false), ("push-handler", true)])
        #expect(order == ["push-handler", "new1", "new2"])
    }

    @Test func eachLane_isFirstInFirstOut() {
        let order = Self.order([("new1", false), ("c1", true), ("new2", false), ("c2", true)])
        #expect(order == ["c1", "c2", "new1", "new2"])
    }

    @Test func aWaitingNewRequest_goesAfterAtMostFourContinuationsInARow() {
        var jobs = [("new1", false)]
        for i in 1...6 { jobs.append(("c\(i)", true)) }
        jobs.append(("new2", false))
        let order = Self.order(jobs)
        #expect(HandlerPool.continuationRun == 4)
        #expect(order == ["c1", "c2", "c3", "c4", "new1", "c5", "c6", "new2"])
    }

    @Test func aFullQueue_refusesNewRequestsButStillTakesContinuations() {
        let pool = HandlerPool(threads: 1, maxQueued: 1)
        let ran = Mutex(false)
        #expect(pool.submit {})
        #expect(!pool.submit {})
        pool.submitContinuation { ran.withLock { $0 = true } }
        #expect(pool.waiting == 2)
        pool.stop()
        // A stopped pool still lets its threads finish queued jobs; none started, so nothing ran.
        #expect(!ran.withLock { $0 })
    }
}
