import Foundation
import HTTPServer
import KandasProtocol
import KandasStore
import KandasUploads
import Lifecycle
import Log
import SystemKit

/// The `kandas-server` command line: `serve`, `seed-demo`, `backup`, `migrate`, `help`.
///
/// Exit codes: 0 success, 1 failure, 64 usage error (sysexits `EX_USAGE`). Settings come from
/// flags and `KANDAS_*` variables (``ServerConfig``); `main.swift` only calls ``main(arguments:environment:)``.
public enum ServerCommand {
    public static let usage = """
        usage: kandas-server <command> [options]

        commands:
          serve                 run the server (creates and migrates the store on first start)
          seed-demo [--json] [--password P]
                                fill an empty store with a demo organisation; prints logins and enrollment codes
          backup --to FILE      consistent online backup of the store (safe while serving)
          migrate               create or migrate the store, then exit
          verify                re-hash every blob against the store; report mismatches, missing and orphan blobs
          blobs copy --to URL   copy every blob of --blob-store to URL (file:, file:PATH or s3://BUCKET[/PREFIX]);
                                resumable (present blobs are skipped) and verified (re-hashed on the way)
          store copy --from DATA_DIR|URL --to URL|DATA_DIR
                                copy every table between the SQLite store of a data folder and a new, empty
                                PostgreSQL store (postgresql://...), or back; verifies row counts and digests
          help                  this text

        settings (flag, environment variable, meaning):
        \(ServerConfig.helpText)

        exit codes: 0 success, 1 failure, 64 usage error
        """

    /// The commands, each with its synopsis and what it does: `COMMAND --help` prints one of them.
    static let commands: [(name: String, synopsis: String, help: String)] = [
        ("serve", "serve", "run the server (creates and migrates the store on first start)"),
        (
            "seed-demo", "seed-demo [--json] [--password P]",
            "fill an empty store with a demo organisation; prints logins and enrollment codes"
        ),
        ("backup", "backup --to FILE", "consistent online backup of the store (safe while serving)"),
        ("migrate", "migrate", "create or migrate the store, then exit"),
        ("verify", "verify", "re-hash every blob against the store; report mismatches, missing and orphan blobs"),
        (
            "blobs", "blobs copy --to URL",
            "copy every blob of --blob-store to URL (file:, file:PATH or s3://BUCKET[/PREFIX]); resumable "
                + "(present blobs are skipped) and verified (re-hashed on the way)"
        ),
        (
            "store", "store copy --from DATA_DIR|URL --to URL|DATA_DIR",
            "copy every table between the SQLite store of a data folder and a new, empty PostgreSQL store "
                + "(postgresql://...), or back; verifies row counts and digests"
        ),
    ]

    /// `kandas-server COMMAND --help`: the command's synopsis, what it does, and the settings it reads.
    static func help(for command: String) -> String? {
        guard let entry = commands.first(where: { $0.name == command }) else { return nil }
        return """
            usage: kandas-server \(entry.synopsis) [options]

            \(entry.help)

            settings (flag, environment variable, meaning):
            \(ServerConfig.helpText)

            exit codes: 0 success, 1 failure, 64 usage error
            """
    }

