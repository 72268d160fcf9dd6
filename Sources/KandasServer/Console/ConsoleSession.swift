import Crypto
import HTTPServer
import KandasDomain

/// The console's cookies: the session (a user session token, the same kind `/v1/auth/login`
/// issues), the pre-login CSRF value and the language, plus the CSRF token derivation.
///
/// The session cookie holds a `kua_` token, so the console shares users, roles, scoping, idle
/// and absolute expiry (Protocol §2.1) and revocation with the API. It is `HttpOnly`,
/// `SameSite=Strict`, `Path=/console`, and `Secure` when the server is reached over TLS (a
/// `https` `--public-url`, or `X-Forwarded-Proto: https` from a proxy trusted by `--trust-proxy`).
/// A CSRF token is an HMAC of a fixed label keyed by the session token's bytes: bound to the
/// session, never stored, and a new one with every login. Before sign-in the token is an HMAC of
/// the browser's random nonce under a server key (``loginToken(nonce:key:)``).
enum ConsoleSession {
    static let sessionCookie = "kandas_session"
    static let loginCookie = "kandas_login"
    static let languageCookie = "kandas_lang"
    static let path = "/console"

    /// The cookies of a request (`Cookie: a=b; c=d`); the first of a repeated name wins.
    static func cookies(_ request: HTTPRequest) -> [String: String] {
        var out: [String: String] = [:]
        for header in request.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<eq].trimmingCharacters(in: .whitespaces)
                let value = pair[pair.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if out[name] == nil { out[name] = value }
            }
        }
        return out
    }

    /// The principal of the session cookie, or nil (no cookie, unknown, expired, revoked or not a user).
    static func principal(_ app: KandasApp, _ request: HTTPRequest, now: Int64) -> Principal? {
        guard let token = cookies(request)[sessionCookie], Tokens.raw(token, kind: .userSession) != nil else {
            return nil
        }
        var probe = request
        probe.headers.remove("Authorization")
        probe.headers.add("Authorization", "Bearer " + token)
        guard let p = try? app.authenticator.authenticate(probe, now: now), p.kind == .user else { return nil }
        return p
    }

    /// The CSRF token of a session (its `Principal.secret` is the presented token).
    static func csrfToken(secret: [UInt8]) -> String {
        SecureRandom.base64URL(HMAC.sha256(key: secret, message: Array("kandas console csrf v1".utf8)))
    }

    /// The login form's CSRF token for a browser's nonce (the `kandas_login` cookie): an HMAC under a
    /// key only the server holds, so a cookie and field pair chosen by whoever can set a cookie on the
    /// origin does not pass; only a pair the server issued does (as session forms are bound to the session).
    static func loginToken(nonce: String, key: [UInt8]) -> String {
        SecureRandom.base64URL(HMAC.sha256(key: key, message: Array(("kandas console login csrf v1|" + nonce).utf8)))
    }

    /// Whether `presented` equals `expected`, in constant time.
    static func matches(_ presented: String?, _ expected: String) -> Bool {
        guard let presented, !expected.isEmpty else { return false }
        return constantTimeEqual(Array(presented.utf8), Array(expected.utf8))
    }

    /// Whether the client reached us over TLS (directly via an https public URL, or via a trusted proxy).
    static func isSecure(_ app: KandasApp, _ request: HTTPRequest) -> Bool {
        if app.config.publicURL?.lowercased().hasPrefix("https://") == true { return true }
        return app.config.trustProxy && request.headers["X-Forwarded-Proto"]?.lowercased() == "https"
    }

    /// A `Set-Cookie` value; `maxAge` nil makes a browser-session cookie, 0 deletes it.
    static func cookie(_ name: String, _ value: String, maxAge: Int?, secure: Bool, httpOnly: Bool = true) -> String {
        var out = "\(name)=\(value); Path=\(path); SameSite=Strict"
        if httpOnly { out += "; HttpOnly" }
        if secure { out += "; Secure" }
        if let maxAge { out += "; Max-Age=\(maxAge)" }
        return out
    }

    /// The language: `?lang=` (which the caller then stores in a cookie), the cookie, `Accept-Language`, else Kazakh.
    static func language(_ request: HTTPRequest) -> (Language, fromQuery: Bool) {
        if let q = request.queryValue("lang"), let lang = Language(rawValue: q) { return (lang, true) }
        if let c = cookies(request)[languageCookie], let lang = Language(rawValue: c) { return (lang, false) }
        for part in (request.headers["Accept-Language"] ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            if let lang = Language(rawValue: String(tag.prefix(2))) { return (lang, false) }
        }
        return (.kk, false)
    }
}
