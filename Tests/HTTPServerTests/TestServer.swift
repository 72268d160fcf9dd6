import Foundation
import Glibc
import Log

@testable import HTTPServer

/// A live server on 127.0.0.1 port 0 for one test, stopped by `stop()`.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int

    init(
        router: Router, hooks: HTTPServerHooks = HTTPServerHooks(),
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) throws {
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.handlerThreads = 4
        configure(&config)
        server = HTTPServer(configuration: config, router: router, hooks: hooks, logger: .disabled)
        try server.start()
        port = server.boundPort!
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() async { await server.shutdown() }
}

/// Runs a command and returns its exit status and standard output.
@discardableResult
func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    let input = Pipe()
    p.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try p.run()
    if let stdin {
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A blocking TCP client for raw-byte tests (pipelining, malformed requests, slowloris).
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard r == 0 else {
            close(fd)
            throw HTTPError(status: .internalServerError, code: "connect_failed", errno: errno)
        }
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads until the peer closes (or the receive timeout passes).
    func readAll() -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads until `count` complete responses (`HTTP/1.1 ` status lines with their bodies) arrived.
    func readResponses(_ count: Int) -> [String] {
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
    static func split(_ text: String) -> [String] {
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
