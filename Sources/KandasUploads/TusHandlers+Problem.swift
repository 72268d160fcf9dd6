import HTTPServer
import KandasProtocol

/// The upload path's one mapping from its error vocabulary (``UploadError``) to the wire.
///
/// A tus request fails with an ``UploadError``, whichever layer found it: the handlers (bad
/// headers), the store (offsets, limits, the disk), a body consumer mid-stream, or the sync
/// side's creation check (its errors arrive as ``UploadErrorConvertible``). ``httpError(_:_:status:)``
/// turns it into the engine's ``HTTPError`` once, and the engine's ``ProblemRenderer`` writes the
/// problem+json (RFC 9457 with the protocol's fields, sync-v1 §1.1), so a problem answered by a
/// handler and one thrown from a body consumer cannot differ.
extension TusHandlers {
    /// The problem+json response for an error (rendered as the engine renders a thrown one).
    ///
    /// `Upload-Offset` is repeated as a header where tus clients look for it (409, 460).
    /// Internal errors are logged with their operation, path and errno; the client sees only
    /// `internal_error` and the request id.
    func problem(_ error: UploadError, _ request: HTTPRequest, status: Int? = nil) -> HTTPResponse {
        Self.renderer.response(httpError(error, request, status: status), request: request)
    }

    /// Logs a server failure (`internal_error`, `insufficient_storage`) with its operation, path and
    /// errno, whichever way it is answered: a client sees only the code and the request id.
    func log(_ error: UploadError, _ request: HTTPRequest) {
        guard error.isServerFailure else { return }
        store.logger.error(
            "uploads: request failed",
            [
                "http.request_id": .string(request.requestID), "http.route": .string(request.routePattern ?? "-"),
                "error.code": .string(error.code.rawValue), "error": .string(error.description),
            ])
    }

    /// The error for the HTTP engine (logged once here): status, code, detail (none for
    /// `internal_error`), `Upload-Offset` and `Retry-After` headers, and the `upload_offset` and
    /// `limit` members. Thrown from a body consumer mid-stream, or rendered by ``problem(_:_:status:)``.
    func httpError(_ error: UploadError, _ request: HTTPRequest, status: Int? = nil) -> HTTPError {
        log(error, request)
        let code = status ?? error.status
        var headers = Self.baseHeaders
        if let offset = error.uploadOffset { headers[HeaderName.uploadOffset] = String(offset) }
        if error.code == .rateLimited || error.code == .insufficientStorage { headers[HeaderName.retryAfter] = "60" }
        if error.code == .unavailable { headers[HeaderName.retryAfter] = "5" }
        var members: [String: Int64] = [:]
        if let limit = error.limit { members["limit"] = limit }
        if let offset = error.uploadOffset { members["upload_offset"] = offset }
        return HTTPError(
            status: HTTPStatus(code: code, reasonPhrase: Self.phrase(code)), code: error.code.rawValue,
            detail: error.code == .internalError ? nil : error.detail, headers: headers, members: members)
    }

    private static func phrase(_ code: Int) -> String? {
        code == 460 ? "Checksum Mismatch" : nil
    }

    /// The protocol's problem types (`urn:kandas:problem:<code>`, titled by the code in words), as
    /// `ErrorCode.typeURI` and `ErrorCode.title` spell them for the rest of the API.
    private static let renderer = ProblemRenderer(typePrefix: "urn:kandas:problem:")
}
