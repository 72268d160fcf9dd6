/// The one error type of this module: a failure that becomes an RFC 9457 problem response.
///
/// Handlers throw it to answer with a stable `code` (`batch_too_large`); the engine uses it for
/// protocol errors (`malformed_request`, `header_too_large`) and for system failures while
/// starting (`listen_failed`, with the `errno` and the call that failed). Any other error a
/// handler throws becomes a 500 with no detail, so internals never leak to clients.
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
