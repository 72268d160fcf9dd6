import Foundation
import KandasTestSupport
import Testing

/// Password login, its rate limits, sessions and logout (Protocol §2.1).
struct AuthHandlersTests {
    @Test func wrongPassword_andUnknownUser_getTheSameAnswer() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let wrong = try f.server.client.json(
            "POST", "/v1/auth/login", "{\"username\":\"admin\",\"password\":\"nope-nope-nope\"}")
        let unknown = try f.server.client.json(
            "POST", "/v1/auth/login", "{\"username\":\"ghost\",\"password\":\"nope-nope-nope\"}")
        #expect(wrong.status == 401 && wrong.code == "invalid_credentials")
        #expect(unknown.status == 401 && unknown.code == "invalid_credentials")
        #expect(!wrong.text.contains("nope"))
    }

    @Test func sixthFailure_isRateLimited_withRetryAfter() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        for _ in 0..<5 {
            let r = try f.server.client.json(
                "POST", "/v1/auth/login", "{\"username\":\"super11\",\"password\":\"wrong-wrong-1\"}")
            #expect(r.status == 401)
        }
        let limited = try f.server.client.json(
            "POST", "/v1/auth/login", "{\"username\":\"super11\",\"password\":\"\(f.seed.password)\"}")
        #expect(limited.status == 429 && limited.code == "rate_limited")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
        #expect(try f.server.login("super12").get("/v1/auth/me").status == 200)
    }

    @Test func logout_endsTheSession() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let session = try f.server.login("region1")
        #expect(try session.get("/v1/auth/me").object["kind"] as? String == "user")
        #expect(try session.send("POST", "/v1/auth/logout").status == 204)
        let after = try session.get("/v1/auth/me")
        #expect(after.status == 401 && after.code == "token_revoked")
    }

    @Test func idleSession_expires() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let session = try f.server.login("region1")
        try f.server.setClockOffset(seconds: 1801)
        let r = try session.get("/v1/auth/me")
        #expect(r.status == 401 && r.code == "token_expired")
    }

    @Test func disabledUser_cannotLogIn_andLosesSessions() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let session = try f.server.login("super11")
        let user = try f.admin.get("/v1/admin/users/\(f.user("super11"))")
        let version = user.object["version"] as? Int ?? 0
        let patch = try f.admin.json(
            "PATCH", "/v1/admin/users/\(f.user("super11"))", "{\"version\":\(version),\"active\":false}",
            idempotencyKey: f.key())
        #expect(patch.status == 200 && patch.object["active"] as? Bool == false)
        #expect(try session.get("/v1/auth/me").status == 401)
        let login = try f.server.client.json(
            "POST", "/v1/auth/login", "{\"username\":\"super11\",\"password\":\"\(f.seed.password)\"}")
        #expect(login.status == 403 && login.code == "account_disabled")
    }

    @Test func tokenInTheQuery_isNotAccepted() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try f.server.client.get("/v1/auth/me?access_token=kua_x")
        #expect(r.status == 401)
    }

    @Test func behindATrustedProxy_theForwardedAddressIsLimited() throws {
        let server = try ServerProcess(arguments: ["--trust-proxy", "true"])
        defer { server.cleanup() }
        func attempt(_ user: String, from address: String) throws -> TestResponse {
            try server.client.json(
                "POST", "/v1/auth/login", "{\"username\":\"\(user)\",\"password\":\"wrong-wrong-wrong\"}",
                headers: [("X-Forwarded-For", address)])
        }
        for i in 0..<20 { #expect(try attempt("nobody\(i)", from: "203.0.113.9").status == 401) }
        #expect(try attempt("someone", from: "203.0.113.9").status == 429)
        #expect(try attempt("someone", from: "198.51.100.7").status == 401)
    }
}
