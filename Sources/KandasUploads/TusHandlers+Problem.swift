import Foundation
import HTTPServer
import KandasProtocol

extension TusHandlers {
    /// The problem+json response for an error (RFC 9457 with the protocol's fields, sync-v1 §1.1).
    ///
    /// `Upload-Offset` is repeated as a header where tus clients look for it (409, 460).
    /// Internal errors are logged with their operation, path and errno; the client sees only
    /// `internal_error` and the request id.
    func problem(_ error: UploadError, _ request: HTTPRequest, status: Int? = nil) -> HTTPResponse {
        let code = status ?? error.status
        log(error, request)
        var body = Problem(
            error.code, detail: error.code == .internalError ? nil : error.detail, instance: request.path)
        body.status = code
        body.requestID = request.requestID.isEmpty ? nil : request.requestID
        body.limit = error.limit.map { Int($0) }
        body.uploadOffset = error.uploadOffset.map { Int($0) }
        var headers = Self.baseHeaders
        headers[HeaderName.contentType] = "application/problem+json"
        if let offset = error.uploadOffset { headers[HeaderName.uploadOffset] = String(offset) }
        if error.code == .rateLimited || error.code == .insufficientStorage { headers[HeaderName.retryAfter] = "60" }
        if error.code == .unavailable { headers[HeaderName.retryAfter] = "5" }
        let bytes = (try? Self.encoder.encode(body)).map { [UInt8]($0) } ?? []
        return HTTPResponse(
            status: HTTPStatus(code: code, reasonPhrase: Self.phrase(code)), headers: headers, body: .bytes(bytes))
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

    /// The same error for the HTTP engine, thrown from a body consumer mid-stream (logged like `problem`).
    func httpError(_ error: UploadError, _ request: HTTPRequest) -> HTTPError {
        log(error, request)
        var headers = Self.baseHeaders
        if let offset = error.uploadOffset { headers[HeaderName.uploadOffset] = String(offset) }
        if error.code == .insufficientStorage { headers[HeaderName.retryAfter] = "60" }
        if error.code == .unavailable { headers[HeaderName.retryAfter] = "5" }
        return HTTPError(
            status: HTTPStatus(code: error.status, reasonPhrase: Self.phrase(error.status)), code: error.code.rawValue,
            detail: error.code == .internalError ? nil : error.detail, headers: headers)
    }

    private static func phrase(_ code: Int) -> String? {
        code == 460 ? "Checksum Mismatch" : nil
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
