import Foundation
public import PostgresKit
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster on 127.0.0.1 and a free port, for tests.
///
/// `initdb` and `pg_ctl` (Debian's `postgresql`, found under `/usr/lib/postgresql/*/bin` or in
/// `KANDAS_PG_BIN`) run as the `postgres` user when the tests run as root (initdb refuses root),
/// in a temporary folder with trust authentication for the user `kandas`. One cluster is shared
/// by the whole test process (`shared()`, about one second to start) and each test takes a
/// database of its own (`withDatabase`), dropped afterwards. The cluster is stopped and its
/// folder removed when the process exits; a watchdog shell does the same if the process dies
/// without exiting (a crash, `kill -9`), so nothing is left running either way.
public final class PostgresCluster: Sendable {
    public let directory: String
    public let port: Int
    /// Where `initdb`, `pg_ctl`, `postgres` and `psql` are.
    public let binDirectory: String

    /// The administrative URL (database `postgres`, superuser `kandas`, no password).
    public var adminURL: PostgresURL {
        // Built from constants and a number: cannot fail.
        try! PostgresURL("postgresql://kandas@127.0.0.1:\(port)/postgres")
    }

    private static let sharedCluster: Result<PostgresCluster, TestSupportError> = {
        do {
            let cluster = try PostgresCluster()
            sharedForExit.withLock { $0 = cluster }
            atexit { PostgresCluster.sharedForExit.withLock { $0 }?.stop() }
            return .success(cluster)
        } catch let error as TestSupportError {
            return .failure(error)
        } catch {
            return .failure(TestSupportError("\(error)"))
        }
    }()
    private static let sharedForExit = Mutex<PostgresCluster?>(nil)

    /// The cluster of this test process, started on first use.
    public static func shared() throws -> PostgresCluster { try sharedCluster.get() }

