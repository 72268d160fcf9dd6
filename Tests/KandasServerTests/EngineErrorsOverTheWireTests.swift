import Foundation
import KandasProtocol
import KandasTestSupport
import Testing

@testable import KandasServer

/// Issue 14 findings 2, 6 and 7 against the real `kandas-server`: the HTTP layer's own errors are
/// protocol problems (§1, §1.1), tus answers carry `Request-Id`, the caps are settings, and the
/// probes answer at the cap.
@Suite(.serialized) struct EngineErrorsOverTheWireTests {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    static func parse(_ text: String) throws -> Answer {
        let end = try #require(text.range(of: "\r\n\r\n"), "no head in \(text.prefix(200))")
        let lines = text[..<end.lowerBound].split(separator: "\r\n")
        let status = try #require(lines.first.flatMap { Int($0.split(separator: " ")[1]) })
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: Data(text[end.upperBound...].utf8))
    }

    /// Checks §1/§1.1 on one answer and returns its problem.
    @discardableResult
    static func checkProblem(_ answer: Answer, code: ErrorCode) throws -> Problem {
        #expect(answer.headers["kandas-protocol"] == "1")
        #expect(answer.headers["content-type"] == "application/problem+json")
        let problem = try JSONDecoder().decode(Problem.self, from: answer.body)
        let expected = Problem(code)
        #expect(problem.type == expected.type)
        #expect(problem.title == expected.title)
        #expect(problem.status == answer.status)
        #expect(answer.status == code.httpStatus)
        #expect(problem.code == code.rawValue)
        let id = try #require(answer.headers["request-id"])
        #expect(problem.requestID == id)
        return problem
    }

    @Test func httpLayerErrors_areProtocolProblems() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        let cases: [(String, ErrorCode)] = [
            ("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", .badRequest),
            (
                "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\n\r\n",
                .bodyTooLarge
            ),
            ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", .uriTooLong),
            (
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 17000))\r\n\r\n",
                .headerTooLarge
            ),
            ("GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n", .httpVersionNotSupported),
        ]
        for (wire, code) in cases {
            let c = try RawClient(port: server.port)
            c.send(wire)
            let answer = try Self.parse(c.readResponses(1).first ?? c.readAll())
            let problem = try Self.checkProblem(answer, code: code)
            if code == .bodyTooLarge { #expect(problem.limit != nil && problem.limit! > 0) }
        }
    }

    @Test func tusAnswers_carryRequestId() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        let options = try server.client.send("OPTIONS", "/v1/uploads")
        #expect(options.headers.keys.contains { $0.lowercased() == "request-id" })
        let c = try RawClient(port: server.port)
        c.send("HEAD /v1/uploads/0123456789abcdef0123456789abcdef HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n\r\n")
        let head = try Self.parse(c.readResponses(1).first ?? "")
        #expect(head.headers["request-id"] != nil, "\(head.status)")
    }

    @Test func connectionCap_isASetting_andTheProbesStillAnswer() throws {
        let server = try ServerProcess(seed: false, arguments: ["--max-connections", "2"])
        defer { server.cleanup() }
        var held: [RawClient] = []
        for _ in 0..<2 {
            let c = try RawClient(port: server.port)
            c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponses(1).count == 1)
            held.append(c)
        }
        for path in ["/healthz", "/readyz"] {
            let probe = try RawClient(port: server.port)
            probe.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(probe.readAll().hasPrefix("HTTP/1.1 200 "), "\(path)")
        }
        let other = try RawClient(port: server.port)
        other.send("GET /v1/limits HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = try Self.parse(other.readAll())
        let problem = try Self.checkProblem(answer, code: .tooManyConnections)
        #expect(problem.retryAfterSeconds != nil)
    }

    @Test func perAddressCap_countsForwardedAddresses_withTrustProxy() throws {
        let server = try ServerProcess(
            seed: false, arguments: ["--max-connections-per-address", "1"],
            environment: ["KANDAS_TRUST_PROXY": "true"])
        defer { server.cleanup() }
        func get(_ c: RawClient, from address: String) throws -> Int {
            c.send("GET /v1/limits HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: \(address)\r\n\r\n")
            return try Self.parse(c.readResponses(1).first ?? c.readAll()).status
        }
        let a = try RawClient(port: server.port)
        let b = try RawClient(port: server.port)
        let c = try RawClient(port: server.port)
        #expect(try get(a, from: "198.51.100.1") == 200)
        #expect(try get(b, from: "198.51.100.2") == 200)
        #expect(try get(c, from: "198.51.100.1") == 503)
    }

    @Test func connectionSettings_areInHelp_andValidated() throws {
        let (status, output) = try ServerProcess.run(["help"])
        #expect(status == 0)
        for flag in [
            "--max-connections", "--max-connections-per-address", "--header-timeout-seconds", "--idle-timeout-seconds",
            "--body-timeout-seconds", "--body-min-rate", "KANDAS_MAX_CONNECTIONS_PER_ADDRESS",
        ] {
            #expect(output.contains(flag), "help lacks \(flag)")
        }
        var config = ServerConfig()
        _ = try ServerConfig.parse(
            arguments: ["--max-connections", "10", "--body-min-rate=2048"],
            environment: ["KANDAS_MAX_CONNECTIONS_PER_ADDRESS": "3", "KANDAS_IDLE_TIMEOUT_SECONDS": "5"],
            into: &config, extraFlags: [])
        #expect(config.maxConnections == 10)
        #expect(config.maxConnectionsPerAddress == 3)
        #expect(config.idleTimeoutSeconds == 5)
        #expect(config.bodyMinRate == 2048)
        #expect(throws: CommandError.self) {
            var c = ServerConfig()
            _ = try ServerConfig.parse(
                arguments: ["--max-connections", "0"], environment: [:], into: &c, extraFlags: [])
        }
    }
}
