public import Foundation
import HTTPServer
import KandasProtocol

/// A finished answer to an API request: status, content type, body and headers.
///
/// It is a plain value so it can be stored under an `Idempotency-Key` and replayed byte for
/// byte, and so write handlers can return a *committed* error (a refresh-token reuse revokes the
/// family and still answers 401).
public struct APIReply: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: Data
    public var headers: [String: String]

    public init(status: Int, contentType: String, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON body with sorted keys (stable bytes for replay and golden tests).
    static func json<T: Encodable>(_ value: T, status: Int = 200) throws -> APIReply {
        APIReply(status: status, contentType: "application/json", body: try JSONCoding.encode(value))
    }

    static func noContent() -> APIReply { APIReply(status: 204, contentType: "", body: Data()) }

    /// The problem+json answer for `error` at `instance`.
    static func problem(_ error: ServerError, instance: String, requestID: String) -> APIReply {
        let body = (try? JSONCoding.encode(error.problem(instance: instance, requestID: requestID))) ?? Data()
        return APIReply(
            status: error.status, contentType: "application/problem+json", body: body, headers: error.headers)
    }

    /// A 200 `application/json` engine response of `body` as it is, with the headers of
    /// ``response(requestID:replayed:)``: for large bodies (a pull page) that need no replay, so the
    /// bytes are not copied into a `Data` and back.
    static func jsonResponse(_ body: [UInt8], requestID: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Request-Id", requestID)
        headers.add("Cache-Control", "no-store")
        headers.add("Content-Type", "application/json")
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(body))
    }

    /// The engine response for this reply, with `Request-Id` added.
    func response(requestID: String, replayed: Bool = false) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in self.headers.sorted(by: { $0.key < $1.key }) { headers.add(name, value) }
        headers.add("Request-Id", requestID)
        headers.add("Cache-Control", "no-store")
        if replayed { headers.add("Idempotent-Replayed", "true") }
        if body.isEmpty && contentType.isEmpty {
            return HTTPResponse(status: HTTPStatus(code: status), headers: headers)
        }
        headers.add("Content-Type", contentType)
        return HTTPResponse(status: HTTPStatus(code: status), headers: headers, body: .bytes([UInt8](body)))
    }
}
