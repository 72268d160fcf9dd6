extension HTTPServer {
    /// One address to listen on: `127.0.0.1:8080`, `[::1]:0`, `0.0.0.0:443`, `[::]:8080`.
    public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port`, with IPv6 hosts in brackets; nil if malformed.
        public init?(_ text: String) {
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return nil }
                let host = String(text[text.index(after: text.startIndex)..<close])
                let rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else {
                    return nil
                }
                self.init(host: host, port: port)
            } else {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port), !parts[0].isEmpty else {
                    return nil
                }
                self.init(host: String(parts[0]), port: port)
            }
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Limits on the request head (RFC 9112 §2.3: a server decides, and answers 414 / 431).
    public struct HeaderLimits: Sendable, Equatable {
        /// Longest request line (414 beyond).
        public var maxRequestLineBytes: Int = 8 * 1024
        /// Largest head: request line plus fields (431 beyond); also bounds trailers.
        public var maxHeaderBytes: Int = 32 * 1024
        /// Most header fields (431 beyond).
        public var maxHeaderCount: Int = 100

        public init() {}
    }

    /// Timeouts. Each one closes the connection when it fires (after a 408 if nothing was sent).
    ///
    /// Defaults follow Go's `ReadHeaderTimeout` and nginx's `client_header_timeout` /
    /// `client_body_timeout`, with Apache `mod_reqtimeout`'s minimum rate for bodies.
    public struct Timeouts: Sendable, Equatable {
        /// From accepting a connection, or the first byte of a request head, to the head's end:
        /// a connection that sends nothing, or a head that never ends (slowloris), is closed.
        public var headerRead: Duration = .seconds(10)
        /// A kept-alive connection between two requests.
        public var idleKeepAlive: Duration = .seconds(30)
        /// Body reads: the longest a body may pause. Each received byte extends the deadline by
        /// `1 / minimumBodyBytesPerSecond` seconds (never beyond this much ahead), so a body slower
        /// than the minimum rate uses it up as well: at 300 B/s with the defaults it ends in 21 s,
        /// a stalled one in 15 s. Time paused by the server's own backpressure does not count.
        public var bodyIdle: Duration = .seconds(15)
        /// The minimum average body rate, in bytes per second (see `bodyIdle`); low enough for a
        /// 2G link (a few KB/s), high enough that a trickle cannot hold a connection.
        public var minimumBodyBytesPerSecond: Int = 1024
        /// No write progress for this long while a response is pending.
        public var write: Duration = .seconds(60)

        public init() {}
    }

    /// Everything the server needs to start.
    public struct Configuration: Sendable {
        public var listen: [ListenAddress] = [ListenAddress(host: "127.0.0.1", port: 8080)]
        /// I/O threads running epoll loops.
        public var eventLoops: Int = 1
        /// Threads running handlers and body consumers (they may block on SQLite and disk).
        public var handlerThreads: Int = 8
        /// Handler jobs allowed to wait for a thread before new requests get 503.
        public var maxQueuedJobs: Int = 1024
        /// Connections over this are answered 503 (`too_many_connections`) and closed.
        public var maxConnections: Int = 4096
        /// Per client address: the peer's, or with `trustForwardedFor` the forwarded one.
        public var maxConnectionsPerAddress: Int = 512
        /// Count connections per address by the last `X-Forwarded-For` entry of each request (only
        /// behind your own reverse proxy, whose connections all share its address). A request
        /// whose forwarded address is at its cap is answered 503 `too_many_connections`.
        public var trustForwardedFor = false
        /// Paths (`/healthz`, `/readyz`) still served when a cap is reached: up to
        /// `reservedConnections` more connections are accepted, for these paths only (any other
        /// request on them is answered 503 `too_many_connections`). Empty: no reserve.
        public var reservedPaths: Set<String> = []
        public var reservedConnections: Int = 8
        public var headerLimits = HeaderLimits()
        public var timeouts = Timeouts()
        /// Body limit of routes that do not declare one.
        public var defaultBodyLimit: Int = 1 << 20
        /// Size of each socket read while a body streams to a consumer (bigger reads, fewer syscalls).
        public var bodyReadSize: Int = 1 << 20
        /// Buffer size for a streaming body whose sender fills `bodyReadSize` buffers faster than
        /// its consumer empties them (a fast link): fewer thread hand-offs and bigger disk writes
        /// per byte, held only while such a body lasts. At most `bodyReadSize` turns growing off.
        public var fastBodyReadSize: Int = 4 << 20
        /// Folder for spooled bodies; the system temporary folder if nil.
        public var spoolDirectory: String?
        /// `Retry-After` seconds sent with 503 when overloaded or shutting down.
        public var retryAfterSeconds: Int = 5
        /// Deadline for in-flight requests when `shutdown()` is called.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// Fields added to every response, the engine's own errors included (e.g. a protocol
        /// version header). Names and values must not contain CR or LF.
        public var responseHeaders = HTTPHeaders()
        /// The engine's own problem responses get `type` = this prefix + code and a title made of
        /// the code (as the application's problems do); nil: `about:blank` (``ProblemRenderer``).
        public var problemTypePrefix: String?

        public init() {}

        public init(listen: [ListenAddress]) { self.listen = listen }
    }
}
