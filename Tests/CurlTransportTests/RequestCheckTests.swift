import KandasClient
import Testing

@testable import CurlTransport

@Suite struct RequestCheckTests {
    private func check(_ request: TransportRequest) -> TransportError? {
        do {
            try RequestCheck.validate(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func httpAndHttpsURLs_pass() {
        #expect(check(TransportRequest(method: "GET", url: "https://kandas.example/v1/pull")) == nil)
        #expect(check(TransportRequest(method: "PATCH", url: "HTTP://127.0.0.1:8080/v1/uploads/x")) == nil)
    }

    @Test func otherSchemesAndSpaces_areInvalidURL() {
        for url in ["ftp://x/", "file:///etc/passwd", "kandas.example/v1", "http://a b/", "http://a/\u{7F}"] {
            guard case .invalidURL = check(TransportRequest(method: "GET", url: url)) else {
                Issue.record("\(url) passed")
                continue
            }
        }
    }

    @Test func methodThatIsNotAToken_isRefused() {
        #expect(check(TransportRequest(method: "GET /x", url: "http://a/")) != nil)
        #expect(check(TransportRequest(method: "", url: "http://a/")) != nil)
    }

    @Test func headerInjection_isRefusedWithoutEchoingTheValue() {
        let request = TransportRequest(
            method: "GET", url: "http://a/", headers: [(name: "Authorization", value: "Bearer s3cret\r\nX: y")])
        guard case .other(let message) = check(request) else {
            Issue.record("accepted")
            return
        }
        #expect(!message.contains("s3cret"))
        #expect(
            check(TransportRequest(method: "GET", url: "http://a/", headers: [(name: "Bad Name", value: "")])) != nil)
    }
}
