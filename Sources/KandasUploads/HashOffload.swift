import Dispatch
import Foundation
import Synchronization

/// A few helper threads that hash a buffer while the calling thread writes it to disk.
///
/// Why: each PATCH buffer goes through `pwrite` and one or two SHA-256 passes (the whole file's,
/// plus the chunk's for `Upload-Checksum`). In series on one handler thread, hashing was the
/// upload path's bottleneck (the `kandas-bench uploads` checksum row ran at 0.75 of nginx).
/// ``run(_:side:main:)`` hands `side` to a free helper, runs `main` on the caller's thread, and
/// returns only when both are done, so the buffer (valid only during the engine's `consume`
/// call) and the hash state are never touched afterwards.
///
/// The hand-off is bounded: with every helper busy (more concurrent uploads than helpers) or a
/// small buffer (where waking a thread costs more than it saves), `side` runs inline. Helper
/// threads are plain threads (not Swift's cooperative pool), live for the whole process and
/// allocate nothing per job.
final class HashOffload: Sendable {
    /// Shared by every upload store of the process: two helpers cover a 2-4 core machine.
    static let shared = HashOffload(threads: 2)

    /// Below this, `side` runs inline: hashing 64 KiB takes about as long as a futex wake-up.
    static let minimumOffloadBytes = 64 * 1024

    private let idle: Mutex<[Helper]>

    init(threads: Int) {
        var helpers: [Helper] = []
        for i in 0..<max(0, threads) {
            let helper = Helper()
            let t = Thread { helper.loop() }
            t.name = "kandas-hash-\(i)"
            t.stackSize = 256 << 10
            t.start()
            helpers.append(helper)
        }
        idle = Mutex(helpers)
    }

    /// Runs `side` on a helper and `main` here, concurrently; returns when both have finished.
    ///
    /// - Parameters:
    ///   - bytes: the size of the work, to decide whether a hand-off pays.
    ///   - side: must not touch anything `main` touches (the caller passes disjoint state).
    func run(_ bytes: Int, side: () -> Void, main: () -> Void) {
        guard bytes >= Self.minimumOffloadBytes, let helper = idle.withLock({ $0.popLast() }) else {
            main()
            side()
            return
        }
        withoutActuallyEscaping(side) { escapable in
            helper.start(Job(body: escapable))
            main()
            // The helper drops its reference to the job before it signals, as
            // `withoutActuallyEscaping` requires.
            helper.waitDone()
        }
        idle.withLock { $0.append(helper) }
    }

    /// Runs `side` and `second` on helpers and `main` here, all concurrently; returns when all
    /// three have finished.
    ///
    /// Each side job gets its own helper while one is free and otherwise runs inline, as in
    /// ``run(_:side:main:)``; a nil `second` is the two-job form.
    func run(_ bytes: Int, side: () -> Void, second: (() -> Void)?, main: () -> Void) {
        guard let second else { return run(bytes, side: side, main: main) }
        run(bytes, side: side) {
            run(bytes, side: second, main: main)
        }
    }

    /// A closure handed to one helper.
    ///
    /// `@unchecked Sendable` invariant: the thread that hands it over waits for the helper to
    /// finish it before touching anything it captures again, so no state is shared while it runs.
    struct Job: @unchecked Sendable {
        let body: () -> Void
    }

    /// One thread with a one-job mailbox.
    final class Helper: Sendable {
        private let mailbox = Mutex<Job?>(nil)
        private let started = DispatchSemaphore(value: 0)
        private let finished = DispatchSemaphore(value: 0)

        func start(_ job: Job) {
            mailbox.withLock { $0 = job }
            started.signal()
        }

        func waitDone() { finished.wait() }

        func loop() {
            while true {
                started.wait()
                runJob()
                finished.signal()
            }
        }

        /// In its own frame so the job is released before `finished` is signalled.
        @inline(never)
        private func runJob() {
            let job = mailbox.withLock { $0.take() }
            job?.body()
        }
    }
}
