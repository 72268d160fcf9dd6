import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the bench started that must not outlive it: child processes (`kandas-server` instances,
/// `psql`, peers) and clean-ups (a PostgreSQL cluster's stop, a scratch folder).
///
/// `defer` blocks stop them when a benchmark returns or throws, but not when the bench itself is
/// killed: SIGTERM or SIGINT (Ctrl-C) ends the process without unwinding, and a `kandas-server`
/// child kept running (its parent gone, nobody to stop it). ``installSignalHandlers()`` catches
/// both signals on a dispatch queue: every adopted child gets SIGTERM (SIGKILL after 3 s), the
/// clean-ups run newest first, and the bench then dies of the same signal (exit status 128 + N).
enum Children {
    private struct State {
        var pids: Set<Int32> = []
        var cleanups: [(token: Int, body: @Sendable () -> Void)] = []
        var nextToken = 0
        var stopping = false
        /// Children between `run()` and ``adopt(_:)`` (see ``start(_:)``).
        var launching = 0
    }
    private static let state = Mutex(State())
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Catches SIGTERM and SIGINT for the rest of the process (call once, from `main`).
    static func installSignalHandlers() {
        for number in [SIGTERM, SIGINT] {
            // Ignored as a plain signal; delivered to the dispatch source instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopEverything(thenDieOf: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Starts `process` and tracks it until ``release(_:)``.
    ///
    /// A signal handled between `run()` and ``adopt(_:)`` would not see the new child and could
    /// leave it running after the bench dies; ``stopEverything(thenDieOf:)`` waits for every start
    /// in progress to be adopted (and so stopped) before it ends the process.
    static func start(_ process: Process) throws {
        state.withLock { $0.launching += 1 }
        defer { state.withLock { $0.launching -= 1 } }
        try process.run()
        adopt(process.processIdentifier)
    }

    /// Tracks a started child until ``release(_:)``; a child started while stopping is stopped at once.
    static func adopt(_ pid: Int32) {
        let stopping = state.withLock {
            $0.pids.insert(pid)
            return $0.stopping
        }
        if stopping { terminate([pid]) }
    }

    /// The child ended (it was waited for).
    static func release(_ pid: Int32) {
        _ = state.withLock { $0.pids.remove(pid) }
    }

    /// Runs `body` if the bench is killed before ``forget(_:)`` is called with the returned token.
    static func onSignal(_ body: @escaping @Sendable () -> Void) -> Int {
        state.withLock {
            $0.nextToken += 1
            $0.cleanups.append(($0.nextToken, body))
            return $0.nextToken
        }
    }

    static func forget(_ token: Int) {
        state.withLock { $0.cleanups.removeAll { $0.token == token } }
    }

    /// Exits with `status`, unless a signal is being handled: then its handler ends the process
    /// (the benchmark failed only because its children were being stopped under it).
    static func exit(_ status: Int32) -> Never {
        if state.withLock({ $0.stopping }) {
            while true { pause() }
        }
        Glibc.exit(status)
    }

    static func stopEverything(thenDieOf number: Int32) {
        let (pids, cleanups) = state.withLock { state in
            state.stopping = true
            defer { state.cleanups = [] }
            return (Array(state.pids), state.cleanups.map(\.body))
        }
        // A child being started now is adopted (and, the bench stopping, stopped by `adopt`) within
        // moments; wait for it, at most 3 s, so none outlives the bench.
        for _ in 0..<150 where state.withLock({ $0.launching > 0 }) { usleep(20_000) }
        FileHandle.standardError.write(
            Data("kandas-bench: signal \(number), stopping \(pids.count) children and cleaning up\n".utf8))
        terminate(pids)
        for body in cleanups.reversed() { body() }
        // Dies of the signal: dispatch's threads block signals, so this one unblocks it first.
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(number)
        _exit(128 + number)
    }

    /// SIGTERM to each, then SIGKILL to those still running after 3 s.
    private static func terminate(_ pids: [Int32]) {
        for pid in pids { kill(pid, SIGTERM) }
        var waited = 0
        while pids.contains(where: running), waited < 150 {
            usleep(20_000)
            waited += 1
        }
        for pid in pids where running(pid) { kill(pid, SIGKILL) }
    }

    /// Alive and not yet a zombie (a child ended but not reaped yet counts as stopped).
    static func running(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
