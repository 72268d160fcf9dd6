import Foundation
import Glibc
import KandasTestSupport
import Lifecycle
import Synchronization
import Testing

@testable import HTTPServer

/// Live tests: a real server on 127.0.0.1 port 0, driven by curl, Python's http.client and raw sockets.
@Suite struct HTTPServerTests {
    let dir = TemporaryFolder()
    let events = Events()

    func withServer(
        hooks: HTTPServerHooks = HTTPServerHooks(), configure: (inout HTTPServer.Configuration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let s = try TestServer(router: liveRouter(dir: dir.path, events: events), hooks: hooks, configure: configure)
        do {
            try await body(s)
        } catch {
            await s.stop()
            dir.remove()
            throw error
        }
        await s.stop()
        dir.remove()
    }

    @Test func curl_reusesOneKeepAliveConnection() async throws {
        try await withServer { s in
            let r = try run([
                "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} ", "\(s.url)/hello/a",
                "\(s.url)/hello/b",
            ])
            #expect(r.output == "1 0 ")
        }
    }

    @Test func pipelinedRequests_getResponsesInOrder() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send(
                "GET /hello/1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
                    + "GET /hello/3 HTTP/1.1\r\nHost: x\r\n\r\n")
            let responses = c.readResponses(3)
            #expect(responses.count == 3)
            #expect(
                responses.map { $0.split(separator: "\r\n\r\n").last.map(String.init) ?? "" } == [
                    "hello 1", "body", "hello 3",
                ])
        }
    }

    @Test func curlChunkedUpload_isStreamedToTheConsumer() async throws {
        try await withServer { s in
            let payload = Data((0..<300_000).map { UInt8($0 % 251) })
            let r = try run(
                ["curl", "-sS", "-T", "-", "-H", "Transfer-Encoding: chunked", "\(s.url)/upload/chunked.bin"],
                stdin: payload)
            #expect(r.output == "stored 300000")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/chunked.bin")) == payload)
        }
    }

    @Test func curlLargeUpload_usesExpect100Continue() async throws {
        try await withServer { s in
            let payload = Data(repeating: 7, count: 3 << 20)
            let file = dir.path + "/source.bin"
            try payload.write(to: URL(fileURLWithPath: file))
            let r = try run(["curl", "-sS", "-H", "Expect: 100-continue", "-T", file, "\(s.url)/upload/copy.bin"])
            #expect(r.output == "stored \(payload.count)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/copy.bin")) == payload)
        }
    }

    @Test func expectContinue_isAnsweredWithTheFinalStatusWhenTheRouteRefuses() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send(
                "PUT /upload/x HTTP/1.1\r\nHost: x\r\nX-Refuse: 1\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n"
            )
            let text = c.readAll()
            #expect(text.hasPrefix("HTTP/1.1 409 "))
            #expect(!text.contains("100 Continue"))
            #expect(text.contains("Connection: close"))
        }
    }

    @Test func expectContinue_sends100ThenTheFinalResponse() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("PUT /upload/e.bin HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            var buf = [UInt8](repeating: 0, count: 1024)
            let n = buf.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            #expect(String(decoding: buf[0..<max(0, n)], as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
            c.send("hello")
            let final = c.readResponses(1)
            #expect(final.first?.hasPrefix("HTTP/1.1 201 ") == true)
        }
    }

    @Test func announcedBodyOverTheLimit_is413BeforeReading() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
            let text = c.readAll()
            #expect(text.hasPrefix("HTTP/1.1 413 "))
            #expect(text.contains("\"code\":\"body_too_large\""))
        }
    }

    @Test func refusedBodyAlreadyInFlight_stillLetsTheClientRead413() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            // No Expect: the client sends the whole body at once; the server answers without
            // reading it, then discards what arrives so the response is not lost to a reset.
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
            c.send([UInt8](repeating: 0x62, count: 2_000_000))
            let text = c.readAll()
            #expect(text.hasPrefix("HTTP/1.1 413 "))
        }
    }

    @Test func chunkedBodyOverTheLimit_is413() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = "100000\r\n" + String(repeating: "a", count: 0x100000) + "\r\n"
            c.send(chunk)
            c.send(chunk)
            #expect(c.readAll().hasPrefix("HTTP/1.1 413 "))
        }
    }

    @Test func malformedChunkedUpload_abortsTheConsumerAndGets400() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("PUT /upload/bad.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX")
            #expect(c.readAll().hasPrefix("HTTP/1.1 400 "))
            #expect(events.wait { $0.hasPrefix("abort") }?.hasPrefix("abort malformed") == true)
        }
    }

    @Test func connectionCutMidBody_abortsTheConsumer() async throws {
        try await withServer { s in
            do {
                let c = try RawClient(port: s.port)
                c.send("PUT /upload/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
                c.send([UInt8](repeating: 1, count: 400_000))
                _ = events.wait { $0 == "chunk" }
            }
            let hit = events.wait { $0.hasPrefix("abort") }
            #expect(hit?.hasPrefix("abort connection_closed") == true)
            #expect(!events.all.contains { $0.hasPrefix("finish") })
        }
    }

    @Test func spooledBody_reachesTheHandlerAsAFile() async throws {
        try await withServer { s in
            let r = try run(
                ["curl", "-sS", "--data-binary", "@-", "\(s.url)/spool"], stdin: Data(repeating: 65, count: 100_000))
            #expect(r.output == "spooled 100000 100000")
        }
    }

    @Test func fileRanges_give206_416_andHonourIfRange() async throws {
        let content = Data((0..<10_000).map { UInt8($0 % 256) })
        try content.write(to: URL(fileURLWithPath: dir.path + "/served.bin"))
        try await withServer { s in
            let full = try run(["curl", "-sS", "-D", "-", "-o", "/dev/null", "\(s.url)/file"]).output
            #expect(full.hasPrefix("HTTP/1.1 200"))
            #expect(full.contains("Accept-Ranges: bytes"))
            let etag = try #require(full.split(separator: "\r\n").first { $0.hasPrefix("ETag: ") }).dropFirst(6)
            let part = try run(["curl", "-sS", "-r", "10-19", "-w", " %{http_code}", "\(s.url)/file"]).output
            #expect(part.hasSuffix(" 206"))
            #expect(Array(part.utf8.prefix(10)) == Array(content[10..<20]))
            let suffix = try run([
                "curl", "-sS", "-r", "-5", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "\(s.url)/file",
            ])
            #expect(suffix.output == "206 5")
            let beyond = try run(["curl", "-sS", "-r", "20000-", "-D", "-", "-o", "/dev/null", "\(s.url)/file"]).output
            #expect(beyond.hasPrefix("HTTP/1.1 416"))
            #expect(beyond.contains("Content-Range: bytes */10000"))
            let matching = try run(
                [
                    "curl", "-sS", "-r", "0-1", "-H", "If-Range: \(etag)", "-o", "/dev/null", "-w", "%{http_code}",
                    "\(s.url)/file",
                ])
            #expect(matching.output == "206")
            let stale = try run(
                [
                    "curl", "-sS", "-r", "0-1", "-H", "If-Range: \"old\"", "-o", "/dev/null", "-w",
                    "%{http_code} %{size_download}", "\(s.url)/file",
                ])
            #expect(stale.output == "200 10000")
        }
    }

    @Test func streamedResponse_isChunked() async throws {
        try await withServer { s in
            let r = try run(["curl", "-sS", "-D", "-", "\(s.url)/stream"]).output
            #expect(r.contains("Transfer-Encoding: chunked"))
            #expect(r.hasSuffix((0..<10).map { "line \($0)\n" }.joined()))
        }
    }

    @Test func unknownPath_is404_wrongMethod_is405WithAllow_andOptionsListsMethods() async throws {
        try await withServer { s in
            let notFound = try run(["curl", "-sS", "-w", " %{http_code}", "\(s.url)/nope"]).output
            #expect(notFound.hasSuffix(" 404"))
            #expect(notFound.contains("\"code\":\"not_found\""))
            let wrong = try run(["curl", "-sS", "-X", "DELETE", "-D", "-", "-o", "/dev/null", "\(s.url)/echo"]).output
            #expect(wrong.hasPrefix("HTTP/1.1 405"))
            #expect(wrong.contains("Allow: POST"))
            let options = try run(["curl", "-sS", "-X", "OPTIONS", "-D", "-", "-o", "/dev/null", "\(s.url)/hello/x"])
                .output
            #expect(options.hasPrefix("HTTP/1.1 204"))
            #expect(options.contains("Allow: GET, HEAD, OPTIONS"))
            let star = try RawClient(port: s.port)
            star.send("OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(star.readAll().hasPrefix("HTTP/1.1 204"))
        }
    }

    @Test func handlerErrors_becomeProblemJSON_withoutLeakingDetails() async throws {
        try await withServer { s in
            let fail = try run(["curl", "-sS", "-H", "Request-Id: r-1", "-w", " %{http_code}", "\(s.url)/fail"]).output
            #expect(
                fail
                    == "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,\"code\":\"internal_error\",\"instance\":\"/fail\",\"request_id\":\"r-1\"} 500"
            )
            let teapot = try run(["curl", "-sS", "-D", "-", "\(s.url)/teapot"]).output
            #expect(teapot.contains("Content-Type: application/problem+json"))
            #expect(teapot.contains("\"code\":\"teapot\",\"detail\":\"short and stout\""))
        }
    }

    @Test func headRequest_hasLengthButNoBody() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("HEAD /hello/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = c.readAll()
            #expect(text.contains("Content-Length: 9\r\n"))
            #expect(text.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func malformedRequest_gets400AndClose() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
            let text = c.readAll()
            #expect(text.hasPrefix("HTTP/1.1 400 "))
            #expect(text.contains("Connection: close"))
        }
    }

    @Test func pythonHTTPClient_keepsAliveAndPosts() async throws {
        try await withServer { s in
            let script = """
                import http.client
                c = http.client.HTTPConnection('127.0.0.1', \(s.port))
                c.request('GET', '/hello/py'); r = c.getresponse(); a = r.read().decode()
                c.request('POST', '/echo', body=b'x' * 5000); r2 = c.getresponse(); b = len(r2.read())
                c.request('GET', '/hello/again'); r3 = c.getresponse(); d = r3.read().decode()
                print(a, b, d, r.getheader('Request-Id') is not None, c.sock is not None)
                """
            let r = try run(["python3", "-c", script])
            #expect(r.output == "hello py 5000 hello again True True\n")
        }
    }

    @Test func requestHook_answers401BeforeTheBodyIsRead() async throws {
        let hooks = HTTPServerHooks(requestHead: { req in
            req.headers["Authorization"] == nil ? .problem(status: .unauthorized, code: "unauthenticated") : nil
        })
        try await withServer(hooks: hooks) { s in
            let denied = try run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(s.url)/hello/x"])
            #expect(denied.output == "401")
            let allowed = try run(["curl", "-sS", "-H", "Authorization: Bearer t", "\(s.url)/hello/x"])
            #expect(allowed.output == "hello x")
        }
    }

    /// The loop's own answers: a routed GET without a body that the hook answers gets that answer
    /// (route parameters set, engine headers added, counted); one it leaves, a GET announcing a
    /// body, other methods and unrouted paths go to the handler threads as before.
    @Test func answerOnLoop_answersWhatItTakes_andLeavesTheRest() async throws {
        let seen = Mutex<[String]>([])
        let hooks = HTTPServerHooks(answerOnLoop: { req in
            seen.withLock { $0.append("\(req.method.rawValue) \(req.routePattern ?? "-")") }
            guard req.parameter("name") == "loop" else { return nil }
            return .text("from the loop \(req.routePattern ?? "-")")
        })
        try await withServer(hooks: hooks) { s in
            let loop = try run(["curl", "-sS", "-i", "\(s.url)/hello/loop"])
            #expect(loop.output.contains("from the loop /hello/:name"))
            #expect(loop.output.contains("Request-Id: "))
            #expect(loop.output.contains("Content-Length: "))
            #expect(try run(["curl", "-sS", "\(s.url)/hello/bob"]).output == "hello bob")
            let withBody = try run(["curl", "-sS", "-X", "GET", "--data-binary", "xy", "\(s.url)/hello/loop"])
            #expect(withBody.output == "hello loop")
            let posted = try run(["curl", "-sS", "--data-binary", "abc", "\(s.url)/echo"])
            #expect(posted.output == "abc")
            let unrouted = try run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(s.url)/nowhere"])
            #expect(unrouted.output == "404")
            #expect(s.server.metrics.answeredOnLoop == 1)
            #expect(seen.withLock { $0 } == ["GET /hello/:name", "GET /hello/:name"])
        }
    }

    @Test func accessLog_hasTheRoutePattern_notTheQueryOrToken() async throws {
        let entries = Mutex<[AccessLogEntry]>([])
        let hooks = HTTPServerHooks(accessLog: { e in entries.withLock { $0.append(e) } })
        try await withServer(hooks: hooks) { s in
            _ = try run([
                "curl", "-sS", "-H", "Authorization: Bearer secret-token", "\(s.url)/hello/bob?token=secret-token",
            ])
            waitUntil { !entries.withLock { $0.isEmpty } }
            let e = try #require(entries.withLock { $0.first })
            #expect(e.route == "/hello/:name")
            #expect(e.status == 200)
            #expect(e.method == "GET")
            #expect(!"\(e)".contains("secret"))
            #expect(!"\(e)".contains("bob"))
            #expect(s.server.metrics.requestsByStatusClass[2] >= 1)
        }
    }
}

