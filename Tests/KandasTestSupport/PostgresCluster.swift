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
    public init(durable: Bool = false) throws {
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
                let port = try Self.unusedPort()
                let durability =
                    durable
                    ? ["-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on"]
                    : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
                let serverOptions =
                    (["-p \(port)", "-k \(dir)", "-c listen_addresses=127.0.0.1"] + durability + [
                        "-c max_connections=300", "-c shared_buffers=32MB",
                    ]).joined(separator: " ")
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
    ///
    /// Spawned and reaped directly (not with Foundation's `Process`, whose `waitUntilExit` never
    /// returned here once `pg_ctl start` had left the postmaster running in the background), with
    /// output going to a file rather than a pipe the postmaster could keep open.
    static func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let argv = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kandas-pg-out-" + UUID().uuidString.lowercased()
        ).path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw TestSupportError("cannot run \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// A loopback port that was free a moment ago (the start retries if somebody takes it meanwhile).
    public static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw TestSupportError("bind: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
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
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ["/usr/bin/setsid", "/bin/sh", "-c", script]
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        _ = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
    }
}
