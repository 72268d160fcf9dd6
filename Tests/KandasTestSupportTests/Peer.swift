import Foundation
import KandasTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Blocking client-side helpers for the proxy tests.
enum Peer {
    /// Everything read from a connection, and how it ended.
    struct Received: Sendable {
        enum End: Sendable, Equatable {
            case eof
            case reset
            case other(errno: Int32)
        }
        var bytes: [UInt8]
        var end: End
    }

    /// A connected socket with a 30 s receive timeout, so a broken proxy fails the test instead of hanging it.
    static func connect(port: Int) throws -> Int32 {
        try Loopback.connect(port: port, receiveTimeoutSeconds: 30)
    }

    /// Writes all of `bytes`; false when the peer went away first.
    @discardableResult
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// Reads until EOF or an error (a reset, or the receive timeout).
    static func readToEnd(_ fd: Int32, limit: Int = .max) -> Received {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, limit - out.count), 0) }
            if n > 0 {
                out += buffer[0..<n]
            } else if n == 0 {
                return Received(bytes: out, end: .eof)
            } else if errno != EINTR {
                return Received(bytes: out, end: errno == ECONNRESET ? .reset : .other(errno: errno))
            }
        }
        return Received(bytes: out, end: .other(errno: 0))
    }

    /// Deterministic filler bytes, different at every offset within a 251-byte cycle.
    static func pattern(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) &+ seed }
    }

    /// Inodes of this process's open sockets; with `ports`, only TCP sockets with a local or remote port in it.
    ///
    /// Leak checks compare inodes, not a count of `/proc/self/fd`, because other suites open descriptors in the
    /// same process at the same time. A socket that has been shut down leaves `/proc/net/tcp` even while its
    /// descriptor is still open, so take the set while the connections are live and check afterwards that
    /// none of those inodes is still held.
    static func socketInodes(ports: Set<Int>? = nil) -> Set<String> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let held = Set(
            entries.compactMap { entry -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst(8).dropLast())
            })
        guard let ports else { return held }
        var matching = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = readProcFile(table)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9 else { continue }
                let local = Int(fields[1].split(separator: ":").last ?? "", radix: 16) ?? -1
                let remote = Int(fields[2].split(separator: ":").last ?? "", radix: 16) ?? -1
                if ports.contains(local) || ports.contains(remote) { matching.insert(String(fields[9])) }
            }
        }
        return held.intersection(matching)
    }

    /// The whole of a procfs file, read in a loop: procfs reports size 0, and Foundation's
    /// `String(contentsOfFile:)` returned only the first page of `/proc/net/tcp` here.
    static func readProcFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
