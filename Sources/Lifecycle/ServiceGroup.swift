import Dispatch
public import Foundation
public import Log
import Synchronization

/// A long-running part of a process (the HTTP server, a background sweeper).
///
/// `run()` returns when the service has stopped; `shutdown()` asks it to stop gracefully and
/// may return before it has.
public protocol Service: Sendable {
    var name: String { get }
    func run() async throws
    func shutdown() async
}

/// Runs services together and stops them in reverse order on SIGTERM/SIGINT, or when any of
/// them ends, within a deadline.
///
/// Modelled on swift-service-lifecycle: ordered, bounded shutdown. Services listed first are
/// stopped last (a store outlives the server that writes to it).
public final class ServiceGroup: Sendable {
    public enum Trigger: Sendable, Equatable {
        case signal(Int32)
        case serviceEnded(String)
        case requested
    }

    private let services: [any Service]
    private let signals: [Int32]
    private let gracePeriod: Duration
    private let logger: Logger
    private let trigger = Mutex<(fired: Bool, waiter: CheckedContinuation<Trigger, Never>?, pending: Trigger?)>(
        (false, nil, nil))

    public init(
        services: [any Service], signals: [Int32] = [SIGTERM, SIGINT], gracePeriod: Duration = .seconds(20),
        logger: Logger
    ) {
        self.services = services
        self.signals = signals
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// Asks the group to shut down as if a signal had arrived.
    public func triggerShutdown() { fire(.requested) }

    private func fire(_ t: Trigger) {
        let waiter: CheckedContinuation<Trigger, Never>? = trigger.withLock { state in
            if state.fired { return nil }
            state.fired = true
            if let w = state.waiter {
                state.waiter = nil
                return w
            }
            state.pending = t
            return nil
        }
        waiter?.resume(returning: t)
    }

    private func waitForTrigger() async -> Trigger {
        await withCheckedContinuation { (c: CheckedContinuation<Trigger, Never>) in
            let ready: Trigger? = trigger.withLock { state in
                if let p = state.pending { return p }
                state.waiter = c
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    /// Runs until shutdown completes. Returns what triggered it; throws the first service error.
    ///
    /// Services run in their own tasks, not a task group: a group would wait for every child before
    /// returning, so one `run()` or `shutdown()` that ignores cancellation could hold the process
    /// past the deadline forever. Here the deadline is final; a service still busy then is cancelled
    /// and left behind, and the process may exit.
    @discardableResult
    public func run() async throws -> Trigger {
        ignoreSIGPIPE()
        let sources = installSignalSources()
        defer { sources.forEach { $0.cancel() } }

        let finished = Countdown(services.count)
        let tasks = services.map { service in
            Task { [logger] in
                do {
                    try await service.run()
                    logger.info("service ended", ["service": .string(service.name)])
                    finished.done(error: nil)
                } catch {
                    logger.error(
                        "service failed", ["service": .string(service.name), "error": .string("\(error)")])
                    finished.done(error: error)
                }
                self.fire(.serviceEnded(service.name))
            }
        }
        let why = await waitForTrigger()
        logger.notice("shutdown started", ["shutdown.trigger": .string("\(why)")])
        let deadline = ContinuousClock.now + gracePeriod
        for service in services.reversed() {
            let stopped = await Self.withDeadline(deadline) { await service.shutdown() }
            if !stopped {
                logger.warning("shutdown deadline passed", ["service": .string(service.name)])
            }
        }
        // Wait for every run() to return, but never past the deadline.
        if !(await Self.withDeadline(deadline) { await finished.wait() }) {
            tasks.forEach { $0.cancel() }
            logger.warning("services still running at deadline: cancelled")
        }
        if let firstError = finished.firstError, case .serviceEnded = why { throw firstError }
        logger.notice("shutdown complete")
        return why
    }

    /// Runs `body` in its own task but stops waiting at `deadline`; returns whether it finished in time.
    ///
    /// The body is cancelled at the deadline and not awaited further.
    static func withDeadline(
        _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> Void
    ) async -> Bool {
        let first = FirstResult()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            first.arm(continuation)
            let work = Task {
                await body()
                first.resolve(true)
            }
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                if first.resolve(false) { work.cancel() }
            }
        }
    }

    private func installSignalSources() -> [any DispatchSourceSignal] {
        signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.fire(.signal(sig)) }
            source.resume()
            return source
        }
    }
}

/// Writing to a closed socket must return EPIPE, not kill the process.
public func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
}

/// Resumes a continuation with the first result offered; later offers are ignored.
private final class FirstResult: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, done: Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<Bool, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Returns whether this offer was the first.
    @discardableResult
    func resolve(_ value: Bool) -> Bool {
        let taken: CheckedContinuation<Bool, Never>?? = state.withLock { s in
            if s.done { return .none }
            s.done = true
            defer { s.continuation = nil }
            return .some(s.continuation)
        }
        guard case .some(let continuation) = taken else { return false }
        continuation?.resume(returning: value)
        return true
    }
}

/// Counts services down to zero and remembers the first error.
private final class Countdown: Sendable {
    private let state: Mutex<(left: Int, error: (any Error)?, waiters: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) { state = Mutex((count, nil, [])) }

    func done(error: (any Error)?) {
        let wake: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.left -= 1
            if s.error == nil { s.error = error }
            guard s.left <= 0 else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        wake.forEach { $0.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.left <= 0 { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    var firstError: (any Error)? { state.withLock { $0.error } }
}
