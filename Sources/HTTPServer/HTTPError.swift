/// The one error type of this module: a failure that becomes an RFC 9457 problem response.
///
/// Handlers throw it to answer with a stable `code` (`batch_too_large`); the engine uses it for
/// protocol errors (`bad_request`, `header_too_large`) and for system failures while
/// starting (`listen_failed`, with the `errno` and the call that failed). Any other error a
/// handler throws becomes a 500 with no detail, so internals never leak to clients.
///
/// The codes the engine itself sends are `wireCodes` (each is documented in `Protocol/sync-v1.md`
/// §15, which a test checks). Startup only, never on the wire: `listen_failed`,
/// `system_call_failed`; `connection_closed` only reaches a handler whose client went away.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// Every problem `code` the engine puts on the wire, with its HTTP status.
    public static let wireCodes: [String: Int] = [
        "bad_request": 400, "uri_too_long": 414, "header_too_large": 431, "length_required": 411,
        "unsupported_transfer_encoding": 501, "http_version_not_supported": 505, "expectation_failed": 417,
        "request_timeout": 408, "not_found": 404, "method_not_allowed": 405, "body_too_large": 413,
        "range_not_satisfiable": 416, "unavailable": 503, "too_many_connections": 503,
        "insufficient_storage": 507, "internal_error": 500, "unsupported_content_encoding": 415,
        "invalid_content_encoding": 400,
    ]

    public var status: HTTPStatus
    public var code: String
    public var detail: String?
    /// Extra response headers (`Retry-After`, `Allow`, `WWW-Authenticate`).
    public var headers: HTTPHeaders
    /// The errno of a failed system call, for startup failures.
    public var errno: Int32?
    /// Integer extension members of the problem body (RFC 9457 §3.2): `limit` of a 413,
    /// `upload_offset` of a tus 409. `retry_after_s` is added from a `Retry-After` header.
    public var members: [String: Int64]

    public init(
        status: HTTPStatus, code: String, detail: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
        errno: Int32? = nil, members: [String: Int64] = [:]
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.errno = errno
        self.members = members
    }

    /// The problem+json response for this error, outside any request (`about:blank`, no
    /// `request_id`). The engine itself renders through ``ProblemRenderer``, which knows the
    /// request and the server's problem type.
    public var response: HTTPResponse { ProblemRenderer(typePrefix: nil).response(self, request: nil) }

    public var description: String {
        var s = "HTTPError(\(status.code) \(code)"
        if let detail { s += ": \(detail)" }
        if let errno { s += ", errno \(errno)" }
        return s + ")"
    }
}
