import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

extension KandasApp {
    /// Adds every console route of ``ConsoleTable/all`` to `router`.
    func addConsoleRoutes(to router: inout Router) {
        for route in ConsoleTable.all {
            let body: Router.BodyPolicy? = route.isForm ? .buffered(limit: route.bodyLimit) : nil
            router.add(route.method, route.pattern, body: body) { [self] request in
                consoleDispatch(route, request)
            }
        }
    }

    /// Authenticates the session cookie, checks the role and the CSRF token, runs the handler,
    /// and turns every failure into an HTML page with the right status.
    ///
    /// Order matters: a POST without a valid session or token is refused before the handler
    /// runs, so nothing changes (403 for a missing or wrong CSRF token).
    func consoleDispatch(_ route: ConsoleRoute, _ request: HTTPRequest) -> HTTPResponse {
        let now = now()
        let (lang, fromQuery) = ConsoleSession.language(request)
        let secure = ConsoleSession.isSecure(self, request)
        var langCookies: [String] = []
        if fromQuery {
            langCookies.append(
                ConsoleSession.cookie(
                    ConsoleSession.languageCookie, lang.rawValue, maxAge: 365 * 86_400, secure: secure))
        }
        var principal: Principal?
        var csrf = ""
        // The root is open but answers by who is signed in (dashboard or sign-in form).
        if route.access != .open || route.pattern == "/console/login" || route.pattern == "/console" {
            principal = ConsoleSession.principal(self, request, now: now)
            csrf = principal.map { ConsoleSession.csrfToken(secret: $0.secret) } ?? ""
        }
        var form: [String: String] = [:]
        var files: [String: ConsoleMultipart.File] = [:]
        if route.isForm {
            if let boundary = ConsoleMultipart.boundary(contentType: request.headers["Content-Type"]) {
                // Only a form that carries a file (its route allows a larger body) is multipart.
                if let decoded = ConsoleMultipart.decode(request.bodyBytes, boundary: boundary) {
                    (form, files) = decoded
                }
            } else {
                form = ConsoleForm.decode(request.bodyBytes) ?? [:]
            }
        }
        var ctx = ConsoleContext(
            app: self, request: request, principal: principal, now: now, lang: lang, csrf: csrf, form: form)
        ctx.files = files
        ctx.cookies = langCookies
        if route.access != .open {
            guard let p = principal else {
                if route.method == .get {
                    return ctx.redirect("/console/login?next=" + ConsoleForm.encode(request.target))
                }
                return ctx.page(ctx.t(.login), "<p class=\"error\">\(ctx.t(.login))</p>", status: .unauthorized)
            }
            guard route.roles.contains(p.role) else {
                return ctx.page(
                    ctx.t(.forbidden), "<p class=\"error\">\(ctx.t(.forbidden))</p>", status: .forbidden)
            }
            if route.isForm, !ConsoleSession.matches(form["csrf"], csrf) {
                return ctx.page(ctx.t(.forbidden), "<p class=\"error\">\(ctx.t(.csrfFailed))</p>", status: .forbidden)
            }
        }
        do {
            return try route.handler(ctx)
        } catch let error as ServerError {
            if error.status >= 500 {
                logger.error(
                    "console request failed",
                    ["request.id": .string(request.requestID), "error": .string(error.description)])
            }
            let status = HTTPStatus(code: error.status)
            let title = error.status == 404 ? ctx.t(.notFound) : error.status == 403 ? ctx.t(.forbidden) : "Error"
            return ctx.page(title, "<p class=\"error\">\(error.detail ?? error.code.rawValue)</p>", status: status)
        } catch {
            logger.error(
                "console handler error",
                ["request.id": .string(request.requestID), "error": .string(String(describing: error))])
            return ctx.page(
                "Error", "<p class=\"error\">internal error; request \(request.requestID)</p>",
                status: HTTPStatus(code: 500, reasonPhrase: "Internal Server Error"))
        }
    }
}
