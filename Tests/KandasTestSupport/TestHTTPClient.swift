import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 client for tests: one connection per request (`Connection: close`),
/// raw bytes in and out, so tests see exactly what the server sent (status, every header, body).
public struct TestHTTPClient: Sendable {
    public var host: String
    public var port: Int
    /// Headers sent with every request (e.g. a bearer token) unless the request overrides them.
    public var defaultHeaders: [(String, String)]

    public init(host: String = "127.0.0.1", port: Int, defaultHeaders: [(String, String)] = []) {
        self.host = host
        self.port = port
        self.defaultHeaders = defaultHeaders
    }

    /// The client with `Authorization: Bearer <token>` on every request.
    public func authorized(_ token: String) -> TestHTTPClient {
        var copy = self
        copy.defaultHeaders.removeAll { $0.0.lowercased() == "authorization" }
        copy.defaultHeaders.append(("Authorization", "Bearer " + token))
        return copy
    }

    /// Sends one request and reads the whole response.
    /// - Throws: ``TestSupportError`` when the connection fails or the response is malformed.
    public func send(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> TestResponse {
        var all = defaultHeaders.filter { d in !headers.contains { $0.0.lowercased() == d.0.lowercased() } } + headers
        all.append(("Host", "\(host):\(port)"))
        all.append(("Connection", "close"))
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            all.append(("Content-Length", "\(body.count)"))
        }
        var head = "\(method) \(target) HTTP/1.1\r\n"
        for (name, value) in all { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return try TestResponse.parse(try exchange(Array(head.utf8) + body))
    }

    /// A JSON request (`Content-Type: application/json`) with an optional `Idempotency-Key`.
    public func json(
        _ method: String, _ target: String, _ body: String, idempotencyKey: String? = nil,
        headers: [(String, String)] = []
    ) throws -> TestResponse {
        var h = [("Content-Type", "application/json")] + headers
        if let idempotencyKey { h.append(("Idempotency-Key", idempotencyKey)) }
        return try send(method, target, headers: h, body: Array(body.utf8))
    }

    public func get(_ target: String) throws -> TestResponse { try send("GET", target) }

    /// Writes raw bytes to a new connection and returns everything read until the server closes it.
    public func exchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let fd = try Loopback.connect(port: port, receiveTimeoutSeconds: 60)
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }  // The server may answer (413) and close before reading everything.
            offset += n
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                out += buffer[0..<n]
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        return out
    }
}

/// A parsed HTTP response as a test sees it.
public struct TestResponse: Sendable, CustomStringConvertible {
    public var status: Int
    /// Header names lowercased; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    public var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The problem `code` of an error response.
    public var code: String? { object["code"] as? String }

    public var description: String { "\(status) \(text.prefix(500))" }

    static func parse(_ raw: [UInt8]) throws -> TestResponse {
        guard let end = raw.firstRange(of: [13, 10, 13, 10]) else {
            throw TestSupportError("no complete response head (\(raw.count) bytes)")
        }
        let lines = String(decoding: raw[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestSupportError("bad status line \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Array(raw[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return TestResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while let lineEnd = bytes[i...].firstRange(of: [13, 10]) {
            let sizeText = String(decoding: bytes[i..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first
            guard let size = Int(sizeText ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard start + size <= bytes.count else { break }
            out += bytes[start..<start + size]
            i = start + size + 2
            guard i < bytes.count else { break }
        }
        return out
    }
}

/// Why a test helper failed.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
