import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The few socket calls ``FaultProxy`` needs, on IPv4 loopback.
enum ProxySocket {
    /// A non-blocking, close-on-exec listening socket on 127.0.0.1 port 0, and the port the kernel chose.
    static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("fault proxy: socket failed: errno \(errno)") }
        var address = Loopback.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw TestSupportError("fault proxy: bind/listen on 127.0.0.1:0 failed: errno \(code)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A blocking, close-on-exec socket connected to 127.0.0.1:`port`, or -1 when the connect fails.
    static func connect(port: Int) -> Int32 {
        guard let fd = try? Loopback.connect(port: port) else { return -1 }
        setNoDelay(fd)
        return fd
    }

    /// Sends small writes at once, so a peer sees forwarded bytes without Nagle's delay.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Makes the next `close` send RST instead of FIN.
    static func setLingerZero(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Reads and discards whatever is already queued, so a following `close` sends FIN rather than RST
    /// (Linux resets a connection closed with unread data).
    static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) > 0 {}
    }
}
