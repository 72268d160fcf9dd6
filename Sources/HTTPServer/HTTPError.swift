/// The one error type of this module: a failure that becomes an RFC 9457 problem response.
///
/// Handlers throw it to answer with a stable `code` (`batch_too_large`); the engine uses it for
/// protocol errors (`malformed_request`, `header_too_large`) and for system failures while
/// starting (`listen_failed`, with the `errno` and the call that failed). Any other error a
/// handler throws becomes a 500 with no detail, so internals never leak to clients.
///
/// Codes the engine itself sends (to be listed in `Protocol/`): `malformed_request` (400),
/// `request_line_too_long` (414), `header_too_large` and `too_many_headers` (431),
/// `unsupported_transfer_coding` (501), `http_version_not_supported` (505),
/// `unsupported_expectation` (417), `header_timeout` (408), `not_found` (404),
/// `method_not_allowed` (405), `body_too_large` (413), `range_not_satisfiable` (416),
/// `server_busy` and `too_many_connections` (503, with `Retry-After`), `spool_failed` (507),
/// `internal_error` (500). Startup only: `listen_failed`, `system_call_failed`.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    public var code: String
    public var detail: String?
    /// Extra response headers (`Retry-After`, `Allow`, `WWW-Authenticate`).
    public var headers: HTTPHeaders
    /// The errno of a failed system call, for startup failures.
    public var errno: Int32?

    public init(
        status: HTTPStatus, code: String, detail: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
        errno: Int32? = nil
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.errno = errno
    }

    /// The problem+json response for this error.
    public var response: HTTPResponse {
        HTTPResponse.problem(status: status, code: code, detail: detail, headers: headers)
    }

    public var description: String {
        var s = "HTTPError(\(status.code) \(code)"
        if let detail { s += ": \(detail)" }
        if let errno { s += ", errno \(errno)" }
        return s + ")"
    }
}