    /// Runs a command; returns the process exit code.
    public static func main(arguments: [String], environment: [String: String]) async -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            return 64
        }
        let rest = Array(arguments.dropFirst())
        // A request for help is not a usage error: the command's help on standard output, exit 0.
        if rest.contains("--help") || rest.contains("-h"), let text = help(for: command) {
            print(text)
            return 0
        }
        // The store holds password and token hashes and IINs: every file this process creates (the
        // store, its -wal and -shm, backups, partial uploads, blobs) is the owner's only.
        umask(0o077)
        do {
            switch command {
            case "serve":
                let (config, _) = try configure(rest, environment, extra: [])
                try checkDatabaseURL(config, command: command)
                try await serve(config)
            case "seed-demo":
                let (config, extras) = try configure(rest, environment, extra: ["--json!", "--password"])
                try checkDatabaseURL(config, command: command)
                let output = try SeedDemo.run(
                    config: config, password: extras["--password"], json: extras["--json"] != nil)
                print(output)
            case "backup":
                let (config, extras) = try configure(rest, environment, extra: ["--to"])
                try checkDatabaseURL(config, command: command)
                guard let to = extras["--to"] else { throw CommandError.usage("backup needs --to FILE") }
                print(try Backup.run(config: config, to: to))
            case "migrate":
                let (config, _) = try configure(rest, environment, extra: [])
                try checkDatabaseURL(config, command: command)
                let app = try KandasApp(config: config, logger: logger(config), uploads: false)
                app.database.close()
                KandasApp.checkPrivacy(config, logger(config))
                print("store ready at \(config.storeDescription)")
            case "verify":
                let (config, _) = try configure(rest, environment, extra: [])
                try checkDatabaseURL(config, command: command)
                if config.databaseURL != nil { return try verifyPostgres(config) }
                guard FileManager.default.fileExists(atPath: config.databasePath) else {
                    throw CommandError.failure("no store at \(config.databasePath)")
                }
                let blobs = try KandasApp.openBlobStore(config.blobStore, config: config)
                let report = try BlobVerifier.run(databasePath: config.databasePath, blobs: blobs)
                print(report.text)
                if !report.problems.isEmpty { return 1 }
            case "blobs":
                guard rest.first == "copy" else { throw CommandError.usage("usage: blobs copy --to URL") }
                let (config, extras) = try configure(Array(rest.dropFirst()), environment, extra: ["--to"])
                guard let to = extras["--to"], let target = BlobStoreLocation(to) else {
                    throw CommandError.usage("blobs copy needs --to file:, file:PATH or s3://BUCKET[/PREFIX]")
                }
                guard target != config.blobStore else {
                    throw CommandError.usage("--to names the store being copied (--blob-store \(config.blobStore))")
                }
                let source = try KandasApp.openBlobStore(config.blobStore, config: config)
                let destination = try KandasApp.openBlobStore(target, config: config)
                let report = try BlobCopier.copy(
                    from: source, to: destination, scratch: config.dataDirectory + "/uploads/copy")
                for line in report.problems { print(line) }
                print(
                    "copied \(report.copied) blobs (\(report.bytes) bytes) from \(source.description) to "
                        + "\(destination.description); \(report.skipped) already there; "
                        + (report.problems.isEmpty ? "no problems" : "\(report.problems.count) problem(s)"))
                if !report.problems.isEmpty { return 1 }
            case "store":
                print(try storeCopy(rest, environment))
            case "help", "--help", "-h":
                print(usage)
            default:
                throw CommandError.usage("unknown command \(command)")
            }
            return 0
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("kandas-server: \(error.message)\n".utf8))
            if error.exitCode == 64 {
                FileHandle.standardError.write(Data("run 'kandas-server help' for usage\n".utf8))
            }
            return error.exitCode
        } catch {
            FileHandle.standardError.write(Data("kandas-server: \(error)\n".utf8))
            return 1
        }
    }

    static func configure(
        _ arguments: [String], _ environment: [String: String], extra: Set<String>
    ) throws
        -> (ServerConfig, [String: String])
    {
        var config = ServerConfig()
        let extras = try ServerConfig.parse(
            arguments: arguments, environment: environment, into: &config, extraFlags: extra)
        if let file = config.calendarFile {
            // Validated before anything opens: a bad calendar stops every command with its line and reason.
            ActiveCalendar.use(try ActiveCalendar.load(path: file))
        }
        return (config, extras)
    }

    static func logger(_ config: ServerConfig) -> Logger {
        Logger(label: "kandas-server", level: Logger.Level(name: config.logLevel) ?? .info)
    }

    /// The connection caps, timeouts and problem format of the engine, from the settings.
    static func applyLimits(_ config: ServerConfig, to http: inout HTTPServer.Configuration) {
        http.maxConnections = config.maxConnections
        http.maxConnectionsPerAddress = config.maxConnectionsPerAddress
        http.trustForwardedFor = config.trustProxy
        // Probes keep an answer when clients have taken every connection (issue 14 finding 2).
        http.reservedPaths = ["/healthz", "/readyz"]
        http.timeouts.headerRead = .seconds(config.headerTimeoutSeconds)
        http.timeouts.idleKeepAlive = .seconds(config.idleTimeoutSeconds)
        http.timeouts.bodyIdle = .seconds(config.bodyTimeoutSeconds)
        http.timeouts.minimumBodyBytesPerSecond = config.bodyMinRate
        // Protocol §16: the head limits /v1/limits publishes are the ones enforced (431).
        http.headerLimits.maxHeaderBytes = Limits.default.maxHeaderBytes
        http.headerLimits.maxHeaderCount = Limits.default.maxHeaderCount
        // Protocol §1.1: the engine's own errors look like every other problem.
        http.problemTypePrefix = "urn:kandas:problem:"
    }

    /// Opens the store, binds, writes the port file, logs `listening`, and runs until SIGTERM/SIGINT.
    static func serve(_ config: ServerConfig) async throws {
        guard let address = HTTPServer.ListenAddress(config.listen) else {
            throw CommandError.usage("--listen must be HOST:PORT")
        }
        ignoreSIGPIPE()
        let log = logger(config)
        // Before any handler thread exists: arenas are created lazily and never given back.
        if let settings = config.mallocSettings, !ProcessMemory.configure(settings) {
            log.warning("malloc settings refused", ["malloc.arenas": .int(Int64(config.mallocArenas))])
        }
        SQLiteEngine.softHeapLimit = Int64(config.sqliteHeapLimitMiB) << 20
        if config.calendarFile != nil {
            let calendar = ActiveCalendar.current
            log.notice(
                "calendar loaded",
                [
                    "calendar.first_year": .int(Int64(calendar.document.firstYear)),
                    "calendar.last_year": .int(Int64(calendar.document.lastYear)),
                ])
        }
        let app = try KandasApp(config: config, logger: log)
        KandasApp.checkPrivacy(config, log)
        var http = HTTPServer.Configuration(listen: [address])
        http.handlerThreads = config.handlerThreads
        http.eventLoops = config.eventLoops
        // Protocol/README.md: every response carries the protocol version, engine errors included.
        http.responseHeaders = [HeaderName.kandasProtocol: String(ProtocolVersion.current)]
        http.defaultBodyLimit = 1 << 20
        ServerCommand.applyLimits(config, to: &http)
        let server = HTTPServer(configuration: http, router: app.makeRouter(), hooks: app.makeHooks(), logger: log)
        app.server.set(server)
        do {
            try server.start()
        } catch {
            throw CommandError.failure("cannot listen on \(config.listen): \(error)")
        }
        let port = server.boundPort ?? address.port
        if let portFile = config.portFile {
            // Written atomically so a reader never sees a partial number.
            do {
                try DurableFile.write(Array("\(port)\n".utf8), to: portFile, permissions: 0o644)
            } catch {
                throw CommandError.failure("cannot write \(portFile): \(error.reason)")
            }
        }
        log.notice(
            "listening",
            [
                "http.port": .int(Int64(port)), "http.host": .string(address.host),
                "store.path": .string(config.storeDescription),
                // The location only (s3://BUCKET/PREFIX or file:); credentials never reach a log.
                "blobs.store": .string(config.blobStore.description),
            ])
        // Expired partial uploads are swept in the background while serving (Protocol §10.5); the
        // sweeper stops after the server, before the store closes.
        let sweeper = app.startUploadSweeper(every: .seconds(config.uploadSweepSeconds))
        // The digital-card queue (services.md §7) is sent while serving; it stops like the sweeper.
        let forwarder = app.startCardForwarder()
        let group = ServiceGroup(services: [server], logger: log)
        _ = try await group.run()
        forwarder?.stop()
        sweeper?.stop()
        app.database.close()
        log.notice("stopped")
    }
}
