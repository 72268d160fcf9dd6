#if canImport(Glibc)
import Glibc
#endif

/// One client connection and its upstream socket, forwarded both ways by one thread with `poll(2)`.
///
/// Each direction holds at most one chunk: it reads from its source only when the previous chunk
/// has been written to its destination, so a slow peer slows only its own direction and the proxy
/// never deadlocks two peers that both write before reading. A planned fault truncates the chunk
/// that crosses the offset, flushes the bytes before it, then fires.
struct ProxiedConnection {
    /// One direction's state. Index 0 is upstream (client → server), 1 downstream.
    struct Flow {
        /// Allocated once per connection: the chunk in flight is `buffer[written..<filled]`.
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var written = 0
        var filled = 0
        var eof = false
        var forwarded = 0
        var limit: Int?

        /// Nothing waits to be written, so the source may be read again.
        var isEmpty: Bool { written == filled }
    }

    let core: FaultProxy.Core
    let id: Int
    let index: Int
    let client: Int32
    let server: Int32
    let plan: FaultProxy.PlannedFault?
    let resetsOnClose: Bool
    private var flows = [Flow(), Flow()]
    /// The direction whose chunk ends at the fault offset; once set, nothing more is read.
    private var pendingFault: Int?

    /// Linux's POLLRDHUP (peer shut its write side); Glibc hides it behind _GNU_SOURCE.
    private static let pollReadHangUp: Int16 = 0x2000

    init(
        core: FaultProxy.Core, id: Int, index: Int, client: Int32, server: Int32, plan: FaultProxy.PlannedFault?,
        resetsOnClose: Bool
    ) {
        self.core = core
        self.id = id
        self.index = index
        self.client = client
        self.server = server
        self.plan = plan
        self.resetsOnClose = resetsOnClose
        if let plan {
            if plan.direction != .downstream { flows[0].limit = plan.offset }
            if plan.direction != .upstream { flows[1].limit = plan.offset }
        }
    }

    private enum Step {
        case proceed
        /// Both directions ended cleanly.
        case done
        /// A peer reset or a socket failed: pass the reset on.
        case failed
        /// A peer closed and the policy turns that into a reset.
        case closeBecameReset(direction: Int)
    }

    /// Forwards until both sides are closed, a fault fires, a socket fails or the proxy stops.
    mutating func run() {
        if let plan, plan.offset == 0 {
            fire(plan.kind, direction: plan.direction == .downstream ? 1 : 0)
            return
        }
        while true {
            if core.isStopped { return core.finish(connection: id, reset: false) }
            var entries = [pollEntry(client, flow: 0), pollEntry(server, flow: 1)]
            let ready = poll(&entries, 2, 250)
            if ready < 0 && errno != EINTR { return core.finish(connection: id, reset: true) }
            guard ready > 0 else { continue }
            var step = Step.proceed
            for direction in 0..<2 where !flows[direction].isEmpty {
                let destination = direction == 0 ? entries[1] : entries[0]
                if destination.revents != 0 { step = merge(step, write(direction)) }
            }
            for direction in 0..<2 where canRead(direction) {
                let source = direction == 0 ? entries[0] : entries[1]
                if source.revents != 0 { step = merge(step, read(direction)) }
            }
            if let fault = pendingFault, flows[fault].isEmpty, let plan {
                return fire(plan.kind, direction: fault)
            }
            switch step {
            case .proceed:
                continue
            case .done:
                return core.finish(connection: id, reset: false)
            case .failed:
                return core.finish(connection: id, reset: true)
            case .closeBecameReset(let direction):
                core.record(
                    .init(
                        connection: index, kind: .reset, direction: direction == 0 ? .upstream : .downstream,
                        offset: flows[direction].forwarded))
                return core.finish(connection: id, reset: true)
            }
        }
    }

    /// What to poll `fd` for: readable when its outgoing flow may read, writable when the other flow has a chunk.
    private func pollEntry(_ fd: Int32, flow: Int) -> pollfd {
        var events: Int16 = 0
        if canRead(flow) { events |= Int16(POLLIN) }
        if !flows[1 - flow].isEmpty { events |= Int16(POLLOUT) }
        // A negative descriptor is skipped by poll, so an idle socket's HUP cannot spin the loop.
        return pollfd(fd: events == 0 ? -1 : fd, events: events, revents: 0)
    }

    private func canRead(_ direction: Int) -> Bool {
        pendingFault == nil && !flows[direction].eof && flows[direction].isEmpty
    }

    private func merge(_ a: Step, _ b: Step) -> Step {
        switch (a, b) {
        case (.proceed, _): b
        case (_, .proceed): a
        case (.failed, _), (_, .failed): .failed
        default: a
        }
    }

    private mutating func read(_ direction: Int) -> Step {
        let source = direction == 0 ? client : server
        let destination = direction == 0 ? server : client
        let n = flows[direction].buffer.withUnsafeMutableBytes {
            recv(source, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
        }
        if n > 0 {
            var keep = n
            if let limit = flows[direction].limit, flows[direction].forwarded + n >= limit {
                keep = limit - flows[direction].forwarded
                pendingFault = direction
            }
            flows[direction].filled = keep
            flows[direction].written = 0
            return .proceed
        }
        if n == 0 {
            flows[direction].eof = true
            if resetsOnClose { return .closeBecameReset(direction: direction) }
            shutdown(destination, Int32(SHUT_WR))  // Pass the half-close on.
            return flows[1 - direction].eof && flows[1 - direction].isEmpty ? .done : .proceed
        }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .proceed : .failed
    }

    private mutating func write(_ direction: Int) -> Step {
        let destination = direction == 0 ? server : client
        let (from, to) = (flows[direction].written, flows[direction].filled)
        let n = flows[direction].buffer[from..<to].withUnsafeBytes {
            send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        guard n > 0 else {
            return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? .proceed : .failed
        }
        flows[direction].written += n
        flows[direction].forwarded += n
        core.forwarded(n, upstream: direction == 0)
        if flows[direction].isEmpty {
            if flows[direction].eof && flows[1 - direction].eof && flows[1 - direction].isEmpty { return .done }
        }
        return .proceed
    }

    /// Records the fault, then cuts, resets or stalls the connection.
    private func fire(_ kind: FaultProxy.FaultKind, direction: Int) {
        core.record(
            .init(
                connection: index, kind: kind, direction: direction == 0 ? .upstream : .downstream,
                offset: flows[direction].forwarded))
        switch kind {
        case .cut:
            // FIN first, so each peer reads every forwarded byte and then EOF, even if a later close resets.
            shutdown(client, Int32(SHUT_WR))
            shutdown(server, Int32(SHUT_WR))
            ProxySocket.drain(client)
            ProxySocket.drain(server)
            core.finish(connection: id, reset: false)
        case .reset:
            core.finish(connection: id, reset: true)
        case .stall:
            stall()
        }
    }

    /// Holds both sockets open, forwarding nothing, until the client hangs up or the proxy stops.
    private func stall() {
        while !core.isStopped {
            var entry = pollfd(fd: client, events: Self.pollReadHangUp, revents: 0)
            if poll(&entry, 1, 250) > 0 { break }
        }
        ProxySocket.drain(client)
        ProxySocket.drain(server)
        core.finish(connection: id, reset: false)
    }
}
