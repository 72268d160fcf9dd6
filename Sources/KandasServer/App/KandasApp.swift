import Crypto
import Foundation
public import HTTPServer
public import KandasStore
import KandasUploads
public import Log
import PostgresKit
public import SQLiteKit
import Synchronization
import SystemKit

/// The running application: configuration, store, clock, logger and the pieces handlers share.
///
/// It builds the Router from ``EndpointTable/all`` (each route wrapped by ``dispatch(_:_:)``,
/// which runs the handler and turns errors into problem+json), the tus routes of the uploads
/// module, and the hooks: ``authorizeHead(_:)`` authenticates and checks the role of every
/// request before any body byte is read, and the access log feeds `/metrics`. Handlers run on
/// the engine's handler threads and use the pool synchronously.
public final class KandasApp: Sendable {
    public let config: ServerConfig
    /// The SQLite pool under ``database`` (SQLite-only maintenance uses it); nil on PostgreSQL.
    public let pool: DatabasePool?
    /// The store's database engine: every query of the server goes through it.
    public let database: any DatabaseEngine
    public let logger: Logger
    let clock: ServerClock
    let loginLimiter = LoginRateLimiter()
    /// The key of the console's login-form tokens (``ConsoleSession/loginToken(nonce:key:)``): derived
    /// from the store's cursor key, so every server on one store accepts the forms of the others.
    let consoleLoginKey: [UInt8]
    let metrics = RouteMetrics()
    let authenticator: Authenticator
    /// Set once the HTTP server exists, for its engine counters in `/metrics`.
    let server = ServerBox()
    /// Resumable uploads (tus) and the blob folder; nil for commands that must not touch partial
    /// files (``init(config:logger:uploads:)`` with `uploads: false`).
    let uploads: UploadStore?
    /// Routes by `METHOD pattern`, for the request-head hook.
    let endpointIndex: [String: Endpoint]
    /// `GET /v1/sync/pull`, which the event loop may answer itself (``answerOnLoop(_:)``).
    let pullEndpoint: Endpoint?
    /// The event loop's answers to polls with nothing new, while the store is unchanged.
    let pollMemo = PollMemo()

