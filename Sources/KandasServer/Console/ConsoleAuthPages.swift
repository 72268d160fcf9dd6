import Crypto
import HTTPServer
import KandasProtocol

/// Sign-in, sign-out, the stylesheet and the console's root.
///
/// The login form is protected by a signed double-submit value: a random nonce in a `SameSite=Strict`
/// cookie and, in a hidden field, its HMAC under a server key, since there is no session yet to
/// bind a token to; a pair planted by whoever can set a cookie on the origin fails. A login
/// always creates a new session token and revokes any session cookie the browser presented,
/// so a planted cookie can never become an authenticated session (no fixation).
enum ConsoleAuthPages {
    static func root(_ ctx: ConsoleContext) throws -> HTTPResponse {
        ctx.redirect(ctx.principal == nil ? "/console/login" : "/console/dashboard")
    }

    static func stylesheet(_ ctx: ConsoleContext) throws -> HTTPResponse {
        HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=300",
                "X-Content-Type-Options": "nosniff",
            ], body: .bytes(Array(ConsoleStyle.css.utf8)))
    }

    /// The form is shown even to a signed-in browser: signing in again (as someone else) replaces the session.
    static func loginForm(_ ctx: ConsoleContext) throws -> HTTPResponse { form(ctx, error: nil, status: .ok) }

    static func form(
        _ ctx: ConsoleContext, error: String?, status: HTTPStatus, retryAfterSeconds: Int? = nil
    ) -> HTTPResponse {
        var ctx = ctx
        let secure = ConsoleSession.isSecure(ctx.app, ctx.request)
        let nonce = SecureRandom.token(bytes: 18)
        let value = ConsoleSession.loginToken(nonce: nonce, key: ctx.app.consoleLoginKey)
        ctx.cookies.append(ConsoleSession.cookie(ConsoleSession.loginCookie, nonce, maxAge: 3600, secure: secure))
        let next = safeNext(ctx.query("next") ?? ctx.form["next"])
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? HTML()
        let body: HTML = """
            <form class="login" method="post" action="/console/login">
            \(message)
            <input type="hidden" name="csrf" value="\(value)">
            <input type="hidden" name="next" value="\(next)">
            <label>\(ctx.t(.username)) <input name="username" autocomplete="username" required autofocus></label>
            <label>\(ctx.t(.password)) <input name="password" type="password" autocomplete="current-password" \
            required></label>
            <button type="submit">\(ctx.t(.signIn))</button>
            </form>
            """
        var response = ctx.page(ctx.t(.login), body, status: status)
        if let retryAfterSeconds {
            response.headers.remove("Retry-After")
            response.headers.add("Retry-After", String(retryAfterSeconds))
        }
        return response
    }

    static func login(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let cookies = ConsoleSession.cookies(ctx.request)
        guard let nonce = cookies[ConsoleSession.loginCookie], !nonce.isEmpty,
            ConsoleSession.matches(
                ctx.form["csrf"], ConsoleSession.loginToken(nonce: nonce, key: ctx.app.consoleLoginKey))
        else { return form(ctx, error: ctx.t(.csrfFailed), status: .forbidden) }
        let address = ctx.remoteAddress
        let userID: String
        do {
            userID = try AuthHandlers.checkPassword(
                ctx.app, username: ctx.form["username"] ?? "", password: ctx.form["password"] ?? "",
                address: address, now: ctx.now, requestID: ctx.request.requestID)
        } catch let error as ServerError where error.code == .rateLimited {
            // The page's language, and the wait a client (or a person) can act on.
            let seconds = error.retryAfterSeconds ?? 60
            let minutes = String((seconds + 59) / 60)
            return form(
                ctx, error: ctx.t(.tooManyLogins).replacingOccurrences(of: "{minutes}", with: minutes),
                status: HTTPStatus(code: 429, reasonPhrase: "Too Many Requests"), retryAfterSeconds: seconds)
        } catch is ServerError {
            return form(ctx, error: ctx.t(.loginFailed), status: .unauthorized)
        }
        guard let user = try ctx.read({ db in try OrganisationStore.user(db, id: userID) }),
            user.role != .fieldWorker
        else { return form(ctx, error: ctx.t(.forbidden), status: .forbidden) }
        // A session cookie sent with the login (perhaps planted) is ended, never upgraded.
        if let old = cookies[ConsoleSession.sessionCookie] {
            try ctx.write { db in
                try AuthStore.endSession(db, tokenHash: Tokens.hash(old), now: ctx.now, onlyIfOpen: true)
            }
        }
        let session = try AuthHandlers.startSession(
            ctx.app, userID: userID, address: address, now: ctx.now, requestID: ctx.request.requestID)
        let secure = ConsoleSession.isSecure(ctx.app, ctx.request)
        var out = ctx
        out.cookies.append(
            ConsoleSession.cookie(
                ConsoleSession.sessionCookie, session.token, maxAge: Int(Tokens.sessionTTL / 1000), secure: secure))
        out.cookies.append(ConsoleSession.cookie(ConsoleSession.loginCookie, "", maxAge: 0, secure: secure))
        return out.redirect(safeNext(ctx.form["next"]))
    }

    static func logout(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let p = ctx.actor
        try ctx.write { db in
            try AuthStore.endSession(db, tokenHash: p.tokenHash, now: ctx.now, onlyIfOpen: false)
            try ctx.audit(db, "user.logout", entityType: "user", entityID: p.userID)
        }
        var out = ctx
        out.cookies.append(
            ConsoleSession.cookie(
                ConsoleSession.sessionCookie, "", maxAge: 0, secure: ConsoleSession.isSecure(ctx.app, ctx.request)))
        return out.redirect("/console/login")
    }

    /// Only console paths are followed after login (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.contains("\r"), !next.contains("\n"), !next.hasPrefix("/console/login")
        else { return "/console/dashboard" }
        return next
    }
}
