import HTTPServer
import KandasProtocol
import KandasStore

extension KandasApp {
    /// The request-head hook: authenticates and checks the role of every routed request before
    /// any byte of its body is read.
    ///
    /// A refused caller gets its 401/403 without the server reading (or, with `Expect:
    /// 100-continue`, inviting) the body; a body declared larger than the route's limit then gets
    /// 413 from the engine, still unread. An accepted principal is left in `request.attributes`
    /// for ``dispatch(_:_:)`` and the tus routes, so each request is authenticated once.
    /// Console form posts with no valid session (or the wrong role) get their HTML 401/403 here.
    func authorizeHead(_ request: inout HTTPRequest) -> HTTPResponse? {
        // Protocol/README.md: a client that speaks another version is refused before anything else.
        if let version = request.headers[HeaderName.kandasProtocol],
            version.trimmingCharacters(in: .whitespaces) != String(ProtocolVersion.current)
        {
            return problemResponse(
                ServerError(
                    .unsupportedProtocolVersion, "this server speaks Kandas-Protocol \(ProtocolVersion.current)"),
                request)
        }
        guard let pattern = request.routePattern else { return nil }
        guard let endpoint = endpoint(request.method, pattern) else {
            return consoleHead(request, pattern: pattern)
        }
        guard endpoint.access != .open else { return nil }
        do {
            if endpoint.authenticatesInRead && !Self.announcesBody(request) {
                // An endpoint that authenticates in its own read transaction does it there (one
                // connection checkout for the check and the answer); a request without a well-formed
                // token is still refused here, before it takes a handler thread or a connection. One
                // that announces a body is checked in full here, as everywhere, before a byte is read.
                _ = try Authenticator.presentedToken(request)
                return nil
            }
            try authorize(endpoint, request, now: now()).store(in: &request.attributes)
            return nil
        } catch {
            var response = problemResponse(error, request)
            if pattern.hasPrefix(Tus.collectionPath) {
                // tus 1.0 §3: every response carries Tus-Resumable; HEAD answers carry no body.
                response.headers["Tus-Resumable"] = Tus.version
                if request.method == .head {
                    response = HTTPResponse(status: response.status, headers: response.headers)
                }
            }
            return response
        }
    }

    /// The event loop's own answer to a request (``HTTPServerHooks/answerOnLoop``): a device polling
    /// with nothing new, when the store can read without waiting (SQLite with a reader free). The
    /// head checks run first, as ``authorizeHead(_:)``; anything else, any refusal or error, a page
    /// with changes and a poll that owes its last-use write go to a handler thread, which answers
    /// them as before.
    func answerOnLoop(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.routePattern == PullHandler.path, let endpoint = pullEndpoint else { return nil }
        var checked = request
        guard authorizeHead(&checked) == nil else { return nil }
        return PullHandler.pollOnLoop(self, checked, endpoint: endpoint)
    }

    /// The table's endpoint for a routed request (`HEAD` falls back to the `GET` route, as the router does).
    func endpoint(_ method: HTTPMethod, _ pattern: String) -> Endpoint? {
        if let e = endpointIndex["\(method.rawValue) \(pattern)"] { return e }
        if method == .head { return endpointIndex["GET \(pattern)"] }
        return nil
    }

    /// Authenticates the bearer token and checks that the endpoint admits the principal's role and kind.
    ///
    /// The only authorisation code path of the API: the head hook and, without the hook,
    /// ``dispatch(_:_:)`` both call it.
    /// - Throws: ``ServerError`` 401 (`unauthenticated`, `token_expired`, `token_revoked`,
    ///   `device_revoked`, `account_disabled`) or 403 `forbidden`; `DatabaseError` from the store.
    func authorize(_ endpoint: Endpoint, _ request: HTTPRequest, now: Int64) throws -> Principal {
        try admit(endpoint, authenticator.authenticate(request, now: now))
    }

    /// ``authorize(_:_:now:)`` on a connection the caller holds, for an endpoint that authenticates in
    /// its own read transaction (``Endpoint/authenticatesInRead``): the caller runs the returned
    /// check's ``Authenticator/Checked/touch(_:)`` after that transaction.
    func authorize(
        _ endpoint: Endpoint, _ request: HTTPRequest, now: Int64, in db: any DatabaseConnection,
        withPullState: Bool = false
    ) throws -> Authenticator.Checked {
        let checked = try authenticator.check(request, now: now, in: db, withPullState: withPullState)
        _ = try admit(endpoint, checked.principal)
        return checked
    }

    /// The principal when the endpoint admits its role and kind, else `403 forbidden`.
    private func admit(_ endpoint: Endpoint, _ p: Principal) throws -> Principal {
        let kindAllowed =
            switch endpoint.access {
            case .device: p.kind == .device
            case .anyToken: true
            default: p.kind == .user
            }
        guard endpoint.roles.contains(p.role), kindAllowed else {
            throw ServerError(.forbidden, "this role may not use \(endpoint.method.rawValue) \(endpoint.pattern)")
        }
        return p
    }

    /// The principal of a request: the one the head hook stored, else authorised now; nil for open endpoints.
    func principal(_ endpoint: Endpoint, _ request: HTTPRequest, now: Int64) throws -> Principal? {
        guard endpoint.access != .open else { return nil }
        if let stored = Principal(attributes: request) { return stored }
        // Authenticated by the handler, in its read transaction.
        if endpoint.authenticatesInRead { return nil }
        return try authorize(endpoint, request, now: now)
    }

    /// The head announces a body (`Content-Length` other than 0, or `Transfer-Encoding`).
    static func announcesBody(_ request: HTTPRequest) -> Bool {
        if request.headers["Transfer-Encoding"] != nil { return true }
        guard let length = request.headers["Content-Length"] else { return false }
        return length.trimmingCharacters(in: .whitespaces) != "0"
    }

    /// Console forms (the only console routes with a body): no session or the wrong role is
    /// answered by the console's own refusal page before the form is read.
    private func consoleHead(_ request: HTTPRequest, pattern: String) -> HTTPResponse? {
        guard request.method == .post,
            let route = ConsoleTable.all.first(where: { $0.method == .post && $0.pattern == pattern }),
            route.access != .open
        else { return nil }
        if let p = ConsoleSession.principal(self, request, now: now()), route.roles.contains(p.role) { return nil }
        // With an empty form and no valid session the dispatcher answers 401 (or 403) itself.
        return consoleDispatch(route, request)
    }
}
