import Foundation
import Testing

@testable import HTTPServer

@Suite struct HTTPResponseTests {
    @Test func problem_isRFC9457WithAStableCode() throws {
        let r = HTTPResponse.problem(status: .contentTooLarge, code: "body_too_large", detail: "max \"1\"\n")
        #expect(r.headers["Content-Type"] == "application/problem+json")
        guard case .bytes(let b) = r.body else {
            Issue.record("no body")
            return
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(b)) as? [String: Any])
        #expect(json["status"] as? Int == 413)
        #expect(json["code"] as? String == "body_too_large")
        #expect(json["detail"] as? String == "max \"1\"\n")
        #expect(json["title"] as? String == "Content Too Large")
    }

    @Test func json_encodesWithSortedKeys() throws {
        struct Payload: Encodable {
            var b = 2
            var a = "x/y"
        }
        let r = try HTTPResponse.json(Payload(), status: .created)
        #expect(r.status == .created)
        guard case .bytes(let b) = r.body else { return }
        #expect(String(decoding: b, as: UTF8.self) == "{\"a\":\"x/y\",\"b\":2}")
    }

    @Test func listenAddresses_parseIPv4AndBracketedIPv6() {
        #expect(HTTPServer.ListenAddress("127.0.0.1:8080") == .init(host: "127.0.0.1", port: 8080))
        #expect(HTTPServer.ListenAddress("[::1]:0") == .init(host: "::1", port: 0))
        #expect(HTTPServer.ListenAddress("::1:80") == nil)
        #expect(HTTPServer.ListenAddress("host:99999") == nil)
        #expect(HTTPServer.ListenAddress("[::1]") == nil)
    }

    @Test func metrics_renderAsPrometheusText() {
        let recorder = MetricsRecorder()
        recorder.request(status: 200, bytesIn: 10, bytesOut: 20, durationMs: 3)
        recorder.request(status: 503, bytesIn: 1, bytesOut: 2, durationMs: 20_000)
        let m = recorder.snapshot
        #expect(m.requestsByStatusClass[2] == 1 && m.requestsByStatusClass[5] == 1)
        let text = m.prometheusText()
        #expect(text.contains("http_requests_total{class=\"2xx\"} 1"))
        #expect(text.contains("http_request_duration_ms_bucket{le=\"5.0\"} 1"))
        #expect(text.contains("http_request_duration_ms_bucket{le=\"+Inf\"} 2"))
    }
}
