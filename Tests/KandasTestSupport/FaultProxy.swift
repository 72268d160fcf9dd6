import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 port 0 that forwards to `127.0.0.1:targetPort` and injects faults by a seeded policy.
///
/// Tests point a client at `port` instead of the server's port, then cut, reset or stall connections
/// at exact byte offsets (see ``Policy``) to check that pushes, pulls and uploads recover. Every
/// accepted connection gets its own thread running `poll(2)` over plain sockets, never Swift's
/// cooperative pool; ``counters`` and ``faults`` tell a test what really happened. `stop()` (or
/// deinit) closes the listener and every connection and returns once all threads are gone.
///
/// ```swift
/// let proxy = try FaultProxy(targetPort: server.port, policy: .random(seed: 1, probability: 0.3, maxBytes: 64 << 10))
/// defer { proxy.stop() }
/// // ... sync through 127.0.0.1:proxy.port until it succeeds, then:
/// #expect(proxy.counters.faults > 0)  // the run really was disturbed
/// ```
///
/// - Important: A fault offset counts the bytes of one connection, so a client that opens a new
///   connection per request sees each request cut independently; `.random` draws per connection.
public final class FaultProxy: Sendable {
    /// The port clients connect to.
    public let port: Int
    /// The port on 127.0.0.1 each new connection is forwarded to.
    public var targetPort: Int { core.state.withLock { $0.targetPort } }
    private let core: Core

    /// Starts listening and forwarding.
    /// - Throws: ``TestSupportError`` for an invalid policy or when the listening socket cannot be set up.
    public init(targetPort: Int, policy: Policy = .none) throws {
        try policy.validate()
        let (fd, port) = try ProxySocket.listen()
        self.port = port
        core = Core(listenFD: fd, targetPort: targetPort, policy: policy)
        core.start()
    }

    deinit { stop() }

    /// The policy new connections get.
    public var policy: Policy { core.state.withLock { $0.policy } }

    /// Sets the policy for connections accepted from now on and restarts their index at 0 (see ``Policy``).
    /// - Throws: ``TestSupportError`` for an invalid policy; the old one then stays.
    public func setPolicy(_ policy: Policy) throws {
        try policy.validate()
        core.state.withLock {
            $0.policy = policy
            $0.policyIndex = 0
        }
    }

    /// Forwards connections accepted from now on to `port`: a restarted server (new port) keeps the
    /// address its clients know. Connections already open keep their old upstream.
    public func retarget(to port: Int) {
        core.state.withLock { $0.targetPort = port }
    }

    /// A snapshot of what the proxy has done.
    public var counters: Counters { core.state.withLock { $0.counters } }

    /// Every fault injected so far, in the order they happened.
    public var faults: [FaultRecord] { core.state.withLock { $0.faults } }

    /// Closes the listener and every connection (FIN, no reset), and waits for all proxy threads to end.
    ///
    /// Idempotent. Peers of open connections read EOF.
    public func stop() {
        core.stop()
    }
}

extension FaultProxy {
    /// The state shared by the accept thread and the connection threads.
    final class Core: Sendable {
        struct State {
            var policy: Policy
            var targetPort: Int
            /// Connections accepted since the policy was set: the index for `plannedFault(connection:)`.
            var policyIndex = 0
            var counters = Counters()
            var faults: [FaultRecord] = []
            var stopped = false
            var listenFD: Int32
            var nextConnection = 0
            /// Sockets of open connections. Closed only under the lock, so `stop()` never shuts down a
            /// descriptor number that another thread has already closed and the kernel handed out again.
            var open: [Int: (client: Int32, server: Int32)] = [:]
        }

        let state: Mutex<State>
        let threads = DispatchGroup()

        init(listenFD: Int32, targetPort: Int, policy: Policy) {
            state = Mutex(State(policy: policy, targetPort: targetPort, listenFD: listenFD))
        }

        var isStopped: Bool { state.withLock { $0.stopped } }

        func start() {
            threads.enter()
            let thread = Thread { [self] in
                acceptLoop()
                threads.leave()
            }
            thread.name = "fault-proxy-accept"
            thread.start()
        }

        /// Wakes every thread by shutting its sockets down, then waits for them to close their descriptors.
        func stop() {
            let wasStopped = state.withLock { s -> Bool in
                defer { s.stopped = true }
                guard !s.stopped else { return true }
                if s.listenFD >= 0 { shutdown(s.listenFD, Int32(SHUT_RDWR)) }
                for (client, server) in s.open.values {
                    shutdown(client, Int32(SHUT_RDWR))
                    shutdown(server, Int32(SHUT_RDWR))
                }
                return false
            }
            if !wasStopped { threads.wait() }
        }

        private func acceptLoop() {
            while true {
                let fd = state.withLock { $0.stopped ? -1 : $0.listenFD }
                guard fd >= 0 else { break }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                // The timeout only bounds how long a missed wake-up could delay `stop()`.
                guard poll(&entry, 1, 250) > 0 else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }  // EAGAIN, ECONNABORTED, or shut down by stop().
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                ProxySocket.setNoDelay(client)
                admit(client)
            }
            state.withLock {
                Glibc.close($0.listenFD)
                $0.listenFD = -1
            }
        }

        /// Connects upstream and hands the pair to a new connection thread, or closes the client.
        private func admit(_ client: Int32) {
            let server = ProxySocket.connect(port: state.withLock { $0.targetPort })
            let admitted = state.withLock { s -> (id: Int, policy: Policy, index: Int)? in
                s.counters.connections += 1
                guard server >= 0, !s.stopped else {
                    if server < 0 { s.counters.upstreamFailures += 1 } else { Glibc.close(server) }
                    Glibc.close(client)
                    return nil
                }
                let id = s.nextConnection
                s.nextConnection += 1
                let index = s.policyIndex
                s.policyIndex += 1
                s.open[id] = (client, server)
                s.counters.open += 1
                return (id, s.policy, index)
            }
            guard let admitted else { return }
            let connection = ProxiedConnection(
                core: self, id: admitted.id, index: admitted.index, client: client, server: server,
                plan: admitted.policy.plannedFault(connection: admitted.index),
                resetsOnClose: admitted.policy.resetsOnClose)
            threads.enter()
            let thread = Thread { [self] in
                var connection = connection
                connection.run()
                threads.leave()
            }
            thread.name = "fault-proxy-\(admitted.id)"
            thread.start()
        }

        func forwarded(_ bytes: Int, upstream: Bool) {
            state.withLock {
                if upstream {
                    $0.counters.bytesUpstream += bytes
                } else {
                    $0.counters.bytesDownstream += bytes
                }
            }
        }

        func record(_ fault: FaultRecord) {
            state.withLock {
                $0.faults.append(fault)
                $0.counters.faults += 1
                switch fault.kind {
                case .cut: $0.counters.cuts += 1
                case .reset: $0.counters.resets += 1
                case .stall: $0.counters.stalls += 1
                }
            }
        }

        /// Closes both sockets of a connection; `reset` sends RST (SO_LINGER 0) instead of FIN.
        func finish(connection id: Int, reset: Bool) {
            state.withLock { s in
                guard let (client, server) = s.open.removeValue(forKey: id) else { return }
                if reset {
                    ProxySocket.setLingerZero(client)
                    ProxySocket.setLingerZero(server)
                }
                Glibc.close(client)
                Glibc.close(server)
                s.counters.open -= 1
            }
        }
    }
}
