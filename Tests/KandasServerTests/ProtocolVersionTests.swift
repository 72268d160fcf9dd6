import Foundation
import KandasTestSupport
import Testing

/// Protocol/README.md: every response carries `Kandas-Protocol: 1`, and a client announcing another
/// version is refused with `unsupported_protocol_version` before anything runs.
@Suite(.serialized) struct ProtocolVersionTests {
    @Test func everyResponse_carriesTheProtocolVersion_engineErrorsIncluded() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        #expect(try server.client.get("/healthz").headers["kandas-protocol"] == "1")
        #expect(try server.client.get("/v1/no-such-route").headers["kandas-protocol"] == "1")
        #expect(try server.client.send("POST", "/v1/sync/push").headers["kandas-protocol"] == "1")
        // A request the engine refuses before routing (obs-fold, RFC 9112 §5.2) still carries it.
        let raw = String(
            decoding: try server.client.exchange(Array("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n".utf8)),
            as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 400"))
        #expect(raw.contains("Kandas-Protocol: 1\r\n"))
    }

    @Test func anotherProtocolVersion_isRefusedWith400() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        let refused = try server.client.send("GET", "/v1/limits", headers: [("Kandas-Protocol", "2")])
        #expect(refused.status == 400)
        #expect(refused.code == "unsupported_protocol_version")
        let accepted = try server.client.send("GET", "/v1/limits", headers: [("Kandas-Protocol", "1")])
        #expect(accepted.status == 200)
    }
}