/// The server as a `Lifecycle.Service`.
@Suite struct HTTPServerServiceTests {
    @Test func serviceGroupShutdown_stopsTheServerAndRunReturns() async throws {
        var router = Router()
        router.add(.get, "/ping") { _ in .text("pong") }
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.handlerThreads = 1
        let server = HTTPServer(configuration: config, router: router, logger: .disabled)
        let group = ServiceGroup(services: [server], signals: [], logger: .disabled)
        async let outcome = group.run()
        #expect(await waitUntilAsync { server.boundPort != nil })
        let port = try #require(server.boundPort)
        let pong = try run(["curl", "-sS", "http://127.0.0.1:\(port)/ping"])
        #expect(pong.output == "pong")
        group.triggerShutdown()
        #expect(try await outcome == .requested)
        #expect(throws: TestSupportError.self) { _ = try RawClient(port: port) }
    }

    @Test func bindingATakenPort_throwsListenFailedWithErrno() throws {
        let first = HTTPServer(
            configuration: .init(listen: [.init(host: "127.0.0.1", port: 0)]), router: Router(), logger: .disabled)
        try first.start()
        let second = HTTPServer(
            configuration: .init(listen: [.init(host: "127.0.0.1", port: first.boundPort!)]), router: Router(),
            logger: .disabled)
        #expect {
            try second.start()
        } throws: { error in
            (error as? HTTPError)?.code == "listen_failed" && (error as? HTTPError)?.errno == EADDRINUSE
        }
        first.beginShutdown(gracePeriod: .seconds(1))
    }
}
