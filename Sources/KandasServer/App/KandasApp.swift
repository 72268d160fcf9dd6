import Foundation
public import HTTPServer
public import Log
public import SQLiteKit
import Synchronization

/// The running application: configuration, store, clock, logger and the pieces handlers share.
///
/// It builds the Router from ``EndpointTable/all`` (each route wrapped by ``dispatch(_:_:)``,
/// which authenticates, checks the role and turns errors into problem+json) and the hooks that
/// feed `/metrics`. Handlers run on the engine's handler threads and use the pool synchronously.
public final class KandasApp: Sendable {
    public let config: ServerConfig
    public let pool: DatabasePool
    public let logger: Logger
    let clock: ServerClock
    let loginLimiter = LoginRateLimiter()
    let metrics = RouteMetrics()
    let authenticator: Authenticator
    /// Set once the HTTP server exists, for its engine counters in `/metrics`.
    let server = ServerBox()

    /// Opens (creating and migrating) the store in `config.dataDirectory`.
    ///
    /// - Throws: ``ServerError`` if the folder cannot be created; `SQLiteError` from the store.
    public init(config: ServerConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        do {
            try FileManager.default.createDirectory(
                atPath: config.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerError(.internalError, "cannot create data folder \(config.dataDirectory)")
        }
        pool = try DatabasePool(path: config.databasePath, readers: 4, migrator: Schema.migrator)
        clock = ServerClock(offsetFile: config.testClockFile)
        authenticator = Authenticator(pool: pool)
        // Protocol §1.3: idempotency keys are kept 30 days; older ones are dropped at start.
        let cutoff = clock.now() - 30 * 86_400_000
        try pool.writeSync { db in _ = try db.run("DELETE FROM idempotency WHERE created_at < ?", cutoff) }
    }

    func now() -> Int64 { clock.now() }

    /// The router with every endpoint of the table.
    public func makeRouter() -> Router {
        var router = Router()
        for endpoint in EndpointTable.all {
            let body = endpoint.bodyLimit.map { Router.BodyPolicy.buffered(limit: $0) }
            router.add(endpoint.method, endpoint.pattern, body: body) { [self] request in
                dispatch(endpoint, request)
            }
        }
        addConsoleRoutes(to: &router)
        return router
    }

    /// Hooks: per-route request counts and latencies for `/metrics`, plus the access log.
    public func makeHooks() -> HTTPServerHooks {
        let metrics = self.metrics
        let logger = self.logger
        var hooks = HTTPServerHooks()
        hooks.accessLog = { entry in
            metrics.record(entry)
            logger.info(
                "request",
                [
                    "http.method": .string(entry.method), "http.route": .string(entry.route),
                    "http.status": .int(Int64(entry.status)), "http.duration_ms": .double(entry.durationMs),
                    "request.id": .string(entry.requestID),
                ])
        }
        return hooks
    }

    /// Authenticates, authorises and runs one endpoint; every failure becomes problem+json.
    func dispatch(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        let now = now()
        do {
            var principal: Principal?
            if endpoint.access != .open {
                let p = try authenticator.authenticate(request, now: now)
                let kindAllowed =
                    switch endpoint.access {
                    case .device: p.kind == .device
                    case .anyToken: true
                    default: p.kind == .user
                    }
                guard endpoint.roles.contains(p.role), kindAllowed else {
                    throw ServerError(
                        .forbidden, "this role may not use \(endpoint.method.rawValue) \(endpoint.pattern)")
                }
                principal = p
            }
            let ctx = RequestContext(app: self, request: request, endpoint: endpoint, principal: principal, now: now)
            return try endpoint.handler(ctx)
        } catch let error as ServerError {
            if error.status >= 500 {
                logger.error(
                    "request failed", ["request.id": .string(request.requestID), "error": .string(error.description)])
            }
            return APIReply.problem(error, instance: request.path, requestID: request.requestID)
                .response(requestID: request.requestID)
        } catch let error as SQLiteError where error.isBusy {
            let unavailable = ServerError(.unavailable, "the store is busy; retry", retryAfterSeconds: 2)
            return APIReply.problem(unavailable, instance: request.path, requestID: request.requestID)
                .response(requestID: request.requestID)
        } catch {
            // Internals never reach the client; the log has the cause (no tokens or personal data in it).
            logger.error(
                "handler error",
                ["request.id": .string(request.requestID), "error": .string(String(describing: error))])
            let internalError = ServerError(.internalError, "report the request_id")
            return APIReply.problem(internalError, instance: request.path, requestID: request.requestID)
                .response(requestID: request.requestID)
        }
    }
}

/// Holds the HTTP server once it exists (set once at start, read by `/metrics`).
final class ServerBox: Sendable {
    private let value = Mutex<HTTPServer?>(nil)
    func set(_ server: HTTPServer) { value.withLock { $0 = server } }
    var server: HTTPServer? { value.withLock { $0 } }
}

extension KandasApp {
    /// The base URL devices use, for enrollment payloads: `--public-url`, else the listen address.
    var publicBaseURL: String {
        if let url = config.publicURL { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        guard let address = HTTPServer.ListenAddress(config.listen) else { return "http://" + config.listen }
        let port = server.server?.boundPort ?? address.port
        return "http://" + HTTPServer.ListenAddress(host: address.host, port: port).description
    }
}
