import Dispatch
import Foundation
import KandasTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fault proxy against echo, sink and source servers on loopback: every fault lands at its exact offset.
@Suite struct FaultProxyTests {
    @Test func transparent_forwardsALargePayloadUnchangedBothWays() throws {
        let server = try LoopbackServer.echo()
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port)
        defer { proxy.stop() }
        let payload = Peer.pattern(4 << 20)
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        // A writer thread, because the echo comes back while the client is still sending.
        let written = DispatchSemaphore(value: 0)
        Thread {
            Peer.sendAll(fd, payload)
            shutdown(fd, Int32(SHUT_WR))
            written.signal()
        }.start()
        let received = Peer.readToEnd(fd)
        written.wait()
        #expect(received.end == .eof)
        #expect(received.bytes.count == payload.count)
        let intact = received.bytes == payload  // Bound first, so a failure prints a flag, not 4 MiB.
        #expect(intact)
        try eventually { proxy.counters.open == 0 }
        let counters = proxy.counters
        #expect(counters.connections == 1)
        #expect(counters.bytesUpstream == payload.count)
        #expect(counters.bytesDownstream == payload.count)
        #expect(counters.faults == 0)
        #expect(proxy.faults.isEmpty)
    }

    @Test func cutUpstream_serverReadsExactlyTheBytesBeforeTheOffsetThenEOF() throws {
        let mailbox = Mailbox<Peer.Received>()
        let server = try LoopbackServer.sink { mailbox.put($0) }
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .cutAfter(bytes: 12_345, direction: .upstream))
        defer { proxy.stop() }
        let payload = Peer.pattern(100_000)
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        Peer.sendAll(fd, payload)  // May fail part-way: the proxy closes after the offset.
        let atServer = try mailbox.take()
        #expect(atServer.end == .eof)
        #expect(atServer.bytes.count == 12_345)
        let intact = atServer.bytes == Array(payload[0..<12_345])
        #expect(intact)
        #expect(Peer.readToEnd(fd).end != .other(errno: EAGAIN))  // The client's side was closed too.
        #expect(proxy.faults == [.init(connection: 0, kind: .cut, direction: .upstream, offset: 12_345)])
        #expect(proxy.counters.bytesUpstream == 12_345)
        #expect(proxy.counters.cuts == 1)
    }

    @Test func cutDownstream_clientReadsExactlyTheBytesBeforeTheOffsetThenEOF() throws {
        let payload = Peer.pattern(100_000)
        let server = try LoopbackServer.source(payload)
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .cutAfter(bytes: 777, direction: .downstream))
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        let received = Peer.readToEnd(fd)
        #expect(received.end == .eof)
        #expect(received.bytes.count == 777)
        let intact = received.bytes == Array(payload[0..<777])
        #expect(intact)
        #expect(proxy.faults == [.init(connection: 0, kind: .cut, direction: .downstream, offset: 777)])
        #expect(proxy.counters.bytesDownstream == 777)
        #expect(proxy.counters.faults == 1)
    }

    @Test func cutEither_firesInTheFirstDirectionToReachTheOffset() throws {
        let server = try LoopbackServer.echo()
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .cutAfter(bytes: 500))
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        Peer.sendAll(fd, Peer.pattern(1_000))
        let received = Peer.readToEnd(fd)
        // The echo can only trail the request, so upstream reaches 500 first; some echo may precede the cut.
        #expect(received.end == .eof)
        #expect(received.bytes.count <= 500)
        #expect(proxy.faults == [.init(connection: 0, kind: .cut, direction: .upstream, offset: 500)])
    }

    @Test func cutAtZero_closesTheConnectionBeforeAnyByte() throws {
        let server = try LoopbackServer.source(Peer.pattern(1_000))
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .cutAfter(bytes: 0, direction: .downstream))
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        let received = Peer.readToEnd(fd)
        #expect(received.end == .eof)
        #expect(received.bytes.isEmpty)
        #expect(proxy.faults == [.init(connection: 0, kind: .cut, direction: .downstream, offset: 0)])
    }

    @Test func randomPlan_dependsOnlyOnSeedAndConnectionIndex() {
        let policy = FaultProxy.Policy.random(seed: 42, probability: 0.5, maxBytes: 1_000)
        let plans = (0..<200).map { policy.plannedFault(connection: $0) }
        #expect(plans == (0..<200).map { policy.plannedFault(connection: $0) })
        let other = FaultProxy.Policy.random(seed: 43, probability: 0.5, maxBytes: 1_000)
        #expect(plans != (0..<200).map { other.plannedFault(connection: $0) })
        let faulted = plans.compactMap { $0 }
        #expect(faulted.count > 50 && faulted.count < 150)
        #expect(faulted.allSatisfy { (0...1_000).contains($0.offset) && $0.kind == .cut && $0.direction != .either })
        #expect(Set(faulted.map(\.direction.description)) == ["upstream", "downstream"])
        let never = FaultProxy.Policy.random(seed: 42, probability: 0, maxBytes: 1_000)
        #expect((0..<200).allSatisfy { never.plannedFault(connection: $0) == nil })
        let always = FaultProxy.Policy.random(seed: 42, probability: 1, maxBytes: 1_000, fault: .reset)
        #expect((0..<200).allSatisfy { always.plannedFault(connection: $0)?.kind == .reset })
    }

    @Test func randomPolicy_injectsExactlyThePlannedFaultsOnEveryRun() throws {
        let server = try LoopbackServer.echo()
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port)
        defer { proxy.stop() }
        let policy = FaultProxy.Policy.random(seed: 7, probability: 0.5, maxBytes: 3_000)
        let size = 2_000
        // Offsets past the traffic (2,000 bytes each way) are never reached, so those plans inject nothing.
        let expected = (0..<24).compactMap { index -> FaultProxy.FaultRecord? in
            guard let plan = policy.plannedFault(connection: index), plan.offset <= size else { return nil }
            return .init(connection: index, kind: .cut, direction: plan.direction, offset: plan.offset)
        }
        #expect(expected.count >= 3)
        var runs: [[FaultProxy.FaultRecord]] = []
        for _ in 0..<2 {
            let before = proxy.faults.count
            try proxy.setPolicy(policy)
            for _ in 0..<24 {
                let fd = try Peer.connect(port: proxy.port)
                Peer.sendAll(fd, Peer.pattern(size))
                shutdown(fd, Int32(SHUT_WR))
                _ = Peer.readToEnd(fd)
                close(fd)
            }
            runs.append(Array(proxy.faults[before...]))
        }
        #expect(runs[0] == expected)
        #expect(runs[1] == expected)
        #expect(proxy.counters.cuts == 2 * expected.count)
    }

    @Test func stall_forwardsUpToTheOffsetThenNothingAndKeepsTheSocketOpen() throws {
        let payload = Peer.pattern(10_000)
        let server = try LoopbackServer.source(payload)
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .stallAfter(bytes: 100, direction: .downstream))
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        let received = Peer.readToEnd(fd, limit: 100)
        #expect(received.bytes.count == 100)
        let intact = received.bytes == Array(payload[0..<100])
        #expect(intact)
        // Once the stall is recorded the proxy forwards nothing more, so "nothing queued, not EOF" is certain.
        try eventually { proxy.counters.stalls == 1 }
        var byte: UInt8 = 0
        #expect(recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        #expect(proxy.counters.open == 1)
        #expect(proxy.faults == [.init(connection: 0, kind: .stall, direction: .downstream, offset: 100)])
        close(fd)  // The client gives up: the proxy lets the stalled connection go.
        try eventually { proxy.counters.open == 0 }
    }

    @Test func resetAfter_clientReadsTheBytesBeforeTheOffsetThenConnectionReset() throws {
        let payload = Peer.pattern(10_000)
        let server = try LoopbackServer.source(payload)
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .resetAfter(bytes: 10, direction: .downstream))
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        let received = Peer.readToEnd(fd)
        #expect(received.end == .reset)
        // Linux may drop bytes the client had not read yet when the RST arrives; it never adds any.
        let prefix = received.bytes == Array(payload[0..<received.bytes.count])
        #expect(received.bytes.count <= 10)
        #expect(prefix)
        #expect(proxy.faults == [.init(connection: 0, kind: .reset, direction: .downstream, offset: 10)])
        #expect(proxy.counters.resets == 1)
    }

    @Test func resetInsteadOfClose_turnsTheServersCloseIntoAReset() throws {
        let server = try LoopbackServer.sourceThenClose(Peer.pattern(500))
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, policy: .resetInsteadOfClose)
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        let received = Peer.readToEnd(fd)
        #expect(received.end == .reset)
        #expect(proxy.faults == [.init(connection: 0, kind: .reset, direction: .downstream, offset: 500)])
        #expect(proxy.counters.bytesDownstream == 500)
    }

    @Test func refusedUpstream_closesTheClientAndIsCounted() throws {
        let closed = try LoopbackServer.echo()
        let port = closed.port
        closed.stop()  // Nothing listens there any more.
        let proxy = try FaultProxy(targetPort: port)
        defer { proxy.stop() }
        let fd = try Peer.connect(port: proxy.port)
        defer { close(fd) }
        #expect(Peer.readToEnd(fd).bytes.isEmpty)
        #expect(proxy.counters.upstreamFailures == 1)
        #expect(proxy.counters.open == 0)
    }

    @Test func stop_closesEveryConnectionAndLeaksNoSocket() throws {
        let server = try LoopbackServer.source(Peer.pattern(1_000))
        let proxy = try FaultProxy(targetPort: server.port, policy: .stallAfter(bytes: 10, direction: .downstream))
        var clients: [Int32] = []
        for _ in 0..<3 { clients.append(try Peer.connect(port: proxy.port)) }
        try eventually { proxy.counters.stalls == 3 }
        // Two listeners, and three connections of two sockets on each of the three hops.
        let tracked = Peer.socketInodes(ports: [proxy.port, server.port])
        #expect(tracked.count == 2 + 3 * 4)
        proxy.stop()
        proxy.stop()  // Idempotent.
        for fd in clients {
            let received = Peer.readToEnd(fd)
            #expect(received.end == .eof)
            #expect(received.bytes.count == 10)
            close(fd)
        }
        server.stop()
        #expect(proxy.counters.open == 0)
        let leaked = Peer.socketInodes().intersection(tracked)
        #expect(leaked.isEmpty)
        #expect(throws: (any Error).self) { _ = try Peer.connect(port: proxy.port) }
    }

    @Test func invalidPolicy_isRejectedAndKeepsTheOldOne() throws {
        let proxy = try FaultProxy(targetPort: 9, policy: .cutAfter(bytes: 5))
        defer { proxy.stop() }
        #expect(throws: TestSupportError.self) { try proxy.setPolicy(.random(seed: 1, probability: 1.5, maxBytes: 10)) }
        #expect(throws: TestSupportError.self) { try proxy.setPolicy(.stallAfter(bytes: -1)) }
        #expect(throws: TestSupportError.self) { try proxy.setPolicy(.random(seed: 1, probability: 0.5, maxBytes: -1)) }
        #expect(throws: TestSupportError.self) { _ = try FaultProxy(targetPort: 9, policy: .cutAfter(bytes: -3)) }
        #expect(proxy.policy == .cutAfter(bytes: 5))
    }

    @Test func setPolicy_appliesToNewConnectionsAndRestartsTheIndex() throws {
        let payload = Peer.pattern(1_000)
        let server = try LoopbackServer.source(payload)
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port)
        defer { proxy.stop() }
        let first = try Peer.connect(port: proxy.port)
        defer { close(first) }
        let whole = Peer.readToEnd(first, limit: 1_000).bytes == payload
        #expect(whole)
        try proxy.setPolicy(.cutAfter(bytes: 20, direction: .downstream))
        let second = try Peer.connect(port: proxy.port)
        defer { close(second) }
        let cut = Peer.readToEnd(second).bytes == Array(payload[0..<20])
        #expect(cut)
        #expect(proxy.faults == [.init(connection: 0, kind: .cut, direction: .downstream, offset: 20)])
        #expect(proxy.counters.connections == 2)
        try eventually { proxy.counters.open == 1 }  // The first, taken under `.none`, is still open.
    }
}

/// The proxy in front of the real `kandas-server`, as the end-to-end sync tests will use it.
@Suite struct FaultProxyServerTests {
    @Test func realServer_answersThroughTheProxyAndACutTruncatesTheResponseAtTheOffset() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        let proxy = try FaultProxy(targetPort: server.port)
        defer { proxy.stop() }
        let client = TestHTTPClient(port: proxy.port)
        #expect(try client.get("/healthz").status == 200)
        try proxy.setPolicy(.cutAfter(bytes: 20, direction: .downstream))
        let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        let direct = try server.client.exchange(request)
        let cut = try client.exchange(request)
        #expect(cut.count == 20)
        #expect(String(decoding: cut, as: UTF8.self) == String(decoding: direct.prefix(20), as: UTF8.self))
        #expect(proxy.counters.cuts == 1)
    }
}
