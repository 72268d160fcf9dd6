import Foundation
import KandasTestSupport
import SQLiteKit
import Testing

/// Sessions, cookies and CSRF of the console against the real server (with `--trust-proxy`, so
/// `X-Forwarded-Proto: https` can be tested).
@Suite(.serialized) final class ConsoleSessionTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess(arguments: ["--trust-proxy", "true"]) }

    func digest() throws -> String {
        try ServerProcess.databaseDigest(server.databasePath, excluding: Fixture.activityTables)
    }

    @Test func sessionCookie_isHttpOnlyStrictAndScopedToTheConsole() throws {
        var c = ConsoleClient(port: server.port)
        let r = try c.login("admin")
        #expect(r.status == 303)
        let session = try #require(ConsoleClient.setCookies(r).first { $0.hasPrefix("kandas_session=") })
        #expect(session.contains("HttpOnly"))
        #expect(session.contains("SameSite=Strict"))
        #expect(session.contains("Path=/console"))
        #expect(!session.contains("Secure"))
        #expect(try c.get("/console/dashboard").status == 200)
    }

    @Test func consoleRoot_sendsASignedInUserToTheDashboard_andOthersToTheSignInForm() throws {
        var c = ConsoleClient(port: server.port)
        for path in ["/console", "/console/"] {
            let out = try c.get(path)
            #expect(out.status == 303 && out.headers["location"] == "/console/login", "\(path)")
        }
        try c.login("admin")
        for path in ["/console", "/console/"] {
            let signedIn = try c.get(path)
            #expect(signedIn.status == 303 && signedIn.headers["location"] == "/console/dashboard", "\(path)")
        }
    }

    @Test func behindTLSProxy_cookiesAreSecure() throws {
        var c = ConsoleClient(port: server.port)
        c.http.defaultHeaders = [("X-Forwarded-Proto", "https")]
        let r = try c.login("admin")
        let session = try #require(ConsoleClient.setCookies(r).first { $0.hasPrefix("kandas_session=") })
        #expect(session.contains("; Secure"))
    }

    @Test func plantedSessionCookie_isReplacedAndRevokedAtLogin() throws {
        var attacker = ConsoleClient(port: server.port)
        try attacker.login("auditor")
        let planted = try #require(attacker.cookies["kandas_session"])
        var victim = ConsoleClient(port: server.port)
        victim.cookies["kandas_session"] = planted
        #expect(try victim.login("admin").status == 303)
        #expect(victim.cookies["kandas_session"] != planted)
        #expect(try victim.get("/console/dashboard").status == 200)
        // The planted session no longer works for anyone.
        let reuse = try attacker.get("/console/dashboard")
        #expect(reuse.status == 303)
        #expect(reuse.headers["location"]?.hasPrefix("/console/login") == true)
    }

    @Test func formWithoutOrWithWrongCSRFToken_is403AndChangesNothing() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let worker = server.seed?.users["worker111"]?.id ?? ""
        let before = try digest()
        let missing = try c.post("/console/enrollment-codes", [("user_id", worker), ("ttl_min", "15")])
        #expect(missing.status == 403)
        let wrong = try c.post("/console/enrollment-codes", [("csrf", "forged"), ("user_id", worker)])
        #expect(wrong.status == 403)
        let logout = try c.post("/console/logout", [])
        #expect(logout.status == 403)
        #expect(try digest() == before)
        // With the token the same form works.
        let ok = try c.post("/console/enrollment-codes", [("csrf", try c.csrf()), ("user_id", worker)])
        #expect(ok.status == 200)
        #expect(ok.text.contains("id=\"enrollment-qr\" alt=\"QR\" src=\"data:image/png;base64,"))
        #expect(try digest() != before)
    }

    @Test func loginWithoutTheLoginCookie_is403() throws {
        var c = ConsoleClient(port: server.port)
        let r = try c.post(
            "/console/login", [("csrf", "x"), ("username", "admin"), ("password", server.seed?.password ?? "")])
        #expect(r.status == 403)
        #expect(c.cookies["kandas_session"] == nil)
    }

    @Test func wrongPasswordAndFieldWorker_getNoSession() throws {
        var c = ConsoleClient(port: server.port)
        #expect(try c.login("admin", password: "wrong-password-1").status == 401)
        #expect(try c.login("worker111").status == 403)
        #expect(c.cookies["kandas_session"] == nil)
    }

    @Test func logout_endsTheSession() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("super11")
        let cookie = try #require(c.cookies["kandas_session"])
        #expect(try c.post("/console/logout", [("csrf", try c.csrf())]).status == 303)
        c.cookies["kandas_session"] = cookie
        #expect(try c.get("/console/dashboard").status == 303)
    }

    @Test func idleSession_expiresAfterThirtyMinutes() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        try server.setClockOffset(seconds: 31 * 60)
        defer { try? server.setClockOffset(seconds: 0) }
        let r = try c.get("/console/devices")
        #expect(r.status == 303)
        #expect(r.headers["location"] == "/console/login?next=%2Fconsole%2Fdevices")
    }

    @Test func activeSession_stillExpiresAfterEightHours() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        defer { try? server.setClockOffset(seconds: 0) }
        // A request every 25 minutes keeps it from idling out, up to the absolute limit.
        for step in 1...19 {
            try server.setClockOffset(seconds: step * 25 * 60)
            #expect(try c.get("/console/devices").status == 200, "step \(step)")
        }
        try server.setClockOffset(seconds: 8 * 3600 + 60)
        #expect(try c.get("/console/devices").status == 303)
    }

    @Test func afterLogin_onlyConsolePathsAreFollowed() throws {
        var c = ConsoleClient(port: server.port)
        let page = try c.get("/console/login?next=https://evil.example/")
        let token = ConsoleClient.hidden("csrf", in: page.text) ?? ""
        let r = try c.post(
            "/console/login",
            [("csrf", token), ("username", "admin"), ("password", "test-password-1"), ("next", "//evil.example/")])
        #expect(r.headers["location"] == "/console/dashboard")
    }

    @Test func languageSwitch_isRememberedInACookie() throws {
        var c = ConsoleClient(port: server.port)
        #expect(try c.get("/console/login").text.contains("<html lang=\"kk\">"))
        #expect(try c.get("/console/login?lang=ru").text.contains("Войти"))
        #expect(try c.get("/console/login").text.contains("<html lang=\"ru\">"))
        #expect(try c.get("/console/login?lang=en").text.contains("Sign in"))
    }
}
