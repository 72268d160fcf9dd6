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
    private let caps = Mutex<(total: Int, perAddress: [String: Int])>((0, [:]))
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

    var openConnections: Int { caps.withLock { $0.total } }

    /// Counts a new connection against the caps; false if it must be shed.
    func admit(_ address: String) -> Bool {
        let ok = caps.withLock { c -> Bool in
            let mine = c.perAddress[address, default: 0]
            guard c.total < configuration.maxConnections, mine < configuration.maxConnectionsPerAddress else {
                return false
            }
            c.total += 1
            c.perAddress[address] = mine + 1
            return true
        }
        if ok { metrics.connectionOpened() } else { metrics.shed() }
        return ok
    }

    func release(_ address: String) {
        caps.withLock { c in
            c.total -= 1
            let left = c.perAddress[address, default: 1] - 1
            c.perAddress[address] = left > 0 ? left : nil
        }
        metrics.connectionClosed()
    }

    func finished(_ entry: AccessLogEntry) {
        metrics.request(
            status: entry.status, bytesIn: entry.bytesIn, bytesOut: entry.bytesOut, durationMs: entry.durationMs)
        accessLog(entry)
    }
}
