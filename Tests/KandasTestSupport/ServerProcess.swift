import Crypto
import Foundation
public import PostgresKit
import SQLiteKit

#if canImport(Glibc)
import Glibc
#endif

/// The real `kandas-server` binary running on 127.0.0.1 port 0 with a temporary data folder.
///
/// `start` (optionally) runs `seed-demo --json` first, then `serve --port-file`, reads the port
/// and waits for `/readyz`. `stop` sends SIGTERM, `crash` SIGKILL; `cleanup` (or deinit) stops the
/// process and removes the folder. The binary is looked up next to the test bundle in `.build`,
/// or taken from `KANDAS_SERVER_BINARY`. Reused by every server-facing test suite.
public final class ServerProcess: @unchecked Sendable {
    // @unchecked: `process`, `port` and `stopped` change only in init and `restart()`, called by the
    // one test that owns this server, never concurrently with its other calls.
    public let dataDirectory: String
    public private(set) var port: Int
    public let seed: SeedInfo?
    public let clockFile: String
    private var process: ChildProcess
    private var stopped = false
    private let serveArguments: [String]
    private let serveEnvironment: [String: String]
    /// The store's engine: SQLite in the data folder, or a fresh database on the shared test cluster.
    public let engine: StoreEngine
    /// The PostgreSQL database of a `.postgresql` server (dropped by `cleanup`).
    public let databaseURL: PostgresURL?

    /// What `seed-demo --json` printed: the shared password, users by name, IDs and codes.
    public struct SeedInfo: Decodable, Sendable {
        public struct SeedUser: Decodable, Sendable {
            public var id: String
            public var role: String
            public var regionID: String?
            public var centreID: String?

            enum CodingKeys: String, CodingKey {
                case id, role
                case regionID = "region_id"
                case centreID = "centre_id"
            }
        }
        public var password: String
        public var users: [String: SeedUser]
        public var regions: [String]
        public var centres: [String]
        public var families: [String]
        public var codes: [String: String]
    }

