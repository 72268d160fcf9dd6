import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback TCP client for raw-byte tests: what curl cannot do (pipelining, malformed
/// requests, a body cut mid-way, a PATCH held open, slowloris).
public final class RawClient {
    public let fd: Int32

    /// Connects to 127.0.0.1:`port` with a 20 s receive timeout.
    /// - Throws: ``TestSupportError`` when the connection is refused.
    public init(port: Int) throws {
        fd = try Loopback.connect(port: port, receiveTimeoutSeconds: 20)
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends bytes; false once the peer closed.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    /// Reads until the peer closes (or the receive timeout passes).
    public func readAll() -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads what one `recv` returns (empty on close or timeout).
    public func readSome() -> String {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return String(decoding: buf[0..<max(0, n)], as: UTF8.self)
    }

    /// Reads until the server closes the connection: `closed` is true for an orderly close or a
    /// reset, false if the receive timeout passed with the connection still open.
    public func readUntilClosed() -> (text: String, closed: Bool) {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                out.append(contentsOf: buf[0..<n])
                continue
            }
            let closed = n == 0 || errno == ECONNRESET
            return (String(decoding: out, as: UTF8.self), closed)
        }
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until `count` complete responses (`HTTP/1.1 ` status lines with their bodies) arrived.
    public func readResponses(_ count: Int) -> [String] {
        var text = ""
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let parsed = RawClient.split(text)
            if parsed.count >= count { return parsed }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return parsed }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
    }

    /// Splits a byte stream into complete Content-Length-framed responses.
    public static func split(_ text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let end = rest.range(of: "\r\n\r\n") {
            let head = rest[..<end.lowerBound]
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let bodyStart = end.upperBound
            guard rest.distance(from: bodyStart, to: rest.endIndex) >= length else { break }
            let bodyEnd = rest.index(bodyStart, offsetBy: length)
            out.append(String(rest[..<bodyEnd]))
            rest = rest[bodyEnd...]
        }
        return out
    }
}
