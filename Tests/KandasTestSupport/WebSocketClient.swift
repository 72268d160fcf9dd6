import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking WebSocket client (RFC 6455) for the Chrome DevTools protocol in tests:
/// text frames out (masked, §5.3), text/continuation frames in, pings answered, no extensions.
public final class WebSocketClient: @unchecked Sendable {
    // @unchecked: one test thread owns the client; the fd and buffer are never shared.
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `ws://127.0.0.1:port/path` and completes the opening handshake (§4.1).
    public init(port: Int, path: String) throws {
        fd = try Loopback.connect(port: port, receiveTimeoutSeconds: 60)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try write(Array(request.utf8))
        while !buffer.containsHeaderEnd { try fill() }
        let end = buffer.headerEnd
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        guard head.hasPrefix("HTTP/1.1 101") else { throw TestSupportError("WebSocket upgrade refused: \(head)") }
    }

    deinit { close(fd) }

    /// Sends one text message.
    public func send(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try write(frame)
    }

    /// Receives the next whole text message (continuations joined; pings answered).
    public func receive() throws -> String {
        var message: [UInt8] = []
        while true {
            try need(2)
            let fin = buffer[0] & 0x80 != 0
            let opcode = buffer[0] & 0x0F
            var length = Int(buffer[1] & 0x7F)
            var offset = 2
            if length == 126 {
                try need(4)
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            } else if length == 127 {
                try need(10)
                length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
                offset = 10
            }
            try need(offset + length)
            let payload = Array(buffer[offset..<(offset + length)])
            buffer.removeFirst(offset + length)
            switch opcode {
            case 0x8: throw TestSupportError("WebSocket closed by the peer")
            case 0x9: try write([0x8A, 0x80, 0, 0, 0, 0])  // pong with an empty masked payload
            case 0xA: continue
            default:
                message += payload
                if fin { return String(decoding: message, as: UTF8.self) }
            }
        }
    }

    private func need(_ n: Int) throws { while buffer.count < n { try fill() } }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw TestSupportError("WebSocket read failed (\(n), errno \(errno))") }
        buffer += chunk[0..<n]
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestSupportError("WebSocket write failed: errno \(errno)") }
            offset += n
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool { headerEnd >= 0 }
    fileprivate var headerEnd: Int {
        guard count >= 4 else { return -1 }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return i
        }
        return -1
    }
}
