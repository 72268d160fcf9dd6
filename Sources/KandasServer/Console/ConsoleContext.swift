import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Everything a console handler needs for one request: the app, the request, the signed-in
/// principal, the language, the CSRF token for the forms it renders and the decoded form.
struct ConsoleContext {
    let app: KandasApp
    let request: HTTPRequest
    let principal: Principal?
    let now: Int64
    let lang: Language
    /// The session's CSRF token (empty before login).
    let csrf: String
    /// The decoded `application/x-www-form-urlencoded` body of a POST.
    let form: [String: String]
    /// The file parts of a `multipart/form-data` POST (the signed consent form).
    var files: [String: ConsoleMultipart.File] = [:]
    /// Extra `Set-Cookie` values added to the page (the language choice).
    var cookies: [String] = []

    /// The client's address (with `--trust-proxy`, the last `X-Forwarded-For` entry), as the API sees it.
    var remoteAddress: String { RequestContext.clientAddress(request, trustProxy: app.config.trustProxy) }

    /// The signed-in principal; every `.staff` route has one.
    var actor: Principal {
        guard let principal else { preconditionFailure("console handler of a staff route without principal") }
        return principal
    }

    /// A label in the page's language.
    func t(_ label: ConsoleText) -> String { label(lang) }

    /// A query parameter, nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let v = request.queryValue(name), !v.isEmpty else { return nil }
        return v
    }

    /// A path parameter that must be a lowercase UUID; anything else is a 404 page.
    func id(_ name: String = "id") throws(ServerError) -> String {
        guard let raw = request.parameter(name), WireID(raw) != nil else {
            throw ServerError(.notFound, "no such object")
        }
        return raw
    }

    /// Runs a read on a reader connection.
    func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T { try app.database.readSync(body) }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction; a thrown error rolls everything back.
    func write<T>(_ work: (any DatabaseConnection) throws -> T) throws -> T {
        try app.database.writeSync { db in try db.transaction { try work(db) } }
    }

    /// Appends an audit entry for this request inside the current write transaction.
    func audit(_ db: any DatabaseConnection, _ action: String, entityType: String, entityID: String?) throws {
        try AuditLog.append(
            db, at: now, actor: principal, action: action, entityType: entityType, entityID: entityID,
            remoteAddr: remoteAddress, requestID: request.requestID, summary: "console")
    }

    /// A full page in the console's frame.
    func page(_ title: String, _ body: HTML, status: HTTPStatus = .ok) -> HTTPResponse {
        var response = ConsoleLayout.response(ConsoleLayout.page(self, title: title, body: body), status: status)
        for cookie in cookies { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    /// `303 See Other` to a console path (after a form, PRG).
    func redirect(_ location: String) -> HTTPResponse {
        var response = HTTPResponse(
            status: HTTPStatus(code: 303, reasonPhrase: "See Other"),
            headers: ["Location": location, "Cache-Control": "no-store"])
        for cookie in cookies { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    /// A link to the current path with other query values (the language switch keeps the page).
    func link(_ path: String, _ items: [(String, String?)]) -> String {
        let query = items.compactMap { name, value in value.map { name + "=" + ConsoleForm.encode($0) } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }
}
