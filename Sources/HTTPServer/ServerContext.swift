import Log
import Synchronization

/// What every loop and handler thread of one server shares: settings, the responder, the
/// handler pool, counters and the connection caps.
final class ServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let parserLimits: RequestParser.Limits
    let responder: Responder
    let pool: HandlerPool
    let metrics = MetricsRecorder()
    let logger: Logger
    let accessLog: @Sendable (AccessLogEntry) -> Void
    private let caps = Mutex(Caps())
    private let drainingFlag = Atomic<Bool>(false)

    init(
        configuration: HTTPServer.Configuration, responder: Responder, logger: Logger,
        accessLog: (@Sendable (AccessLogEntry) -> Void)?
    ) {
        self.configuration = configuration
        var limits = RequestParser.Limits()
        limits.maxHeaderBytes = configuration.headerLimits.maxHeaderBytes
        limits.maxHeaderCount = configuration.headerLimits.maxHeaderCount
        limits.maxRequestLineBytes = configuration.headerLimits.maxRequestLineBytes
        self.parserLimits = limits
        self.responder = responder
        self.pool = HandlerPool(threads: configuration.handlerThreads, maxQueued: configuration.maxQueuedJobs)
        self.logger = logger
        self.accessLog =
            accessLog ?? { entry in
                logger.info(
                    "request",
                    [
                        "http.method": .string(entry.method), "http.route": .string(entry.route),
                        "http.status": .int(Int64(entry.status)), "http.bytes_in": .int(entry.bytesIn),
                        "http.bytes_out": .int(entry.bytesOut), "http.duration_ms": .double(entry.durationMs),
                        "http.request_id": .string(entry.requestID), "net.peer": .string(entry.remoteAddress),
                    ])
            }
    }

    var isDraining: Bool { drainingFlag.load(ordering: .acquiring) }
    func startDraining() { drainingFlag.store(true, ordering: .releasing) }

    /// Connection counts: under the caps, per counting key, and in the reserve.
    struct Caps {
        var total = 0
        var perAddress: [String: Int] = [:]
        var reserve = 0
    }

    /// How an accepted connection was admitted.
    enum Admission: Equatable {
        /// Counted under the caps, per address by `key` (nil: not counted per address yet, as a
        /// trusted proxy's connection until a request names its client).
        case counted(key: String?)
        /// Over a cap but inside the reserve: only ``HTTPServer/Configuration/reservedPaths``.
        case reserve
        case refused
    }

    var openConnections: Int { caps.withLock { $0.total + $0.reserve } }

    /// Counts a new connection from `address` against the caps, or in the reserve.
    func admit(_ address: String) -> Admission {
        let config = configuration
        let admission = caps.withLock { c -> Admission in
            // Behind a trusted proxy every connection has the proxy's address: the per-address cap
            // applies to the forwarded client address instead, once a request names it.
            let key: String? = config.trustForwardedFor ? nil : address
            let mine = key.map { c.perAddress[$0, default: 0] } ?? 0
            if c.total < config.maxConnections && mine < config.maxConnectionsPerAddress {
                c.total += 1
                if let key { c.perAddress[key] = mine + 1 }
                return .counted(key: key)
            }
            if !config.reservedPaths.isEmpty && c.reserve < config.reservedConnections {
                c.reserve += 1
                return .reserve
            }
            return .refused
        }
        if admission == .refused { metrics.shed() } else { metrics.connectionOpened() }
        return admission
    }

    /// Moves a counted connection from key `old` to `new` (a request's forwarded client address);
    /// false, and nothing moved, if `new` is at its per-address cap.
    func rekey(from old: String?, to new: String) -> Bool {
        caps.withLock { c in
            let mine = c.perAddress[new, default: 0]
            guard mine < configuration.maxConnectionsPerAddress else { return false }
            c.perAddress[new] = mine + 1
            if let old {
                let left = c.perAddress[old, default: 1] - 1
                c.perAddress[old] = left > 0 ? left : nil
            }
            return true
        }
    }

    /// Releases what ``admit(_:)`` (and ``rekey(from:to:)``) counted.
    func release(_ admission: Admission) {
        caps.withLock { c in
            switch admission {
            case .counted(let key):
                c.total -= 1
                if let key {
                    let left = c.perAddress[key, default: 1] - 1
                    c.perAddress[key] = left > 0 ? left : nil
                }
            case .reserve: c.reserve -= 1
            case .refused: break
            }
        }
        metrics.connectionClosed()
    }

    /// The shed answer to a connection refused at accept: the engine's problem (with the
    /// configured response headers and a `Request-Id`), framed by hand since no request exists.
    func shedResponse(requestID: String, date: String) -> [UInt8] {
        let error = HTTPError(
            status: .serviceUnavailable, code: "too_many_connections",
            headers: ["Retry-After": String(configuration.retryAfterSeconds)])
        let request = HTTPRequest(
            method: HTTPMethod("-"), target: "", path: "", remoteAddress: "", requestID: requestID)
        let body = responder.problems.body(error, request: request)
        let head = ResponseHead(
            status: .serviceUnavailable,
            fields: [
                "Content-Type": "application/problem+json", "Retry-After": String(configuration.retryAfterSeconds),
            ],
            date: date, defaults: configuration.responseHeaders, requestID: requestID,
            framing: .length(Int64(body.count)), persistence: .close)
        return head.bytes + body
    }

    func finished(_ entry: AccessLogEntry) {
        metrics.request(
            status: entry.status, bytesIn: entry.bytesIn, bytesOut: entry.bytesOut, durationMs: entry.durationMs)
        accessLog(entry)
    }
}
