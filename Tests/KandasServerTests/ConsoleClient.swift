import Foundation
import KandasTestSupport

/// A cookie-carrying client for the console: what a browser does, in plain HTTP, so security
/// tests see every status and header.
struct ConsoleClient {
    var http: TestHTTPClient
    var cookies: [String: String] = [:]

    init(port: Int) { http = TestHTTPClient(port: port) }

    /// The `Set-Cookie` values of a response, one per cookie.
    static func setCookies(_ r: TestResponse) -> [String] {
        (r.headers["set-cookie"] ?? "").components(separatedBy: ", ").filter { !$0.isEmpty }
    }

    /// Remembers the cookies a response set (and forgets deleted ones).
    mutating func absorb(_ r: TestResponse) {
        for cookie in Self.setCookies(r) {
            let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq])
            let value = String(pair[pair.index(after: eq)...])
            if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    var cookieHeader: [(String, String)] {
        cookies.isEmpty ? [] : [("Cookie", cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))]
    }

    mutating func get(_ target: String) throws -> TestResponse {
        let r = try http.send("GET", target, headers: cookieHeader)
        absorb(r)
        return r
    }

    mutating func post(_ target: String, _ form: [(String, String)]) throws -> TestResponse {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let r = try http.send(
            "POST", target, headers: cookieHeader + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8))
        absorb(r)
        return r
    }

    /// Opens the login page and signs in; returns the final response (303 on success).
    @discardableResult
    mutating func login(_ username: String, password: String = "test-password-1") throws -> TestResponse {
        let page = try get("/console/login").text
        // The login form's own value (a signed-in page also has the sign-out form's token).
        let form = page.range(of: "class=\"login\"").map { String(page[$0.upperBound...]) } ?? page
        let token = Self.hidden("csrf", in: form) ?? ""
        return try post("/console/login", [("csrf", token), ("username", username), ("password", password)])
    }

    /// The CSRF token of the signed-in session, read from any page's sign-out form.
    mutating func csrf() throws -> String {
        Self.hidden("csrf", in: try get("/console/devices").text) ?? ""
    }

    /// The value of the first hidden input named `name`.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
