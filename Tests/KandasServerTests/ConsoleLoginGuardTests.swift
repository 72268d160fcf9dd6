import Foundation
import KandasTestSupport
import Testing

/// Issue 14 findings 11 and 12: the console's sign-in form against a planted cookie pair, and its
/// answer when sign-ins are rate limited.
@Suite(.serialized) final class ConsoleLoginGuardTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess() }
    deinit { server.cleanup() }

    var password: String { server.seed?.password ?? "" }

    /// The login form's CSRF value on the page a client just fetched.
    static func formToken(_ page: TestResponse) -> String {
        let text = page.text
        let form = text.range(of: "class=\"login\"").map { String(text[$0.upperBound...]) } ?? text
        return ConsoleClient.hidden("csrf", in: form) ?? ""
    }

    @Test func loginToken_isBoundToAServerSecret_notEqualToTheCookie() throws {
        var c = ConsoleClient(port: server.port)
        let page = try c.get("/console/login")
        let nonce = try #require(c.cookies["kandas_login"])
        let token = Self.formToken(page)
        #expect(!token.isEmpty && token != nonce)
        let r = try c.post("/console/login", [("csrf", token), ("username", "admin"), ("password", password)])
        #expect(r.status == 303, "\(r)")
        #expect(c.cookies["kandas_session"] != nil)
    }

    @Test func aCookieAndFieldPairChosenByAnyone_is403AndSignsNobodyIn() throws {
        // Whoever can set a cookie on the origin plants the same value in the cookie and the form.
        var c = ConsoleClient(port: server.port)
        c.cookies["kandas_login"] = "planted-value-0123456789"
        let r = try c.post(
            "/console/login", [("csrf", "planted-value-0123456789"), ("username", "admin"), ("password", password)])
        #expect(r.status == 403, "\(r)")
        #expect(c.cookies["kandas_session"] == nil)
    }

    @Test func aTokenIssuedForAnotherBrowsersNonce_is403() throws {
        var a = ConsoleClient(port: server.port)
        var b = ConsoleClient(port: server.port)
        let tokenA = Self.formToken(try a.get("/console/login"))
        _ = try b.get("/console/login")
        let r = try b.post("/console/login", [("csrf", tokenA), ("username", "admin"), ("password", password)])
        #expect(r.status == 403, "\(r)")
        #expect(b.cookies["kandas_session"] == nil)
    }

    /// Failed sign-ins until the account is limited; returns the limited answer.
    func limited(lang: String) throws -> TestResponse {
        var c = ConsoleClient(port: server.port)
        _ = try c.get("/console/login?lang=\(lang)")
        for _ in 0..<10 {
            let token = Self.formToken(try c.get("/console/login"))
            let r = try c.post(
                "/console/login", [("csrf", token), ("username", "super11"), ("password", "wrong-password-1")])
            if r.status == 429 { return r }
            #expect(r.status == 401, "\(r)")
        }
        throw TestSupportError("never rate limited")
    }

    @Test func rateLimitedSignIn_is429WithRetryAfter_inThePagesLanguage() throws {
        let kk = try limited(lang: "kk")
        let seconds = try #require(Int(kk.headers["retry-after"] ?? ""), "\(kk.headers)")
        #expect(seconds > 0 && seconds <= 15 * 60)
        #expect(kk.text.contains("<html lang=\"kk\""))
        #expect(!kk.text.contains("too many failed logins"), "English detail on the Kazakh page")
        #expect(kk.text.contains("Кіру әрекеттері тым көп"), "\(kk.text.prefix(2000))")
        // The same account in Russian and English: each page in its own language.
        let ru = try limited(lang: "ru")
        #expect(ru.headers["retry-after"] != nil)
        #expect(ru.text.contains("Слишком много попыток входа"))
        let en = try limited(lang: "en")
        #expect(en.headers["retry-after"] != nil)
        #expect(en.text.contains("Too many failed sign-in attempts"))
    }

    @Test func apiLoginWithAnOverlongUsernameOrPassword_isInvalidFieldNotAPasswordCheck() throws {
        for (pointer, username, password) in [
            ("/username", String(repeating: "u", count: 10_000), "x"),
            ("/password", "admin", String(repeating: "p", count: 100_000)),
        ] {
            let body = SyncFixture.json(["username": username, "password": password])
            let r = try server.client.json("POST", "/v1/auth/login", body)
            #expect(r.status == 422 && r.code == "invalid_field", "\(pointer): \(r)")
            let errors = r.object["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["pointer"] as? String == pointer)
        }
    }
}
