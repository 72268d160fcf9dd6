import Foundation
import HTTPServer
public import KandasProtocol

/// The one error type of the server module: a stable protocol code plus what a client needs to fix it.
///
/// Handlers throw it; the dispatcher turns it into an RFC 9457 `application/problem+json` response
/// whose `code` comes from ``KandasProtocol/ErrorCode`` (every code is listed in `Protocol/sync-v1.md`
/// §15). `detail` is for humans and never carries tokens, IINs or names.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var detail: String?
    public var errors: [FieldError]
    public var retryAfterSeconds: Int?
    public var limit: Int?
    public var extraHeaders: [String: String]

    public init(
        _ code: ErrorCode, _ detail: String? = nil, errors: [FieldError] = [], retryAfterSeconds: Int? = nil,
        limit: Int? = nil, extraHeaders: [String: String] = [:]
    ) {
        self.code = code
        self.detail = detail
        self.errors = errors
        self.retryAfterSeconds = retryAfterSeconds
        self.limit = limit
        self.extraHeaders = extraHeaders
    }

    /// A field-level error: the problem's `errors` carries the JSON pointer.
    public static func field(_ code: ErrorCode, _ pointer: String, _ detail: String) -> ServerError {
        ServerError(code, detail, errors: [FieldError(pointer: pointer, code: code, detail: detail)])
    }

    /// An error from KandasProtocol's strict decoder, keeping its pointer.
    init(_ error: ProtocolError) {
        self.init(error.code, error.detail)
        if !error.pointer.isEmpty {
            errors = [FieldError(pointer: error.pointer, code: error.code, detail: error.detail)]
        }
    }

    public var status: Int { code.httpStatus ?? 422 }

    public var description: String { "\(code.rawValue): \(detail ?? "")" }

    /// The problem document for this error, as sent on the wire.
    func problem(instance: String, requestID: String) -> Problem {
        var problem = Problem(code, detail: detail, instance: instance, errors: errors.isEmpty ? nil : errors)
        problem.requestID = requestID
        problem.retryAfterSeconds = retryAfterSeconds
        problem.limit = limit
        return problem
    }

    /// The headers that go with this error (`WWW-Authenticate` on 401, `Retry-After` on 429/503).
    var headers: [String: String] {
        var headers = extraHeaders
        if status == 401 {
            let invalid = code == .unauthenticated && detail == Self.noTokenDetail ? "" : ", error=\"invalid_token\""
            headers["WWW-Authenticate"] = "Bearer realm=\"kandas\"" + invalid
        }
        if let retryAfterSeconds { headers["Retry-After"] = String(retryAfterSeconds) }
        return headers
    }

    static let noTokenDetail = "no bearer token"
}
