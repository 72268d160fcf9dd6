import Foundation
import Log

/// Renders an ``HTTPError`` as an RFC 9457 problem response: the one place the engine's own
/// errors (400, 404, 405, 408, 413, 414, 431, 503, 505...) get their body.
///
/// With a `typePrefix` (`urn:kandas:problem:`) the `type` is the prefix plus the code and the
/// `title` the code in words (`body_too_large` → "Body too large"), as an application's own
/// problems are; without one, `about:blank` and the status phrase (RFC 9457 §4.2.1). The body
/// always carries `instance` (the path) and `request_id` when a request is known, the error's
/// integer `members` (`limit`), and `retry_after_s` when a `Retry-After` header goes with it.
public struct ProblemRenderer: Sendable {
    public var typePrefix: String?

    public init(typePrefix: String?) { self.typePrefix = typePrefix }

    /// The problem response for `error`; `request` supplies `instance` and `request_id`.
    public func response(_ error: HTTPError, request: HTTPRequest?) -> HTTPResponse {
        var headers = error.headers
        headers["Content-Type"] = "application/problem+json"
        return HTTPResponse(status: error.status, headers: headers, body: .bytes(body(error, request: request)))
    }

    /// The problem+json bytes (keys in a fixed order: type, title, status, code, detail, instance,
    /// request_id, then the members sorted by name).
    public func body(_ error: HTTPError, request: HTTPRequest?) -> [UInt8] {
        var json = "{\"type\":"
        if let typePrefix {
            JSONText.appendQuoted(typePrefix + error.code, to: &json)
            json += ",\"title\":"
            JSONText.appendQuoted(Self.title(code: error.code), to: &json)
        } else {
            json += "\"about:blank\",\"title\":"
            JSONText.appendQuoted(error.status.reasonPhrase, to: &json)
        }
        json += ",\"status\":\(error.status.code),\"code\":"
        JSONText.appendQuoted(error.code, to: &json)
        if let detail = error.detail {
            json += ",\"detail\":"
            JSONText.appendQuoted(detail, to: &json)
        }
        if let request {
            if !request.path.isEmpty {
                json += ",\"instance\":"
                JSONText.appendQuoted(request.path, to: &json)
            }
            if !request.requestID.isEmpty {
                json += ",\"request_id\":"
                JSONText.appendQuoted(request.requestID, to: &json)
            }
        }
        var members = error.members
        if members["retry_after_s"] == nil, let retry = error.headers["Retry-After"].flatMap({ Int64($0) }) {
            members["retry_after_s"] = retry
        }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            json += ","
            JSONText.appendQuoted(name, to: &json)
            json += ":\(value)"
        }
        json += "}"
        return Array(json.utf8)
    }

    /// A code in words: `body_too_large` → "Body too large".
    static func title(code: String) -> String {
        let words = code.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