    /// Starts a new cluster (prefer `shared()`); `stop()` it when done.
    ///
    /// - Parameter durable: PostgreSQL's durable defaults (`fsync`, `synchronous_commit`,
    ///   `full_page_writes` on), for benchmarks; tests run without them (a throw-away cluster).
    /// - Parameter settings: more server settings (`name=value`, e.g. a profiling extension's).
    public init(durable: Bool = false, settings: [String] = []) throws {
        binDirectory = try Self.findBinaries()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kandas-pg-" + UUID().uuidString.lowercased()
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        directory = dir
        var lastError = ""
        var started: Int?
        do {
            if Self.asRoot {
                guard let account = getpwnam("postgres") else {
                    throw TestSupportError("no 'postgres' user: install Debian's postgresql (make deps-test)")
                }
                guard chown(dir, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                    throw TestSupportError("cannot hand \(dir) to the postgres user (errno \(errno))")
                }
            }
            let (status, output) = try Self.run(
                binDirectory + "/initdb",
                ["-D", dir + "/data", "-U", "kandas", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            guard status == 0 else { throw TestSupportError("initdb failed (\(status)): \(output.suffix(600))") }
            for _ in 0..<5 where started == nil {
                let port = try Loopback.freePort()
                let durability =
                    durable
                    ? ["-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on"]
                    : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
                let serverOptions =
                    (["-p \(port)", "-k \(dir)", "-c listen_addresses=127.0.0.1"] + durability + [
                        "-c max_connections=300", "-c shared_buffers=32MB",
                    ] + settings.map { "-c \($0)" }).joined(separator: " ")
                let (status, output) = try Self.run(
                    binDirectory + "/pg_ctl",
                    ["-D", dir + "/data", "-l", dir + "/log", "-w", "-o", serverOptions, "start"])
                if status == 0 { started = port } else { lastError = output }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        guard let started else {
            let log = (try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: dir)
            throw TestSupportError("pg_ctl start failed: \(lastError.suffix(400)) \(log.suffix(600))")
        }
        port = started
        Self.startWatchdog(bin: binDirectory, directory: dir)
    }

    /// The server's major version (`PG_VERSION` of the cluster).
    public var serverVersion: String {
        ((try? String(contentsOfFile: directory + "/data/PG_VERSION", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// CPU seconds (user + system) the cluster used so far: the postmaster, the children it has
    /// reaped (ended sessions) and its live children (sessions, WAL writer, checkpointer...).
    public func cpuSeconds() -> Double {
        guard
            let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first, let postmaster = Int32(line)
        else { return 0 }
        var ticks = 0
        if let fields = Self.stat(postmaster), fields.count > 14 {
            // utime, stime, cutime, cstime (fields 14 to 17; here counted after "(comm)").
            ticks += fields[11...14].compactMap { Int($0) }.reduce(0, +)
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != postmaster, let fields = Self.stat(pid), fields.count > 12,
                Int32(fields[1]) == postmaster
            else { continue }
            ticks += fields[11...12].compactMap { Int($0) }.reduce(0, +)
        }
        return Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The fields of /proc/PID/stat after "(comm)" (state first, then ppid...).
    private static func stat(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// Stops the server and removes its folder (safe to call twice).
    public func stop() {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        _ = try? Self.run(binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates an empty database with a unique name and returns its URL; with `template`, a copy of
    /// that database (nobody may be connected to it meanwhile).
    public func createDatabase(template: PostgresURL? = nil) throws -> PostgresURL {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: adminURL)
        try admin.execute("CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0.database)" } ?? ""))
        return adminURL.with(database: name)
    }

    /// Drops a database made by `createDatabase`, ending its sessions first.
    public func dropDatabase(_ url: PostgresURL) {
        guard url.database.hasPrefix("t_"), let admin = try? PostgresConnection(url: adminURL) else { return }
        try? admin.execute("DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)")
    }

    /// Runs `body` with a fresh database on the shared cluster, dropped afterwards (also on failure).
    public static func withDatabase<T>(_ body: (PostgresURL) throws -> T) throws -> T {
        let cluster = try shared()
        let url = try cluster.createDatabase()
        defer { cluster.dropDatabase(url) }
        return try body(url)
    }

    /// Async `withDatabase`.
    public static func withDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let cluster = try shared()
        let url = try cluster.createDatabase()
        defer { cluster.dropDatabase(url) }
        return try await body(url)
    }

    /// Stops the server but keeps its folder: the database goes away under whoever uses it
    /// (`pg_ctl stop -m fast` ends every session); ``resume()`` brings it back on the same port.
    public func pause() throws {
        let (status, output) = try Self.run(
            binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
        guard status == 0 else { throw TestSupportError("pg_ctl stop failed (\(status)): \(output.suffix(400))") }
    }

    /// Starts a ``pause()``d server again, on its port, with the data it had.
    public func resume() throws {
        // Where and how many: the rest of the start-up settings only trade durability for speed.
        let serverOptions = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=300"
        let (status, output) = try Self.run(
            binDirectory + "/pg_ctl",
            ["-D", directory + "/data", "-l", directory + "/log", "-w", "-o", serverOptions, "start"])
        guard status == 0 else { throw TestSupportError("pg_ctl start failed (\(status)): \(output.suffix(400))") }
    }

    // MARK: Process plumbing

    private static var asRoot: Bool { geteuid() == 0 }

    private static func findBinaries() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["KANDAS_PG_BIN"] { return bin }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        for version in versions.reversed()
        where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw TestSupportError(
            "PostgreSQL server binaries not found under \(root): install Debian's postgresql (make deps-test)")
    }

    /// Runs a PostgreSQL binary, as `postgres` when we are root; returns status and output.
    static func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let argv = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let outcome = try ProcessRunner.run(argv[0], Array(argv.dropFirst()), mergeErrors: true)
        return (outcome.status, outcome.output)
    }

    /// A detached shell that stops the cluster and removes its folder once this process is gone.
    private static func startWatchdog(bin: String, directory: String) {
        let stop =
            asRoot
            ? "runuser -u postgres -- '\(bin)/pg_ctl' -D '\(directory)/data' -m immediate -w stop"
            : "'\(bin)/pg_ctl' -D '\(directory)/data' -m immediate -w stop"
        let script =
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
            + "if [ -d '\(directory)/data' ]; then \(stop) >/dev/null 2>&1; rm -rf '\(directory)'; fi"
        // Not waited for: it outlives the test process on purpose. Its exit is reaped by nobody
        // while we run (a zombie of a few bytes), and by init afterwards.
        try? ProcessRunner.spawn("/usr/bin/setsid", ["/bin/sh", "-c", script]).detach()
    }
}
