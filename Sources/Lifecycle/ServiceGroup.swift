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
    @discardableResult
    public func run() async throws -> Trigger {
        ignoreSIGPIPE()
        let sources = installSignalSources()
        defer { sources.forEach { $0.cancel() } }

        enum Outcome: Sendable {
            case ended
            case failed(any Error)
            case deadline
        }
        var firstError: (any Error)?
        let why = await withTaskGroup(of: Outcome.self) { group in
            for service in services {
                group.addTask { [logger] in
                    do {
                        try await service.run()
                        logger.info("service ended", ["service": .string(service.name)])
                        self.fire(.serviceEnded(service.name))
                        return .ended
                    } catch {
                        logger.error(
                            "service failed", ["service": .string(service.name), "error": .string("\(error)")])
                        self.fire(.serviceEnded(service.name))
                        return .failed(error)
                    }
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
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return .deadline
            }
            var remaining = services.count
            while remaining > 0, let outcome = await group.next() {
                switch outcome {
                case .ended: remaining -= 1
                case .failed(let error):
                    remaining -= 1
                    if firstError == nil { firstError = error }
                case .deadline:
                    logger.warning("services still running at deadline: cancelled")
                    remaining = 0
                }
            }
            group.cancelAll()
            return why
        }
        if let firstError, case .serviceEnded = why { throw firstError }
        logger.notice("shutdown complete")
        return why
    }

    /// Runs `body` but gives up waiting at `deadline`; returns whether it finished in time.
    static func withDeadline(
        _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async -> Void
    ) async
        -> Bool
    {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
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
