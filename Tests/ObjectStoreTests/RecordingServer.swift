import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 peer that records each request's head and body and answers with a canned
/// response, closing the connection: enough to see exactly what the S3 client puts on the wire.
final class RecordingServer: Sendable {
    struct Recorded: Sendable {
        var head: String
        var body: [UInt8]

        var requestLine: String { String(head.split(separator: "\r\n").first ?? "") }

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == name.lowercased() {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    let port: Int
    private let listener: Int32
    private let recorded = Mutex<[Recorded]>([])
    private let response: String

    init(responseBody: String = "") throws {
        response =
            "HTTP/1.1 200 OK\r\nETag: \"etag-1\"\r\nContent-Length: \(responseBody.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + responseBody
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = listener
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        listen(fd, 16)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var requests: [Recorded] { recorded.withLock { $0 } }

    /// Closes the listening socket; the accept loop ends.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { break }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var headEnd: Int?
            var expected = Int.max
            while data.count < expected {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                data += buffer[0..<n]
                if headEnd == nil, let range = findHeadEnd(data) {
                    headEnd = range
                    let head = String(decoding: data[0..<range], as: UTF8.self)
                    let length = Recorded(head: head, body: []).header("Content-Length").flatMap { Int($0) } ?? 0
                    expected = range + 4 + length
                }
            }
            if let headEnd {
                let head = String(decoding: data[0..<headEnd], as: UTF8.self)
                let body = Array(data[(headEnd + 4)...])
                recorded.withLock { $0.append(Recorded(head: head, body: body)) }
            }
            _ = response.withCString { write(client, $0, strlen($0)) }
            close(client)
        }
        close(listener)
    }

    private func findHeadEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10
        {
            return i
        }
        return nil
    }
}
