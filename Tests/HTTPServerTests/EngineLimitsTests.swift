import Foundation
import Glibc
import KandasTestSupport
import Testing

@testable import HTTPServer

/// Issue 14 finding 2: connection caps as settings, counting by forwarded address behind a trusted
/// proxy, probes answered at the cap, and silent or slow clients timed out.
@Suite struct ConnectionCapTests {
    let dir = TemporaryFolder()
    let events = Events()

    func server(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(router: liveRouter(dir: dir.path, events: events), configure: configure)
    }

    @Test func connectionThatSendsNothing_isClosedAfterTheHeaderTimeout() async throws {
        // The idle keep-alive timeout stays long: a connection that never sent a request is not
        // "between requests", it holds a slot without starting one.
        let s = try server {
            $0.timeouts.headerRead = .seconds(1)
            $0.timeouts.idleKeepAlive = .seconds(600)
        }
        let silent = try RawClient(port: s.port)
        let (text, closed) = silent.readUntilClosed()
        #expect(closed, "still open after the client's 20 s receive timeout")
        #expect(text.isEmpty)
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        await s.stop()
        dir.remove()
    }

    @Test func clientThatHalfClosesAfterItsRequest_getsTheAnswerAndTheConnectionEnds() async throws {
        // Found by `kandas-bench fuzz`: request and FIN read in one short read left the end of
        // input unseen (edge-triggered, no new edge), so the slot was held until a timeout.
        let s = try server {
            $0.timeouts.headerRead = .seconds(600)
            $0.timeouts.idleKeepAlive = .seconds(600)
        }
        let whole = try RawClient(port: s.port)
        whole.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")
        whole.shutdownWrite()
        let (text, closed) = whole.readUntilClosed()
        #expect(closed)
        #expect(text.hasSuffix("hello a"))
        let cut = try RawClient(port: s.port)
        cut.send("GET /hello/b HTTP/1.1\r\nHost:")
        cut.shutdownWrite()
        #expect(cut.readUntilClosed().closed)
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        await s.stop()
        dir.remove()
    }

    @Test func bodyTrickledAt300BytesPerSecond_isCutWith408UnderTheDefaultMinimumRate() async throws {
        // Only the pause allowance is shortened (for a fast test); the minimum rate is the default.
        let s = try server { $0.timeouts.bodyIdle = .seconds(1) }
        #expect(HTTPServer.Timeouts().minimumBodyBytesPerSecond > 300)
        let c = try RawClient(port: s.port)
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        let fd = c.fd
        let trickle = Thread {
            // 30 bytes every 100 ms: 300 B/s, until the server closes (send fails) or 30 s pass.
            let bytes = [UInt8](repeating: 0x61, count: 30)
            for _ in 0..<300 {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                usleep(100_000)
            }
        }
        trickle.start()
        let (text, closed) = c.readUntilClosed()
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 408 "), "\(text.prefix(200))")
        #expect(text.contains("\"code\":\"request_timeout\""))
        await s.stop()
        dir.remove()
    }

