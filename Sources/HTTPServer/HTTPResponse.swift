public import Foundation
import Log

/// A response produced by a handler; the engine adds `Date`, `Content-Length` or chunked framing,
/// `Connection` and `Request-Id`.
public struct HTTPResponse: Sendable {
    /// The body of a response.
    public enum Body: Sendable {
        case empty
        case bytes([UInt8])
        /// A file served with `sendfile`, honouring `Range` (one range), `If-Range`, `ETag` and
        /// `Last-Modified`; 404 if it cannot be opened.
        case file(path: String, contentType: String)
        /// A chunked body produced on a handler thread; `write` blocks while the client is slow.
        case stream(@Sendable (ResponseBodyWriter) throws -> Void)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with bytes and a content type.
    public static func bytes(
        _ bytes: [UInt8], contentType: String = "application/octet-stream", status: HTTPStatus = .ok
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: .bytes(bytes))
    }

    /// A plain-text response (UTF-8).
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        bytes(Array(text.utf8), contentType: "text/plain; charset=utf-8", status: status)
    }

    /// A JSON response encoded with `encoder` (sorted keys by default, so bodies are stable).
    ///
    /// - Throws: the encoder's error, which the engine turns into a 500.
    public static func json<T: Encodable>(
        _ value: T, status: HTTPStatus = .ok, encoder: JSONEncoder = HTTPResponse.defaultEncoder()
    ) throws -> HTTPResponse {
        let data = try encoder.encode(value)
        return bytes([UInt8](data), contentType: "application/json", status: status)
    }

    /// The encoder used by ``json(_:status:encoder:)`` unless another is given.
    public static func defaultEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// An RFC 9457 problem response (`application/problem+json`) with a stable `code` member.
    ///
    /// `type` is `about:blank` as RFC 9457 §4.2.1 allows, so `title` is the status phrase; the
    /// machine-readable meaning is carried by `code`, listed in `Protocol/`.
    public static func problem(
        status: HTTPStatus, code: String, detail: String? = nil, headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponse {
        var json = "{\"type\":\"about:blank\",\"title\":"
        appendJSONString(status.reasonPhrase, to: &json)
        json += ",\"status\":\(status.code),\"code\":"
        appendJSONString(code, to: &json)
        if let detail {
            json += ",\"detail\":"
            appendJSONString(detail, to: &json)
        }
        json += "}"
        var h = headers
        h["Content-Type"] = "application/problem+json"
        return HTTPResponse(status: status, headers: h, body: .bytes(Array(json.utf8)))
    }

    static func appendJSONString(_ s: String, to out: inout String) { JSONText.appendQuoted(s, to: &out) }
}
