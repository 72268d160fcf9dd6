import Dispatch
import Foundation
internal import Glibc
public import Lifecycle
public import Log
import Synchronization
import SystemKit

/// An HTTP/1.1 server on non-blocking sockets and epoll, with handlers on a bounded thread pool.
///
/// Event loops (``Configuration/eventLoops`` threads) do I/O and parsing; handlers, the request
/// hook and body consumers run on ``Configuration/handlerThreads`` threads, so a handler may
/// block on SQLite or the disk without stalling other connections. The one exception is
/// ``HTTPServerHooks/answerOnLoop``: quick answers (a device polling with nothing new) that the
/// loop gives itself, cheaper than the hand-off to a handler thread and back. It conforms
/// to `Lifecycle.Service`: `run()` starts it and returns once it stopped; `shutdown()` stops
/// accepting, closes idle connections, lets in-flight requests finish until the grace period
/// ends, then closes the rest (streaming bodies get `abort(.serverShutdown)`).
///
/// ```swift
/// var router = Router()
/// router.add(.get, "/v1/ping") { _ in .text("pong") }
/// let server = HTTPServer(configuration: .init(listen: [.init(host: "127.0.0.1", port: 0)]),
///                         router: router, logger: logger)
/// try server.start()
/// print(server.boundPorts)
/// ```
public final class HTTPServer: Service {
    public let name = "http"
    let context: ServerContext

    private enum Status {
        case idle
        case running(loops: [EventLoop], listeners: [Int32], ports: [Int])
        case stopping(ports: [Int])
        case stopped(ports: [Int])
    }

    private let status = Mutex<(status: Status, waiters: [CheckedContinuation<Void, Never>])>((.idle, []))

    public init(
        configuration: Configuration, router: Router, hooks: HTTPServerHooks = HTTPServerHooks(), logger: Logger
    ) {
        let responder = Responder(
            router: router, hooks: hooks, defaultBodyLimit: configuration.defaultBodyLimit,
            spoolDirectory: configuration.spoolDirectory ?? (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"),
            logger: logger, problems: ProblemRenderer(typePrefix: configuration.problemTypePrefix))
        context = ServerContext(
            configuration: configuration, responder: responder, logger: logger, accessLog: hooks.accessLog)
    }

    /// Binds every listen address and starts the loops and handler threads; does nothing if started.
    ///
    /// - Throws: ``HTTPError`` `listen_failed` (with errno) if an address cannot be bound; nothing
    ///   stays open then.
    public func start() throws {
        try status.withLock { s throws in
            guard case .idle = s.status else { return }
            ignoreSIGPIPE()
            var listeners: [Int32] = []
            var ports: [Int] = []
            do {
                for address in context.configuration.listen {
                    let (fd, port) = try Socket.listen(address)
                    listeners.append(fd)
                    ports.append(port)
                }
                var loops: [EventLoop] = []
                for i in 0..<max(1, context.configuration.eventLoops) {
                    loops.append(try EventLoop(index: i, context: context))
                }
                context.pool.start(name: "http-handler")
                for loop in loops { loop.start(listeners: listeners) }
                s.status = .running(loops: loops, listeners: listeners, ports: ports)
                context.logger.notice(
                    "http server listening",
                    [
                        "http.listen": .string(
                            zip(context.configuration.listen, ports).map { "\($0.0.host):\($0.1)" }.joined(
                                separator: ","))
                    ])
            } catch {
                for fd in listeners { close(fd) }
                throw error
            }
        }
    }

    /// The ports actually bound, in the order of ``Configuration/listen`` (port 0 resolved).
    public var boundPorts: [Int] {
        status.withLock { s in
            switch s.status {
            case .idle: []
            case .running(_, _, let ports), .stopping(let ports), .stopped(let ports): ports
            }
        }
    }

    /// The first bound port, or nil before `start()`.
    public var boundPort: Int? { boundPorts.first }

    /// Handler jobs waiting for a thread now (requests queued behind the running handlers). A
    /// handler doing a long piece of work may do less of it when others wait (a pull page).
    public var waitingJobs: Int { context.pool.waiting }

    /// A snapshot of the counters, for `/metrics`.
    public var metrics: HTTPServerMetrics { context.metrics.snapshot }

    /// Starts (if needed) and waits until the server has stopped.
    public func run() async throws {
        try start()
        await waitUntilStopped()
    }

    /// Stops gracefully within ``Configuration/shutdownGracePeriod`` and waits until done.
    public func shutdown() async {
        beginShutdown(gracePeriod: context.configuration.shutdownGracePeriod)
        await waitUntilStopped()
    }

    /// Starts a graceful stop without waiting (callable from any thread).
    public func beginShutdown(gracePeriod: Duration) {
        let taken: (loops: [EventLoop], listeners: [Int32])? = status.withLock { s in
            switch s.status {
            case .running(let loops, let listeners, let ports):
                s.status = .stopping(ports: ports)
                return (loops, listeners)
            case .idle:
                s.status = .stopped(ports: [])
                let w = s.waiters
                s.waiters = []
                for c in w { c.resume() }
                return nil
            default:
                return nil
            }
        }
        guard let taken else { return }
        let context = self.context
        let thread = Thread { [self] in
            context.startDraining()
            let deadline = monotonicMillis() + gracePeriod.milliseconds
            let drained = DispatchSemaphore(value: 0)
            for loop in taken.loops {
                loop.execute {
                    loop.beginDrain()
                    drained.signal()
                }
            }
            for _ in taken.loops { drained.wait() }
            // Every loop has dropped the listeners from its epoll set: now they can close.
            for fd in taken.listeners { close(fd) }
            while context.openConnections > 0 && monotonicMillis() < deadline { usleep(20_000) }
            if context.openConnections > 0 {
                context.logger.warning(
                    "shutdown deadline passed", ["http.open_connections": .int(Int64(context.openConnections))])
            }
            for loop in taken.loops { loop.execute { loop.stop() } }
            for loop in taken.loops { loop.waitUntilFinished() }
            context.pool.stop()
            self.finishStopping()
        }
        thread.name = "http-shutdown"
        thread.start()
    }

    private func finishStopping() {
        let waiters = status.withLock { s -> [CheckedContinuation<Void, Never>] in
            if case .stopping(let ports) = s.status { s.status = .stopped(ports: ports) }
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in waiters { w.resume() }
        context.logger.notice("http server stopped")
    }

    /// Returns once the server has fully stopped.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = status.withLock { s -> Bool in
                if case .stopped = s.status { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }
}
