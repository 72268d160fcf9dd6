import Foundation
import KandasTestSupport
import Testing

/// The request-head hook authorises before any body byte: refused callers never get
/// `100 Continue`, accepted ones do, and a body declared too large is refused unread.
@Suite(.serialized) struct KandasAppAuthorizationTests {
    /// A push head with `Expect: 100-continue` (and no body yet).
    static func pushHead(token: String, length: Int, port: Int) -> String {
        "POST /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(length)\r\nExpect: 100-continue\r\n"
            + "Connection: close\r\n\r\n"
    }

    @Test func expectContinueWithBadToken_gets401AndNoContinue() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        // Only the head is sent: the answer must come without the server waiting for the body.
        let head = Self.pushHead(token: "kda_" + String(repeating: "A", count: 43), length: 2_000, port: s.server.port)
        let raw = String(decoding: try s.server.client.exchange(Array(head.utf8)), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 401"), "\(raw.prefix(300))")
        #expect(!raw.contains("100 Continue"))
        #expect(raw.contains("www-authenticate") || raw.contains("WWW-Authenticate"))
    }

    @Test func expectContinueWithUserSession_gets403AndNoContinue() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let bearer = s.base.admin.defaultHeaders.first { $0.0 == "Authorization" }?.1 ?? ""
        let head = Self.pushHead(token: String(bearer.dropFirst("Bearer ".count)), length: 2_000, port: s.server.port)
        let raw = String(decoding: try s.server.client.exchange(Array(head.utf8)), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 403"), "\(raw.prefix(300))")
        #expect(!raw.contains("100 Continue"))
    }

    @Test func expectContinueWithGoodToken_getsContinueThenTheAnswer() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let body = SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": []])
        let head = Self.pushHead(token: d.token, length: body.utf8.count, port: s.server.port)
        let raw = String(decoding: try s.server.client.exchange(Array((head + body).utf8)), as: UTF8.self)
        // The final answer is the handler's verdict on the body it was invited to send (an empty batch).
        #expect(raw.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 422"), "\(raw.prefix(300))")
        #expect(raw.contains("\"pointer\":\"/events\""))
    }

    @Test func oversizedDeclaredBody_gets413Unread_butOnlyAfterAuthentication() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let good = Self.pushHead(token: d.token, length: 64 << 20, port: s.server.port)
        let tooLarge = String(decoding: try s.server.client.exchange(Array(good.utf8)), as: UTF8.self)
        #expect(tooLarge.hasPrefix("HTTP/1.1 413"), "\(tooLarge.prefix(300))")
        #expect(!tooLarge.contains("100 Continue"))
        let bad = Self.pushHead(token: "nope", length: 64 << 20, port: s.server.port)
        let refused = String(decoding: try s.server.client.exchange(Array(bad.utf8)), as: UTF8.self)
        #expect(refused.hasPrefix("HTTP/1.1 401"), "\(refused.prefix(300))")
    }

    @Test func consoleFormWithoutSession_isRefusedBeforeTheForm() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let head =
            "POST /console/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: 500\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
        let raw = String(decoding: try s.server.client.exchange(Array(head.utf8)), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 401") || raw.hasPrefix("HTTP/1.1 403"), "\(raw.prefix(300))")
        #expect(!raw.contains("100 Continue"))
    }
}
