/// The head of a response as it goes on the wire: the one place that turns a status, a handler's
/// fields and the connection's decisions (framing, keep-alive) into bytes. A value with no socket
/// and no clock, so its rules are tested directly (`ResponseHeadTests`).
struct ResponseHead: Sendable {
    /// How the body is delimited.
    enum Framing: Sendable, Equatable {
        /// `Content-Length`.
        case length(Int64)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// No framing field: a status without a body, or a body that ends when the connection does.
        case none
    }

    /// What the head says about the connection after this response.
    enum Persistence: Sendable, Equatable {
        /// `Connection: close`.
        case close
        /// `Connection: keep-alive` (HTTP/1.0 keeps a connection only when told).
        case keepAlive
        /// Nothing: HTTP/1.1 keeps the connection by default.
        case implicit
    }

    var status: HTTPStatus
    /// The handler's fields; framing and connection fields among them are dropped (they are ours).
    var fields: HTTPHeaders
    /// The `Date` value (RFC 9110 §5.6.7).
    var date: String
    /// Configured fields, sent where the handler set none of that name.
    var defaults: HTTPHeaders = HTTPHeaders()
    /// `Request-Id` (protocol §1), unless the handler set one; nothing when empty.
    var requestID: String?
    var framing: Framing
    var persistence: Persistence

    /// Whether a status never has a body (1xx, 204, 304), so an empty one gets no `Content-Length: 0`.
    static func isBodyless(_ code: Int) -> Bool { code == 204 || code == 304 || (100..<200).contains(code) }

    /// The head, ending with the empty line.
    var bytes: [UInt8] {
        var h = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        for field in fields {
            // Framing is ours to decide: a handler's Content-Length could desynchronize the connection.
            if HTTPHeaders.sameName(field.name, "Content-Length")
                || HTTPHeaders.sameName(field.name, "Transfer-Encoding")
                || HTTPHeaders.sameName(field.name, "Connection")
            {
                continue
            }
            // Header injection: a CR or LF in a handler's value would start a new field. Bytes, not
            // Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            guard !field.name.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { continue }
            let safeValue = field.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) ? "" : field.value
            h += "\(field.name): \(safeValue)\r\n"
        }
        h += "Date: \(date)\r\n"
        for field in defaults where fields[field.name] == nil {
            h += "\(field.name): \(field.value)\r\n"
        }
        if let requestID, !requestID.isEmpty, fields["Request-Id"] == nil {
            h += "Request-Id: \(requestID)\r\n"
        }
        switch framing {
        case .length(let length): h += "Content-Length: \(length)\r\n"
        case .chunked: h += "Transfer-Encoding: chunked\r\n"
        case .none: break
        }
        switch persistence {
        case .close: h += "Connection: close\r\n"
        case .keepAlive: h += "Connection: keep-alive\r\n"
        case .implicit: break
        }
        h += "\r\n"
        return Array(h.utf8)
    }
}
