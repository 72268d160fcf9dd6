import Foundation
import KandasProtocol
import ZlibKit

#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 keep-alive client for loopback benchmarks (Content-Length bodies only).
final class BenchHTTPClient {
    private var fd: Int32 = -1
    let port: Int
    var token: String?
    /// Sends `Accept-Encoding: gzip` and decodes gzip bodies (`Response.wireBytes` counts what came over the wire).
    var acceptGzip = false

    init(port: Int) { self.port = port }

    deinit { if fd >= 0 { close(fd) } }

    struct Response {
        var status: Int
        var body: [UInt8]
        /// Head and body bytes as received (before any decoding).
        var wireBytes = 0
        var retryAfter: Int?
        var contentEncoding: String?
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    private func connectIfNeeded() throws {
        guard fd < 0 else { return }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard ok == 0 else {
            close(s)
            throw BenchmarkFailure(description: "connect 127.0.0.1:\(port): errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = s
    }

    func request(
        _ method: String, _ target: String, body: [UInt8] = [], headers: [String: String] = [:]
    ) throws
        -> Response
    {
        // A kept-alive connection the server closed while idle (its 30 s keep-alive timeout, e.g. while
        // a peer ran) is opened again once; a fresh connection that fails is an error.
        let reused = fd >= 0
        do {
            return try exchange(method, target, body: body, headers: headers)
        } catch let error as BenchmarkFailure where reused {
            _ = error
            close(fd)
            fd = -1
            buffer = []
            return try exchange(method, target, body: body, headers: headers)
        }
    }

    private func exchange(
        _ method: String, _ target: String, body: [UInt8], headers: [String: String]
    ) throws -> Response {
        try connectIfNeeded()
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if acceptGzip { head += "Accept-Encoding: gzip\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + body)
        return try readResponse()
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchmarkFailure(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    private var buffer: [UInt8] = []

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw BenchmarkFailure(description: "connection closed by the server") }
        buffer += chunk[0..<n]
    }

    private func readResponse() throws -> Response {
        var end: Range<Int>?
        while true {
            end = buffer.firstRange(of: [13, 10, 13, 10])
            if end != nil { break }
            try fill()
        }
        guard let end else { throw BenchmarkFailure(description: "no response head") }
        let head = String(decoding: buffer[0..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var length = 0
        var retryAfter: Int?
        var encoding: String?
        for line in lines.dropFirst() {
            let lower = line.lowercased()
            func value(_ name: String) -> String {
                String(line.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
            }
            if lower.hasPrefix("content-length:") { length = Int(value("content-length:")) ?? 0 }
            if lower.hasPrefix("retry-after:") { retryAfter = Int(value("retry-after:")) }
            if lower.hasPrefix("content-encoding:") { encoding = value("content-encoding:").lowercased() }
        }
        while buffer.count < end.upperBound + length { try fill() }
        var body = Array(buffer[end.upperBound..<end.upperBound + length])
        buffer.removeFirst(end.upperBound + length)
        if encoding == "gzip" { body = try Self.gunzip(body) }
        return Response(
            status: status, body: body, wireBytes: end.upperBound + length, retryAfter: retryAfter,
            contentEncoding: encoding)
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        do { return try Gzip.decompress(bytes, limit: 1 << 30) } catch {
            throw BenchmarkFailure(description: "gzip body: \(error)")
        }
    }
}

extension BenchHTTPClient {
    /// Pulls the whole feed in pages of `limit`, as a fresh device does; only each page's envelope
    /// is parsed, so the bench's own JSON work is not counted as the server's pull time.
    func pullEverything(limit: Int) throws -> (changes: Int, pages: Int) {
        var changes = 0
        var pages = 0
        var cursor: String? = nil
        repeat {
            let r = try request("GET", "/v1/sync/pull?limit=\(limit)" + (cursor.map { "&cursor=" + $0 } ?? ""))
            guard r.status == 200 else { throw BenchmarkFailure(description: "pull: \(r.status)") }
            let (count, tail) = try LoadBenchmark.Device.scanPage(r.body)
            guard case .object(let page) = try JSONValue.parse(tail), case .string(let next)? = page["cursor"]
            else { throw BenchmarkFailure(description: "pull: not a page") }
            changes += count
            pages += 1
            cursor = page["has_more"] == .bool(true) ? next : nil
        } while cursor != nil
        return (changes, pages)
    }
}