    /// Starts a server; `seed` fills the store with the demo organisation first (password iterations lowered).
    ///
    /// - Parameters:
    ///   - engine: `.postgresql` serves from a new database on ``PostgresCluster/shared()``
    ///     (`--database-url`), dropped by ``cleanup()``; blobs and partial uploads stay in the folder.
    ///   - sharing: another server whose store (database, or SQLite file) and data folder this one
    ///     serves too: a second instance of the same deployment. Nothing is seeded; `seed` is the other's.
    public init(
        seed: Bool = true, arguments: [String] = [], environment: [String: String] = [:],
        engine: StoreEngine = .sqlite, sharing other: ServerProcess? = nil, cluster: PostgresCluster? = nil
    ) throws {
        let dir: String
        if let other {
            dir = other.dataDirectory
        } else {
            dir =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "kandas-test-" + UUID().uuidString.lowercased()
                ).path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        dataDirectory = dir
        self.cluster = other?.cluster ?? cluster
        self.engine = other?.engine ?? engine
        owner = other == nil
        clockFile = dir + "/clock-offset"
        if other == nil { try Data("0\n".utf8).write(to: URL(fileURLWithPath: clockFile)) }
        var common = ["--data", dir, "--password-iterations", "1000", "--log-level", "warning"]
        do {
            if let other {
                databaseURL = other.databaseURL
            } else {
                databaseURL =
                    self.engine == .postgresql ? try (cluster ?? PostgresCluster.shared()).createDatabase() : nil
            }
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        if let databaseURL { common += ["--database-url", databaseURL.redacted] }
        if let other {
            self.seed = other.seed
        } else if seed {
            let (status, output) = try Self.run(["seed-demo", "--json", "--password", "test-password-1"] + common)
            guard status == 0, let info = try? JSONDecoder().decode(SeedInfo.self, from: Data(output.utf8)) else {
                Self.removeStore(dir, databaseURL, cluster)
                throw TestSupportError("seed-demo failed (\(status)): \(output.prefix(500))")
            }
            self.seed = info
        } else {
            self.seed = nil
        }
        serveArguments = ["serve"] + common + ["--test-clock-file", clockFile] + arguments
        serveEnvironment = environment
        do {
            (process, port) = try Self.launch(dir, serveArguments, environment)
        } catch {
            if other == nil { Self.removeStore(dir, databaseURL, cluster) }
            throw error
        }
    }

    /// Whether this server made the folder and database (and removes them in ``cleanup()``).
    private let owner: Bool
    /// The cluster of ``databaseURL`` when the test gave one (nil: the shared cluster).
    private let cluster: PostgresCluster?

    private static func removeStore(_ dir: String, _ url: PostgresURL?, _ cluster: PostgresCluster?) {
        try? FileManager.default.removeItem(atPath: dir)
        if let url, let cluster = cluster ?? (try? PostgresCluster.shared()) { cluster.dropDatabase(url) }
    }

    /// Starts `serve` on port 0 in `dir`, waits for the port file and `/readyz`.
    private static func launch(
        _ dir: String, _ arguments: [String], _ environment: [String: String]
    ) throws
        -> (ChildProcess, Int)
    {
        let portFile = dir + "/port-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        try? FileManager.default.removeItem(atPath: portFile)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KANDAS_") }
        env.merge(environment) { $1 }
        // KANDAS_TEST_SERVER_LOG=FILE: every test server's log appended there (for debugging a failure).
        let log = ProcessInfo.processInfo.environment["KANDAS_TEST_SERVER_LOG"]
        let p = try ProcessRunner.spawn(
            try binary(), arguments + ["--listen", "127.0.0.1:0", "--port-file", portFile], environment: env,
            errors: log.map { .append($0) } ?? .null)
        var found: Int?
        for _ in 0..<600 where found == nil {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                found = n
            } else if !p.isRunning {
                break
            } else {
                usleep(50_000)
            }
        }
        guard let found else {
            p.stop()
            throw TestSupportError("kandas-server did not write its port file")
        }
        for _ in 0..<200 {
            if (try? TestHTTPClient(port: found).get("/readyz").status) == 200 { return (p, found) }
            usleep(50_000)
        }
        p.stop()
        throw TestSupportError("kandas-server never became ready")
    }

    /// Starts the server again on the same data folder (after `stop()` or `crash()`); the port changes.
    public func restart() throws {
        stop()
        (process, port) = try Self.launch(dataDirectory, serveArguments, serveEnvironment)
        stopped = false
    }

    /// Starts a second `serve` process on the same data folder and settings, beside this one (two
    /// instances sharing the database and, with an object store, the bucket). The caller stops it
    /// (``ChildProcess/stop(graceSeconds:)``), also when the test fails (else its deinit kills it).
    ///
    /// - Returns: the process and its port.
    public func launchAnotherInstance() throws -> (process: ChildProcess, port: Int) {
        try Self.launch(dataDirectory, serveArguments, serveEnvironment)
    }

    deinit { cleanup() }

    public var client: TestHTTPClient { TestHTTPClient(port: port) }

    /// The server's process id (for `/proc/<pid>/status` checks such as RSS).
    public var pid: Int32 { process.pid }

    /// The server's resident set size in KiB (`VmRSS`), or nil once it exited.
    public var residentKiB: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    public var databasePath: String { dataDirectory + "/kandas.sqlite" }

    /// The settings that name this server's store, for other commands (`verify`, `migrate`, ...).
    public var storeArguments: [String] {
        ["--data", dataDirectory] + (databaseURL.map { ["--database-url", $0.redacted] } ?? [])
    }

    /// Moves the server's clock by `seconds` from now on (the server reads the file per request).
    public func setClockOffset(seconds: Int) throws {
        try Data("\(seconds)\n".utf8).write(to: URL(fileURLWithPath: clockFile))
    }

    /// Logs a seeded user in and returns a client carrying its session token.
    public func login(_ username: String) throws -> TestHTTPClient {
        let password = seed?.password ?? ""
        let response = try client.json(
            "POST", "/v1/auth/login", "{\"username\":\"\(username)\",\"password\":\"\(password)\"}")
        guard response.status == 200, let token = response.object["access_token"] as? String else {
            throw TestSupportError("login of \(username) failed: \(response)")
        }
        return client.authorized(token)
    }

    /// SIGTERM and wait: a graceful stop.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        process.stop()
    }

    /// SIGKILL: a crash, for durability tests.
    public func crash() {
        guard !stopped else { return }
        stopped = true
        process.kill()
    }

    /// Stops the server if needed and removes the data folder (and its PostgreSQL database);
    /// a server started `sharing` another leaves both to that one.
    public func cleanup() {
        stop()
        if owner { Self.removeStore(dataDirectory, databaseURL, cluster) }
    }

    /// ``databaseDigest(_:excluding:)`` of this server's store, on either engine.
    public func storeDigest(excluding: Set<String> = []) throws -> String {
        guard let databaseURL else { return try Self.databaseDigest(databasePath, excluding: excluding) }
        return try Self.postgresDigest(databaseURL, excluding: excluding)
    }

    /// SHA-256 over every row of every table of a PostgreSQL store (rows as text, sorted).
    public static func postgresDigest(_ url: PostgresURL, excluding: Set<String> = []) throws -> String {
        let db = try PostgresConnection(url: url)
        var hasher = SHA256()
        let tables = try db.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).map { try $0.string("name") }
        for table in tables where !excluding.contains(table) {
            hasher.update(Array("table \(table)\n".utf8))
            let rows = try db.query("SELECT CAST(t AS text) AS row FROM \"\(table)\" t").map { try $0.string("row") }
            for row in rows.sorted() { hasher.update(Array((row + "\n").utf8)) }
        }
        return hasher.finalize().hex
    }

    /// Runs `kandas-server` with other arguments (e.g. `backup --to`) and returns exit status and stdout+stderr.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let outcome = try ProcessRunner.run(
            try binary(), arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KANDAS_") }
                .merging(environment) { $1 },
            mergeErrors: true)
        return (outcome.status, outcome.output)
    }

    /// The `kandas-server` built with the tests.
    public static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["KANDAS_SERVER_BINARY"] { return path }
        var candidates: [String] = []
        if let exe = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("kandas-server").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/kandas-server").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSupportError("kandas-server not built; looked in \(candidates)")
        }
        return found
    }

    /// SHA-256 over every row of every table (sorted), except `excluding`: "nothing changed" checks.
    public static func databaseDigest(_ path: String, excluding: Set<String> = []) throws -> String {
        let db = try Connection(path: path, options: .init(readOnly: true, journalMode: nil))
        var hasher = SHA256()
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .map { try $0.string("name") }
        for table in tables where !excluding.contains(table) && !table.hasPrefix("sqlite_") {
            hasher.update(Array("table \(table)\n".utf8))
            let rows = try db.query("SELECT * FROM \"\(table)\"").map { "\($0.values)" }.sorted()
            for row in rows { hasher.update(Array((row + "\n").utf8)) }
        }
        return hasher.finalize().hex
    }
}

/// SHA-256 hex for tests that recompute server hashes (audit chain).
public enum ServerProcessDigest {
    public static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(bytes).hex }
}
