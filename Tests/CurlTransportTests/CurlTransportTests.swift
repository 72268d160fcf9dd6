import CurlTransport
import Foundation
import KandasClient
import Testing

/// Requests and responses against a real HTTP/1.1 peer (`echo_server.py`).
@Suite struct CurlTransportTests {
    let transport = CurlTransport(configuration: .init(userAgent: "kandas-test/1"))

    @Test func get_returnsStatusHeadersAndBody() async throws {
        try await withEchoServer { server in
            let response = try await transport.send(TransportRequest(method: "GET", url: server.url("/echo")))
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("Content-Length") == String(response.body.count))
            let echo = try response.body.decodeEcho()
            #expect(echo.method == "GET")
            #expect(echo.length == 0)
            #expect(echo.headers["user-agent"] == "kandas-test/1")
            #expect(response.bytesSent == 0)
        }
    }

    @Test func bytesBody_arrivesWithItsLengthAndNoInventedContentType() async throws {
        try await withEchoServer { server in
            let request = TransportRequest(method: "POST", url: server.url("/echo"), body: .bytes(Array("hello".utf8)))
            let response = try await transport.send(request)
            let echo = try response.body.decodeEcho()
            #expect(echo.method == "POST")
            #expect(echo.length == 5)
            #expect(echo.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
            #expect(echo.headers["content-type"] == nil)
            #expect(response.bytesSent == 5)
        }
    }

    @Test(arguments: ["PATCH", "PUT", "DELETE", "OPTIONS"])
    func otherMethods_areSentAsGiven(method: String) async throws {
        try await withEchoServer { server in
            let body: TransportRequest.Body = method == "PATCH" ? .bytes([1, 2, 3]) : .none
            let response = try await transport.send(
                TransportRequest(method: method, url: server.url("/echo"), body: body))
            let echo = try response.body.decodeEcho()
            #expect(echo.method == method)
            #expect(echo.length == (method == "PATCH" ? 3 : 0))
        }
    }

    @Test func head_returnsHeadersWithoutWaitingForABody() async throws {
        try await withEchoServer { server in
            let response = try await transport.send(TransportRequest(method: "HEAD", url: server.url("/echo")))
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(Int(response.header("Content-Length") ?? "") ?? 0 > 0)
        }
    }

    @Test func headOfAResourceAboveTheLimit_isAccepted() async throws {
        try await withEchoServer { server in
            let request = TransportRequest(method: "HEAD", url: server.url("/big?n=2000000"), maxResponseBytes: 1000)
            let response = try await transport.send(request)
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == "2000000")
        }
    }

    @Test func postWithoutBody_declaresAnEmptyBody() async throws {
        try await withEchoServer { server in
            let response = try await transport.send(TransportRequest(method: "POST", url: server.url("/echo")))
            let echo = try response.body.decodeEcho()
            #expect(echo.headers["content-length"] == "0")
        }
    }

    @Test func callerHeaders_areSentAndNoExpectContinueIsAdded() async throws {
        try await withEchoServer { server in
            // libcurl would add `Expect: 100-continue` above 1 MiB; we must not.
            let request = TransportRequest(
                method: "PATCH", url: server.url("/echo"),
                headers: [(name: "Tus-Resumable", value: "1.0.0"), (name: "X-Empty", value: "")],
                body: .bytes(patternBytes(count: 3 << 20)))
            let echo = try await transport.send(request).body.decodeEcho()
            #expect(echo.headers["expect"] == nil)
            #expect(echo.headers["tus-resumable"] == "1.0.0")
            #expect(echo.headers["x-empty"] == "")
            #expect(echo.length == 3 << 20)
        }
    }

    @Test func interimResponseHeaders_areNotKept() async throws {
        try await withEchoServer { server in
            let request = TransportRequest(
                method: "POST", url: server.url("/echo"), headers: [(name: "Expect", value: "100-continue")],
                body: .bytes(Array("body".utf8)))
            let response = try await transport.send(request)
            #expect(response.status == 200)
            #expect(response.header("X-Interim") == nil)
            #expect(try response.body.decodeEcho().headers["expect"] == "100-continue")
        }
    }

    @Test(arguments: ["/big?n=2000000", "/chunked?n=2000000"])
    func responseAboveTheLimit_isResponseTooLarge(path: String) async throws {
        try await withEchoServer { server in
            let request = TransportRequest(method: "GET", url: server.url(path), maxResponseBytes: 1_000_000)
            await #expect(throws: TransportError.responseTooLarge(1_000_000)) {
                try await transport.send(request)
            }
        }
    }

    @Test(arguments: ["/big?n=1000", "/chunked?n=1000"])
    func responseOfExactlyTheLimit_isAccepted(path: String) async throws {
        try await withEchoServer { server in
            let request = TransportRequest(method: "GET", url: server.url(path), maxResponseBytes: 1000)
            let response = try await transport.send(request)
            #expect(response.body.count == 1000)
        }
    }

    @Test func refusedConnection_isCouldNotConnect() async throws {
        // Port 1 (tcpmux) is not listening on a test machine, so the kernel refuses at once.
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(TransportRequest(method: "GET", url: "http://127.0.0.1:1/"))
        }
        guard case .couldNotConnect = error else { throw TestFailure("got \(String(describing: error))") }
    }

    @Test(arguments: ["ftp://127.0.0.1/x", "not a url", "http://exa mple/", "http://[::1/x", "file:///etc/passwd"])
    func malformedOrNonHTTPURL_isInvalidURL(url: String) async throws {
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(TransportRequest(method: "GET", url: url))
        }
        guard case .invalidURL = error else { throw TestFailure("got \(String(describing: error))") }
    }

    @Test func unknownHost_isCouldNotResolveHost() async throws {
        // RFC 6761: `.invalid` never resolves.
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(TransportRequest(method: "GET", url: "http://kandas.invalid/"))
        }
        guard case .couldNotResolveHost = error else { throw TestFailure("got \(String(describing: error))") }
    }

    @Test func serverThatStopsSending_isTimedOut() async throws {
        try await withEchoServer { server in
            let request = TransportRequest(method: "GET", url: server.url("/stall"), lowSpeedTimeout: .seconds(1))
            let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
            guard case .timedOut = error else { throw TestFailure("got \(String(describing: error))") }
            #expect(error?.isTransient == true)
        }
    }

    @Test func connectionCutMidResponse_isConnectionLost() async throws {
        try await withEchoServer { server in
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(TransportRequest(method: "GET", url: server.url("/cut")))
            }
            guard case .connectionLost = error else { throw TestFailure("got \(String(describing: error))") }
        }
    }

    @Test func headerValueWithLineBreak_isRefusedBeforeSending() async throws {
        let request = TransportRequest(
            method: "GET", url: "http://127.0.0.1:1/", headers: [(name: "X-A", value: "a\r\nX-Injected: 1")])
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        // Not `.couldNotConnect`: the request never reached the network.
        guard case .other = error else { throw TestFailure("got \(String(describing: error))") }
    }

    @Test func selfSignedServer_isRefusedUnlessItsCertificateIsTheConfiguredCABundle() async throws {
        try await withTemporaryDirectory { dir in
            let certificate = dir.appendingPathComponent("cert.pem").path
            let key = dir.appendingPathComponent("key.pem").path
            _ = try await runTool([
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
            try await withEchoServer(tls: (certificate, key)) { server in
                let request = TransportRequest(method: "GET", url: server.url("/echo"))
                let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
                guard case .tls = error else { throw TestFailure("got \(String(describing: error))") }

                let trusting = CurlTransport(configuration: .init(caBundlePath: certificate))
                let response = try await trusting.send(request)
                #expect(try response.body.decodeEcho().method == "GET")
            }
        }
    }
}
