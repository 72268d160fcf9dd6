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
    ///
    /// Appended as bytes, not interpolated into a String: every response builds one, and the
    /// String version was a few percent of a cheap request's CPU (issue 15).
    var bytes: [UInt8] {
        var h: [UInt8] = []
        h.reserveCapacity(256)
        write(to: &h)
        return h
    }

    /// Appends ``bytes`` to `h` (a connection's output buffer: no array of its own per response).
    func write(to h: inout [UInt8]) {
        func add(_ s: String) {
            var s = s
            s.withUTF8 { h.append(contentsOf: $0) }
        }
        func field(_ name: String, _ value: String) {
            add(name)
            h.append(0x3A)
            h.append(0x20)
            add(value)
            h.append(0x0D)
            h.append(0x0A)
        }
        add("HTTP/1.1 ")
        add(String(status.code))
        h.append(0x20)
        add(status.reasonPhrase)
        h.append(0x0D)
        h.append(0x0A)
        for f in fields {
            // Framing is ours to decide: a handler's Content-Length could desynchronize the connection.
            if HTTPHeaders.sameName(f.name, "Content-Length")
                || HTTPHeaders.sameName(f.name, "Transfer-Encoding")
                || HTTPHeaders.sameName(f.name, "Connection")
            {
                continue
            }
            // Header injection: a CR or LF in a handler's value would start a new field. Bytes, not
            // Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            guard !f.name.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { continue }
            let safeValue = f.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) ? "" : f.value
            field(f.name, safeValue)
        }
        field("Date", date)
        for f in defaults where fields[f.name] == nil {
            field(f.name, f.value)
        }
        if let requestID, !requestID.isEmpty, fields["Request-Id"] == nil {
            field("Request-Id", requestID)
        }
        switch framing {
        case .length(let length): field("Content-Length", String(length))
        case .chunked: field("Transfer-Encoding", "chunked")
        case .none: break
        }
        switch persistence {
        case .close: field("Connection", "close")
        case .keepAlive: field("Connection", "keep-alive")
        case .implicit: break
        }
        h.append(0x0D)
        h.append(0x0A)
    }
}
