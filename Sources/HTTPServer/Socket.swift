import Glibc
import SystemKit

/// Listening and accepted TCP sockets, as plain descriptors with small helpers.
enum Socket {
    /// Creates a non-blocking listening socket bound to `address`; returns it and the bound port.
    ///
    /// - Throws: ``HTTPError`` `listen_failed` with the failing call and errno.
    static func listen(
        _ address: HTTPServer.ListenAddress, backlog: Int32 = 1024
    ) throws(HTTPError) -> (
        fd: Int32, port: Int
    ) {
        var storage = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        if inet_pton(AF_INET, address.host, &storage.__ss_align) == 1 || address.host == "localhost" {
            family = AF_INET
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(address.port).bigEndian)
            if inet_pton(AF_INET, address.host == "localhost" ? "127.0.0.1" : address.host, &sin.sin_addr) != 1 {
                throw failure(address, "inet_pton", EINVAL)
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: sin) { dst.copyMemory(from: $0) } }
        } else {
            family = AF_INET6
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(address.port).bigEndian)
            if inet_pton(AF_INET6, address.host, &sin6.sin6_addr) != 1 {
                throw HTTPError(
                    status: .internalServerError, code: "listen_failed",
                    detail: "\(address): not a numeric IPv4 or IPv6 address")
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: sin6) { dst.copyMemory(from: $0) } }
        }
        let fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(address, "socket", Syscall.errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            // `[::]` then listens on IPv6 only; list `0.0.0.0` separately for IPv4, as nginx does.
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let e = Syscall.errno
            close(fd)
            throw failure(address, "bind", e)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = Syscall.errno
            close(fd)
            throw failure(address, "listen", e)
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        return (fd, port(of: actual))
    }

    private static func failure(_ address: HTTPServer.ListenAddress, _ call: String, _ e: Int32) -> HTTPError {
        HTTPError(
            status: .internalServerError, code: "listen_failed",
            detail: "\(call) \(address): \(String(cString: strerror(e)))", errno: e)
    }

    /// Accepts one connection, non-blocking and close-on-exec, with Nagle disabled (small
    /// responses must not wait for an ACK).
    static func accept(_ listener: Int32) throws(HTTPError) -> IOResult<Accepted> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let r = try syscall("accept4") {
            Int(
                withUnsafeMutableBytes(of: &storage) {
                    Syscall.accept4(
                        listener, $0.baseAddress, &length,
                        flags: Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                })
        }
        guard case .processed(let fd) = r else { return .wouldBlock }
        var one: Int32 = 1
        setsockopt(Int32(fd), Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .processed(Accepted(fd: Int32(fd), address: host(of: storage)))
    }

    struct Accepted: Equatable {
        var fd: Int32
        var address: String
    }

    static func port(of storage: sockaddr_storage) -> Int {
        var s = storage
        return withUnsafeBytes(of: &s) { raw in
            if Int32(storage.ss_family) == AF_INET {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
        }
    }

    /// The numeric address of a peer (`127.0.0.1`, `::1`), used for per-address caps and logs.
    static func host(of storage: sockaddr_storage) -> String {
        var s = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: &s) { raw in
            if Int32(storage.ss_family) == AF_INET {
                var a = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
            } else {
                var a = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &a, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
