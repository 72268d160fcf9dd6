import Foundation
import Glibc
import KandasTestSupport
import Synchronization
import Testing

@testable import HTTPServer

/// Connection-level behaviour under load and abuse: many clients, slow clients, caps, shutdown.
@Suite struct ConnectionTests {
    let dir = TemporaryFolder()
    let events = Events()

    func server(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(router: liveRouter(dir: dir.path, events: events), configure: configure)
    }

    @Test func thousandConcurrentKeepAliveConnections_areAllServedTwice() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 8192)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let s = try server { $0.maxConnectionsPerAddress = 2000 }
        var clients: [RawClient] = []
        for _ in 0..<1000 { clients.append(try RawClient(port: s.port)) }
        for round in 0..<2 {
            for (i, c) in clients.enumerated() { c.send("GET /hello/\(i) HTTP/1.1\r\nHost: x\r\n\r\n") }
            var ok = 0
            for (i, c) in clients.enumerated() where c.readResponses(1).first?.hasSuffix("hello \(i)") == true {
                ok += 1
            }
            #expect(ok == 1000, "round \(round)")
        }
        #expect(s.server.metrics.openConnections == 1000)
        #expect(s.server.metrics.acceptedConnections == 1000)
        clients.removeAll()
        await s.stop()
        dir.remove()
    }

    @Test func slowlorisClient_isCutOffWhileOthersAreServed() async throws {
        let s = try server { $0.timeouts.headerRead = .seconds(1) }
        let slow = try RawClient(port: s.port)
        slow.send("GET /hello/slow HTTP/1.1\r\nHost: x\r\nX-A: ")
        let fast = try run(["curl", "-sS", "\(s.url)/hello/fast"])
        #expect(fast.output == "hello fast")
        let cut = slow.readAll()
        #expect(cut.hasPrefix("HTTP/1.1 408 "))
        #expect(cut.contains("Connection: close"))
        await s.stop()
        dir.remove()
    }

    @Test func idleKeepAliveConnection_isClosedAfterItsTimeout() async throws {
        let s = try server { $0.timeouts.idleKeepAlive = .seconds(1) }
        let c = try RawClient(port: s.port)
        c.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.readResponses(1).count == 1)
        #expect(c.readAll() == "")  // returns because the server closed the connection
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        await s.stop()
        dir.remove()
    }

    @Test func bodySlowerThanTheMinimumRate_abortsTheConsumer() async throws {
        let s = try server {
            $0.timeouts.bodyIdle = .seconds(1)
            $0.timeouts.minimumBodyBytesPerSecond = 10_000
        }
        let c = try RawClient(port: s.port)
        c.send("PUT /upload/slow.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789")
        #expect(events.wait { $0.hasPrefix("abort") } == "abort timeout 10")
        await s.stop()
        dir.remove()
    }

    @Test func connectionsOverTheCap_get503AndNoDescriptorIsKept() async throws {
        let s = try server { $0.maxConnections = 2 }
        var held: [RawClient] = []
        for i in 0..<2 {
            let c = try RawClient(port: s.port)
            c.send("GET /hello/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponses(1).count == 1)
            held.append(c)
        }
        let refused = try RawClient(port: s.port).readAll()
        #expect(refused.hasPrefix("HTTP/1.1 503 "))
        #expect(refused.contains("too_many_connections"))
        #expect(s.server.metrics.shedConnections == 1)
        held.removeAll()
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        let again = try run(["curl", "-sS", "\(s.url)/hello/again"])
        #expect(again.output == "hello again")
        await s.stop()
        dir.remove()
    }

    @Test func shutdown_finishesInFlightRequests_andClosesIdleOnes() async throws {
        let s = try server()
        let idle = try RawClient(port: s.port)
        idle.send("GET /hello/idle HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponses(1).count == 1)
        let result = Mutex<String?>(nil)
        let url = s.url
        let t = Thread { result.withLock { $0 = (try? run(["curl", "-sS", "\(url)/slow"]))?.output } }
        t.start()
        #expect(events.wait { $0 == "slow started" } != nil)
        await s.server.shutdown()
        #expect(waitUntil { result.withLock { $0 } != nil })
        #expect(result.withLock { $0 } == "slow done")
        #expect(idle.readAll() == "")
        #expect(throws: TestSupportError.self) { _ = try RawClient(port: s.port) }
        dir.remove()
    }

    @Test func handlerStillRunningAfterTheShutdownDeadline_finishesHarmlessly() async throws {
        let s = try server { $0.shutdownGracePeriod = .milliseconds(200) }
        let c = try RawClient(port: s.port)
        c.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(events.wait { $0 == "blocked" } != nil)
        await s.server.shutdown()
        #expect(c.readAll() == "")  // cut at the deadline, no response
        events.gate.signal()  // the handler returns into a stopped server
        #expect(waitUntil { s.server.context.pool.load.busy == 0 })
        dir.remove()
    }

    @Test func shutdownDeadline_abortsAStreamingUpload() async throws {
        let s = try server { $0.shutdownGracePeriod = .milliseconds(300) }
        let c = try RawClient(port: s.port)
        c.send("PUT /upload/long.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        c.send([UInt8](repeating: 2, count: 1000))
        #expect(events.wait { $0 == "chunk" } != nil)
        await s.server.shutdown()
        #expect(events.wait { $0.hasPrefix("abort") } == "abort server_shutdown 1000")
        dir.remove()
    }
}

/// More connection rules, kept apart so each suite stays readable.
@Suite struct ConnectionLimitTests {
    let dir = TemporaryFolder()
    let events = Events()

    @Test func fullHandlerQueue_answers503WithRetryAfter() async throws {
        let s = try TestServer(router: liveRouter(dir: dir.path, events: events)) {
            $0.handlerThreads = 1
            $0.maxQueuedJobs = 1
        }
        let first = try RawClient(port: s.port)
        first.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(events.wait { $0 == "blocked" } != nil)
        let queued = try RawClient(port: s.port)
        queued.send("GET /hello/queued HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waitUntil { s.server.context.pool.load.queued == 1 })
        let shed = try RawClient(port: s.port)
        shed.send("GET /hello/shed HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = shed.readAll()
        #expect(text.hasPrefix("HTTP/1.1 503 "))
        #expect(text.contains("Retry-After: 5"))
        #expect(text.contains("unavailable"))
        events.gate.signal()
        #expect(first.readResponses(1).first?.hasSuffix("released") == true)
        #expect(queued.readResponses(1).first?.hasSuffix("hello queued") == true)
        await s.stop()
        dir.remove()
    }

    @Test func clientThatStopsReading_isClosedAfterTheWriteTimeout() async throws {
        let s = try TestServer(router: liveRouter(dir: dir.path, events: events)) { $0.timeouts.write = .seconds(1) }
        let c = try RawClient(port: s.port)
        var small: Int32 = 4096
        setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(waitUntil { s.server.metrics.openConnections == 1 })
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        await s.stop()
        dir.remove()
    }

    @Test func ipv6Loopback_isServed() async throws {
        var router = Router()
        router.add(.get, "/v6") { req in .text("v6 \(req.remoteAddress)") }
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress("[::1]:0")!])
        config.handlerThreads = 1
        let server = HTTPServer(configuration: config, router: router, logger: .disabled)
        try server.start()
        let r = try run(["curl", "-sS", "-g", "http://[::1]:\(server.boundPort!)/v6"])
        #expect(r.output == "v6 ::1")
        await server.shutdown()
    }

    @Test func http10Request_isAnsweredAndClosed_unlessKeepAliveIsAsked() async throws {
        let s = try TestServer(router: liveRouter(dir: dir.path, events: events))
        let c = try RawClient(port: s.port)
        c.send("GET /hello/old HTTP/1.0\r\n\r\n")
        let text = c.readAll()
        #expect(text.contains("Connection: close"))
        #expect(text.hasSuffix("hello old"))
        let k = try RawClient(port: s.port)
        k.send("GET /hello/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(k.readResponses(1).first?.contains("Connection: keep-alive") == true)
        k.send("GET /hello/b HTTP/1.0\r\n\r\n")
        #expect(k.readAll().hasSuffix("hello b"))
        await s.stop()
        dir.remove()
    }

    @Test func saneRequestID_isEchoed_andAnInsaneOneIsReplaced() async throws {
        let s = try TestServer(router: liveRouter(dir: dir.path, events: events))
        let sane = try run([
            "curl", "-sS", "-D", "-", "-o", "/dev/null", "-H", "X-Request-ID: abc-123.x", "\(s.url)/hello/a",
        ])
        #expect(sane.output.contains("Request-Id: abc-123.x\r\n"))
        let named = try run([
            "curl", "-sS", "-D", "-", "-o", "/dev/null", "-H", "Request-Id: def-456", "\(s.url)/hello/a",
        ])
        #expect(named.output.contains("Request-Id: def-456\r\n"))
        let insane = try run([
            "curl", "-sS", "-D", "-", "-o", "/dev/null", "-H", "X-Request-ID: <script>", "\(s.url)/hello/a",
        ])
        #expect(!insane.output.contains("<script>"))
        #expect(insane.output.contains("Request-Id: "))
        await s.stop()
        dir.remove()
    }
}

/// The per-address cap, separate from the total.
@Suite struct PerAddressCapTests {
    @Test func secondConnectionFromTheSameAddress_isShedWhenTheCapIsOne() async throws {
        let dir = TemporaryFolder()
        let s = try TestServer(router: liveRouter(dir: dir.path, events: Events())) { $0.maxConnectionsPerAddress = 1 }
        let first = try RawClient(port: s.port)
        first.send("GET /hello/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.readResponses(1).count == 1)
        let second = try RawClient(port: s.port).readAll()
        #expect(second.hasPrefix("HTTP/1.1 503 "))
        first.send("GET /hello/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.readResponses(1).first?.hasSuffix("hello 2") == true)
        await s.stop()
        dir.remove()
    }
}