    @Test func reservedPaths_answerWhenTheCapIsReached_andOtherPathsGet503() async throws {
        let s = try server {
            $0.maxConnections = 2
            $0.reservedPaths = ["/hello/probe"]
            $0.reservedConnections = 1
            $0.responseHeaders = ["Kandas-Protocol": "1"]
            $0.problemTypePrefix = "urn:kandas:problem:"
        }
        var held: [RawClient] = []
        for i in 0..<2 {
            let c = try RawClient(port: s.port)
            c.send("GET /hello/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponses(1).count == 1)
            held.append(c)
        }
        let probe = try RawClient(port: s.port)
        probe.send("GET /hello/probe HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(probe.readResponses(1).first?.hasSuffix("hello probe") == true)
        probe.send("GET /hello/probe HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(probe.readResponses(1).first?.hasSuffix("hello probe") == true)
        // The reserve is taken too: refused at accept, with the protocol's headers and body.
        let shed = try RawClient(port: s.port).readAll()
        #expect(shed.hasPrefix("HTTP/1.1 503 "))
        #expect(shed.contains("Kandas-Protocol: 1\r\n"))
        #expect(shed.contains("\"type\":\"urn:kandas:problem:too_many_connections\""))
        // On a reserve connection, any other path is refused.
        probe.send("GET /hello/other HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = probe.readAll()
        #expect(refused.hasPrefix("HTTP/1.1 503 "))
        #expect(refused.contains("too_many_connections"))
        #expect(refused.contains("Retry-After: "))
        held.removeAll()
        #expect(waitUntil { s.server.metrics.openConnections == 0 })
        await s.stop()
        dir.remove()
    }

    @Test func behindATrustedProxy_theCapCountsEachForwardedAddress() async throws {
        let s = try server {
            $0.maxConnectionsPerAddress = 1
            $0.trustForwardedFor = true
        }
        func request(_ c: RawClient, _ forwarded: String, _ name: String) -> String {
            c.send("GET /hello/\(name) HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9, \(forwarded)\r\n\r\n")
            return c.readResponses(1).first ?? c.readAll()
        }
        // Every connection comes from 127.0.0.1 (the "proxy"): without forwarding, the second would be shed.
        let a = try RawClient(port: s.port)
        #expect(request(a, "10.0.0.1", "a").hasSuffix("hello a"))
        let b = try RawClient(port: s.port)
        #expect(request(b, "10.0.0.2", "b").hasSuffix("hello b"))
        let again = try RawClient(port: s.port)
        let refused = request(again, "10.0.0.1", "c")
        #expect(refused.hasPrefix("HTTP/1.1 503 "))
        #expect(refused.contains("too_many_connections"))
        // A kept-alive connection may carry another client next (nginx upstream keepalive).
        #expect(request(b, "10.0.0.3", "d").hasSuffix("hello d"))
        let freed = try RawClient(port: s.port)
        #expect(request(freed, "10.0.0.2", "e").hasSuffix("hello e"))
        await s.stop()
        dir.remove()
    }
}

/// Issue 14 findings 6 and 7: the engine's own errors follow Protocol §1 and §1.1 (a real `type`,
/// `request_id` equal to the `Request-Id` header, the configured `Kandas-Protocol` header, `limit`
/// on 413), and every response, files included, carries `Request-Id`.
@Suite struct EngineProblemTests {
    let dir = TemporaryFolder()

    func server(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(router: liveRouter(dir: dir.path, events: Events())) {
            $0.responseHeaders = ["Kandas-Protocol": "1"]
            $0.problemTypePrefix = "urn:kandas:problem:"
            $0.headerLimits.maxHeaderBytes = 4096
            $0.headerLimits.maxRequestLineBytes = 2048
            configure(&$0)
        }
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var problem: [String: Any]
    }

    static func parse(_ text: String) -> Answer? {
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].split(separator: "\r\n")
        guard let status = lines.first.flatMap({ Int($0.split(separator: " ")[1]) }) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let body = Data(text[end.upperBound...].utf8)
        let problem = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        return Answer(status: status, headers: headers, problem: problem)
    }

    static let cases: [(String, Int, String)] = [
        ("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400, "bad_request"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413, "body_too_large"),
        ("GET /\(String(repeating: "a", count: 3000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 5000))\r\n\r\n", 431, "header_too_large"),
        ("GET /hello/a HTTP/1.2\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"),
        ("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
        ("BREW /hello/a HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
        ("PUT /echo HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n", 417, "expectation_failed"),
    ]

    @Test(arguments: 0..<cases.count)
    func engineError_isAProtocolProblem(_ index: Int) async throws {
        let (wire, status, code) = Self.cases[index]
        let s = try server()
        let c = try RawClient(port: s.port)
        c.send(wire)
        let text = c.readResponses(1).first ?? ""
        let answer = try #require(Self.parse(text), "\(text.prefix(300))")
        #expect(answer.status == status)
        #expect(answer.headers["content-type"] == "application/problem+json")
        #expect(answer.headers["kandas-protocol"] == "1")
        let id = try #require(answer.headers["request-id"])
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["type"] as? String == "urn:kandas:problem:\(code)")
        #expect(answer.problem["code"] as? String == code)
        #expect(answer.problem["status"] as? Int == status)
        #expect(answer.problem["title"] as? String == ProblemRenderer.title(code: code))
        if status == 413 { #expect(answer.problem["limit"] as? Int == 1 << 20) }
        await s.stop()
        dir.remove()
    }

    @Test func connectionCap503_carriesTheProtocolHeadersAndBody() async throws {
        let s = try server { $0.maxConnections = 1 }
        let held = try RawClient(port: s.port)
        held.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(held.readResponses(1).count == 1)
        let answer = try #require(Self.parse(try RawClient(port: s.port).readAll()))
        #expect(answer.status == 503)
        #expect(answer.headers["kandas-protocol"] == "1")
        #expect(answer.headers["retry-after"] == "5")
        let id = try #require(answer.headers["request-id"])
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["type"] as? String == "urn:kandas:problem:too_many_connections")
        #expect(answer.problem["retry_after_s"] as? Int == 5)
        await s.stop()
        dir.remove()
    }

    @Test func fileResponses_200_206_416_carryRequestId() async throws {
        try Data((0..<100).map { UInt8($0) }).write(to: URL(fileURLWithPath: dir.path + "/served.bin"))
        let s = try server()
        for (range, status) in [(nil, 200), ("bytes=0-9", 206), ("bytes=500-", 416)] as [(String?, Int)] {
            let c = try RawClient(port: s.port)
            c.send("GET /file HTTP/1.1\r\nHost: x\r\n\(range.map { "Range: \($0)\r\n" } ?? "")\r\n")
            let answer = try #require(Self.parse(c.readResponses(1).first ?? ""))
            #expect(answer.status == status)
            let id = try #require(answer.headers["request-id"], "\(status)")
            if status == 416 { #expect(answer.problem["request_id"] as? String == id) }
        }
        await s.stop()
        dir.remove()
    }
}
