import Foundation
import HTTPServer
import PostgresKit

/// Every setting of `kandas-server`, from command-line flags and `KANDAS_*` environment variables.
///
/// A flag wins over its environment variable, which wins over the default. The same table
/// produces the `--help` text and the README's settings list, so they cannot drift apart.
public struct ServerConfig: Sendable, Equatable {
    /// Folder holding `kandas.sqlite` (and, later, the blob folder).
    public var dataDirectory: String = "./data"
    /// `HOST:PORT` to listen on; port 0 picks a free port (see `portFile`).
    public var listen: String = "127.0.0.1:8080"
    /// File the bound port is written to after `bind`, so tests and scripts can use port 0.
    public var portFile: String?
    /// The URL devices use, put in enrollment QR payloads (`kandas1:<base-url>#<code>`).
    public var publicURL: String?
    /// Handler threads of the HTTP engine (they block on SQLite).
    public var handlerThreads: Int = 8
    /// Event loop threads of the HTTP engine (I/O, parsing, and the polls they answer themselves):
    /// one per core, at most 4. One loop answering polls on a two-core machine kept one core busy
    /// and left the other idle (issue 15).
    public var eventLoops: Int = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)
    /// PBKDF2 iterations for new passwords; tests lower it, production keeps 600 000.
    public var passwordIterations: Int = 600_000
    /// Log level name (`trace` ... `critical`).
    public var logLevel: String = "info"
    /// Minimum free disk space for `/readyz` to answer ready, in bytes.
    public var minFreeDiskBytes: Int64 = 256 << 20
    /// Take the client address from `X-Forwarded-For` (set by the reverse proxy) for rate limits and the audit log.
    public var trustProxy = false
    /// Connections the server holds at once; more are answered 503 `too_many_connections`
    /// (a reserve of 8 more serves only `/healthz` and `/readyz`).
    public var maxConnections: Int = 4096
    /// Connections per client address (with `trustProxy`, per forwarded address).
    public var maxConnectionsPerAddress: Int = 512
    /// A new connection must complete its request head within this (and every later head
    /// within this from its first byte): slowloris and silent connections.
    public var headerTimeoutSeconds: Int = 10
    /// A kept-alive connection with no request in progress is closed after this.
    public var idleTimeoutSeconds: Int = 30
    /// A request body may pause this long; each received byte buys `1 / bodyMinRate` s more,
    /// never beyond this, so a body slower than `bodyMinRate` also ends (408).
    public var bodyTimeoutSeconds: Int = 15
    /// The minimum average request-body rate, bytes per second.
    public var bodyMinRate: Int = 1024
    /// Seconds between two sweeps of expired partial uploads (Protocol §10.6).
    public var uploadSweepSeconds: Int = 60
    /// Test-only: a file holding a clock offset in seconds, read on every request (never set in production).
    public var testClockFile: String?
    /// Benchmarks only: append every statement that changes the store to this file (`WriteTrace`).
    public var sqlTraceFile: String?
    /// `postgresql://USER[:PASS]@HOST[:PORT]/DB[?sslmode=...]`: the PostgreSQL store instead of SQLite in
    /// the data folder. Kept as given and checked by the command (``ServerCommand``), so that no
    /// message ever repeats it: it may hold a password.
    public var databaseURL: String?
    /// Most glibc malloc arenas, with fixed trim/mmap thresholds (`ProcessMemory`); 0 leaves glibc's
    /// malloc at its own defaults (8 arenas per core, dynamic thresholds).
    public var mallocArenas: Int = 2
    /// Page cache of the SQLite writer (and the checkpointer) in KiB.
    public var sqliteCacheKiB: Int = 2048
    /// Page cache of each SQLite reader in KiB: a miss is a read from the OS page cache, and 4
    /// readers at the writer's 2 MiB were a fifth of the server's peak RSS under `kandas-bench load`
    /// (issue 15).
    public var sqliteReaderCacheKiB: Int = 512
    /// SQLite readers: one per handler thread, at most 16, so a handler never waits for another to
    /// hand back a reader (with 4 readers for 8 threads, the checkouts were a sixth of a polling
    /// device's cost, issue 15).
    public var sqliteReaders: Int { min(max(handlerThreads, 1), 16) }
    /// Requests waiting for a handler thread at which pull pages shrink to `pullBusyPage` changes
    /// (0: always). Under load a 1000-change page held a handler thread for its whole build while
    /// every other request waited (issue 15).
    public var pullBusyWaiting: Int = 8
    /// Most changes in one pull page while `pullBusyWaiting` requests wait (`has_more` says the rest).
    public var pullBusyPage: Int = 250
    /// SQLite's process-wide soft heap limit in MiB (0: none): above it, page caches recycle pages.
    public var sqliteHeapLimitMiB: Int = 16
    /// An operator's working-day calendar (`kandas-work-calendar/1`, Protocol/calendar.md); nil for the built-in one.
    public var calendarFile: String?
    /// Where verified blobs live: `file:` (`<data>/blobs`, the default), `file:PATH`, or
    /// `s3://BUCKET[/PREFIX]` (``BlobStoreLocation``).
    public var blobStore: BlobStoreLocation = .file(nil)
    /// The S3 endpoint (`http(s)://host[:port]`, path-style); nil means AWS.
    public var s3Endpoint: String?
    public var s3Region: String = "us-east-1"
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, read from the environment
    /// only (never a flag) by ``parse(arguments:environment:into:extraFlags:)``; never logged.
    public var s3Credentials: S3Credentials?
    /// The digital-card receiver URL (`--card-url`); its secret comes from the environment only.
    public var cardURL: String?
    /// The receiver with its secret, set by ``parse(arguments:environment:into:extraFlags:)``; nil
    /// when nothing is forwarded (the queue still fills, to be sent once a receiver is configured).
    public var digitalCard: DigitalCardSettings?
    public var cardRetryBaseMilliseconds = 30_000
    public var cardMaxAttempts = 12
    public var cardPollMilliseconds = 2000

    public init() {}

    /// One setting: its flag, environment variable, help text and how it is applied.
    struct Setting: Sendable {
        var flag: String
        var env: String
        var help: String
        var apply: @Sendable (inout ServerConfig, String) -> Bool
    }

    /// A whole-number setting: the value must parse and lie within `range`.
    static func integer(
        _ flag: String, _ env: String, _ help: String, _ range: ClosedRange<Int>,
        _ field: any WritableKeyPath<ServerConfig, Int> & Sendable
    ) -> Setting {
        Setting(flag: flag, env: env, help: help) { c, v in
            guard let n = Int(v), range.contains(n) else { return false }
            c[keyPath: field] = n
            return true
        }
    }

    static let settings: [Setting] =
        [
            Setting(flag: "--data", env: "KANDAS_DATA", help: "data folder (default ./data)") { c, v in
                c.dataDirectory = v
                return !v.isEmpty
            },
            Setting(flag: "--listen", env: "KANDAS_LISTEN", help: "HOST:PORT to listen on (default 127.0.0.1:8080)") {
                c, v in
                c.listen = v
                return !v.isEmpty
            },
            Setting(flag: "--port-file", env: "KANDAS_PORT_FILE", help: "write the bound port to this file") { c, v in
                c.portFile = v
                return !v.isEmpty
            },
            Setting(flag: "--public-url", env: "KANDAS_PUBLIC_URL", help: "base URL put in enrollment payloads") {
                c, v in
                c.publicURL = v
                return v.hasPrefix("http://") || v.hasPrefix("https://")
            },
            integer(
                "--handler-threads", "KANDAS_HANDLER_THREADS", "HTTP handler threads (default 8)", 1...256,
                \.handlerThreads
            ),
            integer(
                "--event-loops", "KANDAS_EVENT_LOOPS", "HTTP event loop threads (default: one per core, at most 4)",
                1...64, \.eventLoops
            ),
            integer(
                "--password-iterations", "KANDAS_PASSWORD_ITERATIONS",
                "PBKDF2 iterations for new passwords (default 600000; lower only for tests)", 1000...10_000_000,
                \.passwordIterations),
            Setting(flag: "--log-level", env: "KANDAS_LOG_LEVEL", help: "trace|debug|info|notice|warning|error") {
                c, v in
                c.logLevel = v
                return ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(v)
            },
            Setting(
                flag: "--min-free-disk-mb", env: "KANDAS_MIN_FREE_DISK_MB",
                help: "free disk /readyz requires (default 256)"
            ) { c, v in
                guard let n = Int64(v), n >= 0 else { return false }
                c.minFreeDiskBytes = n << 20
                return true
            },
            Setting(
                flag: "--trust-proxy", env: "KANDAS_TRUST_PROXY",
                help: "true: client address from X-Forwarded-For (only behind your own proxy)"
            ) { c, v in
                c.trustProxy = v == "true"
                return v == "true" || v == "false"
            },
            integer(
                "--max-connections", "KANDAS_MAX_CONNECTIONS",
                "connections held at once, 1-1000000 (default 4096; 8 more for /healthz and /readyz)", 1...1_000_000,
                \.maxConnections),
            integer(
                "--max-connections-per-address", "KANDAS_MAX_CONNECTIONS_PER_ADDRESS",
                "connections per client address, 1-1000000 (default 512; the forwarded one with --trust-proxy)",
                1...1_000_000, \.maxConnectionsPerAddress),
            integer(
                "--header-timeout-seconds", "KANDAS_HEADER_TIMEOUT_SECONDS",
                "a request head must arrive within this, 1-3600 (default 10)", 1...3600, \.headerTimeoutSeconds),
            integer(
                "--idle-timeout-seconds", "KANDAS_IDLE_TIMEOUT_SECONDS",
                "close a kept-alive connection idle this long, 1-3600 (default 30)", 1...3600, \.idleTimeoutSeconds),
            integer(
                "--body-timeout-seconds", "KANDAS_BODY_TIMEOUT_SECONDS",
                "longest pause in a request body, 1-3600 (default 15)", 1...3600, \.bodyTimeoutSeconds),
            integer(
                "--body-min-rate", "KANDAS_BODY_MIN_RATE",
                "minimum request-body rate in bytes/s, 1-1073741824 (default 1024; slower bodies get 408)",
                1...1_073_741_824, \.bodyMinRate),
            integer(
                "--upload-sweep-seconds", "KANDAS_UPLOAD_SWEEP_SECONDS",
                "seconds between sweeps of expired uploads (1-86400, default 60)", 1...86_400, \.uploadSweepSeconds),
            integer(
                "--malloc-arenas", "KANDAS_MALLOC_ARENAS", "malloc arenas, 1-64 (default 2); 0 keeps glibc's defaults",
                0...64, \.mallocArenas),
            integer(
                "--sqlite-cache-kib", "KANDAS_SQLITE_CACHE_KIB",
                "SQLite page cache of the writer, KiB, 64-1048576 (default 2048)", 64...1_048_576,
                \.sqliteCacheKiB),
            integer(
                "--sqlite-reader-cache-kib", "KANDAS_SQLITE_READER_CACHE_KIB",
                "SQLite page cache of each reader (one per handler thread, at most 16), KiB, 64-1048576 (default 512)",
                64...1_048_576,
                \.sqliteReaderCacheKiB),
            integer(
                "--pull-busy-waiting", "KANDAS_PULL_BUSY_WAITING",
                "requests waiting for a handler thread at which pull pages shrink to --pull-busy-page, 0-4096"
                    + " (default 8; 0 = always)", 0...4096, \.pullBusyWaiting),
            integer(
                "--pull-busy-page", "KANDAS_PULL_BUSY_PAGE",
                "most changes in one pull page while that many requests wait, 1-1000 (default 250; 1000 = never fewer"
                    + " than asked)", 1...1000, \.pullBusyPage),
            integer(
                "--sqlite-heap-limit-mib", "KANDAS_SQLITE_HEAP_LIMIT_MIB",
                "SQLite soft heap limit, MiB, 0-65536 (default 16; 0 = none)", 0...65536, \.sqliteHeapLimitMiB),
            Setting(
                flag: "--calendar", env: "KANDAS_CALENDAR",
                help: "working-day calendar JSON (kandas-work-calendar/1) instead of the built-in 2024-2027 one"
            ) { c, v in
                c.calendarFile = v
                return !v.isEmpty
            },
            Setting(
                flag: "--blob-store", env: "KANDAS_BLOB_STORE",
                help: "where verified files live: file: (default, <data>/blobs) or s3://BUCKET[/PREFIX]"
            ) { c, v in
                guard let location = BlobStoreLocation(v) else { return false }
                c.blobStore = location
                return true
            },
            Setting(
                flag: "--s3-endpoint", env: "KANDAS_S3_ENDPOINT",
                help: "S3-compatible endpoint http(s)://HOST[:PORT], path-style (default: AWS)"
            ) { c, v in
                c.s3Endpoint = v
                return (v.hasPrefix("http://") || v.hasPrefix("https://")) && !v.contains("?") && !v.contains("#")
            },
            Setting(flag: "--s3-region", env: "KANDAS_S3_REGION", help: "S3 region (default us-east-1)") { c, v in
                c.s3Region = v
                return !v.isEmpty
                    && v.utf8.allSatisfy {
                        $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A)
                    }
            },
            Setting(
                flag: "--database-url", env: "KANDAS_DATABASE_URL",
                help:
                    "PostgreSQL store postgresql://USER[:PASS]@HOST[:PORT]/DB[?sslmode=...] (default: SQLite in --data)"
            ) { c, v in
                c.databaseURL = v
                return true
            },
            Setting(
                flag: "--test-clock-file", env: "KANDAS_TEST_CLOCK_FILE",
                help: "TESTS ONLY: file with a clock offset in seconds"
            ) { c, v in
                c.testClockFile = v
                return !v.isEmpty
            },
            Setting(
                flag: "--sql-trace-file", env: "KANDAS_SQL_TRACE_FILE",
                help: "BENCHMARKS ONLY: append every write statement to this file (holds the stored data)"
            ) { c, v in
                c.sqlTraceFile = v
                return !v.isEmpty
            },
        ] + cardSettings

    /// The SQLite database inside the data folder.
    public var databasePath: String { dataDirectory + "/kandas.sqlite" }

    /// Where the store is, for messages and logs: the SQLite file, or the PostgreSQL URL with its
    /// password replaced by `***`.
    public var storeDescription: String {
        guard let text = databaseURL else { return databasePath }
        return (try? PostgresURL(text).redacted) ?? "postgresql://(invalid URL)"
    }

    /// The malloc settings of `--malloc-arenas` (nil: leave glibc alone).
    var mallocSettings: ProcessMemory.Settings? {
        mallocArenas == 0 ? nil : ProcessMemory.Settings(arenas: mallocArenas)
    }

    /// Applies the environment, then `arguments` (`--flag value` or `--flag=value`).
    ///
    /// - Returns: the arguments that are not settings (positional ones, command-specific flags).
    /// - Throws: ``CommandError`` (exit 64) for a bad value or a flag without a value.
    static func parse(
        arguments: [String], environment: [String: String], into config: inout ServerConfig, extraFlags: Set<String>
    ) throws(CommandError) -> [String: String] {
        for setting in settings {
            if let value = environment[setting.env], !setting.apply(&config, value) {
                throw CommandError.usage("invalid value '\(value)' for \(setting.env): \(setting.help)")
            }
        }
        var extras: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            var name = arguments[index]
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            let isSwitch = extraFlags.contains(name + "!")
            guard let setting = settings.first(where: { $0.flag == name }) ?? nil as Setting?
            else {
                guard extraFlags.contains(name) || isSwitch else { throw CommandError.usage("unknown option \(name)") }
                if isSwitch {
                    extras[name] = value ?? "true"
                    index += 1
                    continue
                }
                if value == nil {
                    index += 1
                    guard index < arguments.count else { throw CommandError.usage("\(name) needs a value") }
                    value = arguments[index]
                }
                extras[name] = value
                index += 1
                continue
            }
            if value == nil {
                index += 1
                guard index < arguments.count else { throw CommandError.usage("\(name) needs a value") }
                value = arguments[index]
            }
            guard setting.apply(&config, value ?? "") else {
                throw CommandError.usage("invalid value '\(value ?? "")' for \(name): \(setting.help)")
            }
            index += 1
        }
        config.s3Credentials = S3Credentials(environment: environment)
        try applyCardSecret(environment, into: &config)
        return extras
    }

    /// The settings part of `--help`.
    static var helpText: String {
        // Columns as wide as the longest flag and variable plus two spaces: padding never cuts a
        // name short, and the longest name stays clearly apart from the next column.
        let flagWidth = max(28, settings.map { $0.flag.count + 8 }.max() ?? 0)
        let envWidth = max(28, settings.map { $0.env.count + 2 }.max() ?? 0)
        return settings.map { s in
            "  " + (s.flag + " VALUE").padding(toLength: flagWidth, withPad: " ", startingAt: 0)
                + s.env.padding(toLength: envWidth, withPad: " ", startingAt: 0) + s.help
        }.joined(separator: "\n")
    }
}
