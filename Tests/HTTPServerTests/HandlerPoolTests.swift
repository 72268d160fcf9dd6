import Dispatch
import Foundation
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

extension HandlerPoolTests {
    /// `waiting` (what a pull handler reads to shrink its page) counts the jobs no thread has taken.
    @Test func waiting_countsTheJobsNoThreadHasTaken() {
        let pool = HandlerPool(threads: 1, maxQueued: 8)
        #expect(pool.waiting == 0)
        #expect(pool.submit {})
        pool.submitContinuation {}
        #expect(pool.waiting == 2)
        pool.stop()
    }
}

extension HandlerPoolTests {
    /// A job queued while threads spin wakes no sleeper: whatever the mix of spinning, sleeping and
    /// busy threads, every job still runs (bursts from several submitters, pauses between them so
    /// that threads go back to sleep).
    @Test func everyJobRuns_whetherThreadsSpinSleepOrWork() {
        let pool = HandlerPool(threads: 4, maxQueued: 100_000)
        pool.start(name: "test-pool")
        defer { pool.stop() }
        let done = DispatchSemaphore(value: 0)
        for round in 0..<6 {
            let submitters = 3
            let perSubmitter = 200 * (round + 1)
            let group = DispatchGroup()
            for _ in 0..<submitters {
                group.enter()
                Thread.detachNewThread {
                    for _ in 0..<perSubmitter { pool.submitContinuation { done.signal() } }
                    group.leave()
                }
            }
            group.wait()
            for _ in 0..<(submitters * perSubmitter) { done.wait() }
            // Long enough for idle threads to stop spinning and sleep before the next burst.
            if round % 2 == 1 { usleep(50_000) }
        }
        #expect(pool.waiting == 0)
    }
}
