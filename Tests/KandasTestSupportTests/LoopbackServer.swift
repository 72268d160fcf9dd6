import Dispatch
import Foundation
import KandasTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A threaded TCP server on 127.0.0.1 port 0 that runs `handler` for each connection on its own thread.
///
/// The proxy tests' far end: echo, sink or source, written here so nothing outside the test runs.
final class LoopbackServer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let stopped = Mutex(false)
    private let threads = DispatchGroup()

    init(handler: @escaping @Sendable (Int32) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = Loopback.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            close(fd)
            throw TestSupportError("loopback server: bind/listen failed: errno \(errno)")
        }
        listenFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        threads.enter()
        Thread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    break  // shutdown() by stop()
                }
                if stopped.withLock({ $0 }) {
                    close(client)
                    break
                }
                var timeout = timeval(tv_sec: 30, tv_usec: 0)
                setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                threads.enter()
                Thread { [self] in
                    handler(client)
                    close(client)
                    threads.leave()
                }.start()
            }
            threads.leave()
        }.start()
    }

    /// Stops accepting, waits for every handler to return, and closes the listener.
    func stop() {
        guard
            !stopped.withLock({ s in
                defer { s = true }; return s
            })
        else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        threads.wait()
        close(listenFD)
    }

    deinit { stop() }

    /// Echoes every byte until the client half-closes, then closes.
    static func echo() throws -> LoopbackServer {
        try LoopbackServer { fd in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0, Peer.sendAll(fd, Array(buffer[0..<n])) else { return }
            }
        }
    }

    /// Sends `bytes`, then reads until the client closes (so the server never resets the connection).
    static func source(_ bytes: [UInt8]) throws -> LoopbackServer {
        try LoopbackServer { fd in
            _ = Peer.sendAll(fd, bytes)
            _ = Peer.readToEnd(fd)
        }
    }

    /// Sends `bytes` and closes at once (FIN).
    static func sourceThenClose(_ bytes: [UInt8]) throws -> LoopbackServer {
        try LoopbackServer { fd in
            _ = Peer.sendAll(fd, bytes)
        }
    }

    /// Reads to the end of each connection and hands what it got to `received`.
    static func sink(_ received: @escaping @Sendable (Peer.Received) -> Void) throws -> LoopbackServer {
        try LoopbackServer { fd in received(Peer.readToEnd(fd)) }
    }
}