    /// Opens (creating and migrating) the store, and the upload store: SQLite in
    /// `config.dataDirectory`, or PostgreSQL at `config.databaseURL` (`--database-url`), whose
    /// migrations run under an advisory lock so instances starting together apply each once.
    /// The data folder holds partial uploads and blobs (a shared file system for several
    /// instances, or S3 for the blobs) on either engine.
    ///
    /// - Parameter uploads: open the upload store, whose start-up recovery cuts partial files back
    ///   to their committed offsets. Commands that may run beside a serving process (`verify`,
    ///   `migrate`, `seed-demo`) pass false so they never touch a file the server is writing.
    /// - Throws: ``ServerError`` if the folder cannot be created; `DatabaseError` from the store;
    ///   `UploadError` when the upload folders cannot be created or recovered.
    public init(config: ServerConfig, logger: Logger, uploads openUploads: Bool = true) throws {
        self.config = config
        self.logger = logger
        do {
            try FileManager.default.createDirectory(
                atPath: config.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerError(.internalError, "cannot create data folder \(config.dataDirectory)")
        }
        if let text = config.databaseURL {
            pool = nil
            // Every handler thread may hold a connection, plus the sweeper, the lock connection and a spare.
            database = try PostgresEngine(
                url: try PostgresURL(text), connections: config.handlerThreads + 3,
                migrations: PostgresSchema.migrations, writeTracePath: config.sqlTraceFile)
        } else {
            var options = Connection.Options()
            options.cacheSizeKiB = config.sqliteCacheKiB
            options.writeTracePath = config.sqlTraceFile
            let sqlite = try DatabasePool(
                path: config.databasePath, readers: config.sqliteReaders, options: options, migrator: Schema.migrator,
                readerCacheKiB: config.sqliteReaderCacheKiB)
            // A store an older version (or another umask) left readable by others is tightened; SQLite
            // creates -wal and -shm with the store's own mode, so they follow.
            for suffix in ["", "-wal", "-shm"] { Self.makePrivate(config.databasePath + suffix) }
            pool = sqlite
            database = SQLiteEngine(pool: sqlite)
        }
        clock = ServerClock(offsetFile: config.testClockFile)
        let storeKey = try database.readSync { db in try PullCursor.Keys.load(db).key }
        consoleLoginKey = HMAC.sha256(key: storeKey, message: Array("kandas console login key v1".utf8))
        authenticator = Authenticator(database: database)
        endpointIndex = Dictionary(
            EndpointTable.all.map { ("\($0.method.rawValue) \($0.pattern)", $0) }, uniquingKeysWith: { a, _ in a })
        pullEndpoint = endpointIndex["GET " + PullHandler.path]
        uploads =
            openUploads
            ? try Self.makeUploadStore(config: config, database: database, clock: clock, logger: logger) : nil
        // Protocol §1.3: idempotency keys are kept 30 days; older ones are dropped at start.
        let cutoff = clock.now() - 30 * 86_400_000
        try OpsStore.pruneIdempotency(database, before: cutoff)
        try LoginFailureStore.prune(database, before: clock.now() - loginLimiter.window)
    }

    func now() -> Int64 { clock.now() }

    /// Warns when others may read the data folder: the files in it are 0600, but their names and
    /// sizes, and anything copied in by hand, are not (issue 14).
    static func checkPrivacy(_ config: ServerConfig, _ logger: Logger) {
        var info = stat()
        guard stat(config.dataDirectory, &info) == 0, info.st_mode & 0o007 != 0 else { return }
        logger.warning(
            "data folder is readable by other users; chmod 700 it",
            ["data.path": .string(config.dataDirectory), "data.mode": .string(String(info.st_mode & 0o777, radix: 8))])
    }

    /// Takes group and other permissions off an existing file (a missing one is fine).
    static func makePrivate(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        _ = chmod(path, info.st_mode & 0o700)
    }

    /// The router with every endpoint of the table.
    public func makeRouter() -> Router {
        var router = Router()
        for endpoint in EndpointTable.all where endpoint.handler != nil {
            let body = endpoint.bodyLimit.map { Router.BodyPolicy.buffered(limit: $0) }
            router.add(endpoint.method, endpoint.pattern, body: body) { [self] request in
                dispatch(endpoint, request)
            }
        }
        addConsoleRoutes(to: &router)
        addUploadRoutes(to: &router)
        metrics.setRoutes(router.patterns)
        return router
    }

    /// Hooks: authorisation before the body, per-route request counts and latencies for
    /// `/metrics`, plus the access log.
    public func makeHooks() -> HTTPServerHooks {
        let metrics = self.metrics
        let logger = self.logger
        var hooks = HTTPServerHooks()
        hooks.requestHead = { [self] request in authorizeHead(&request) }
        hooks.answerOnLoop = { [self] request in answerOnLoop(request) }
        hooks.accessLog = { entry in
            metrics.record(entry)
            // The metadata is built only when the record is written (most servers log at warning).
            guard logger.level <= .info else { return }
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

    /// Runs one endpoint with the principal the head hook authorised; every failure becomes problem+json.
    ///
    /// Without the hook (in-process callers) it authorises here, through the same
    /// ``authorize(_:_:now:)``.
    func dispatch(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        let now = now()
        do {
            let principal = try principal(endpoint, request, now: now)
            guard let handler = endpoint.handler else { throw ServerError(.notFound) }
            let ctx = RequestContext(app: self, request: request, endpoint: endpoint, principal: principal, now: now)
            return try handler(ctx)
        } catch {
            return problemResponse(error, request)
        }
    }

    /// The problem+json answer for an error a handler (or the authoriser) threw.
    func problemResponse(_ error: any Error, _ request: HTTPRequest) -> HTTPResponse {
        do {
            throw error
        } catch let error as ServerError {
            if error.status >= 500 {
                logger.error(
                    "request failed", ["request.id": .string(request.requestID), "error": .string(error.description)])
            }
            return APIReply.problem(error, instance: request.path, requestID: request.requestID)
                .response(requestID: request.requestID)
        } catch let error as DatabaseError where error.isBusy {
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
    /// Read by every pull (the busy-page rule): a parking lock, not a spinning `Mutex`.
    private let value = ParkingLock<HTTPServer?>(nil)
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
