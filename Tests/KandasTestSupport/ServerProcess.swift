import Crypto
import Foundation
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
    private var process: Process
    private var stopped = false
    private let serveArguments: [String]
    private let serveEnvironment: [String: String]

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
    public init(seed: Bool = true, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kandas-test-" + UUID().uuidString.lowercased()
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        dataDirectory = dir
        clockFile = dir + "/clock-offset"
        try Data("0\n".utf8).write(to: URL(fileURLWithPath: clockFile))
        let common = ["--data", dir, "--password-iterations", "1000", "--log-level", "warning"]
        if seed {
            let (status, output) = try Self.run(["seed-demo", "--json", "--password", "test-password-1"] + common)
            guard status == 0, let info = try? JSONDecoder().decode(SeedInfo.self, from: Data(output.utf8)) else {
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
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
    }

    /// Starts `serve` on port 0 in `dir`, waits for the port file and `/readyz`.
    private static func launch(
        _ dir: String, _ arguments: [String], _ environment: [String: String]
    ) throws
        -> (Process, Int)
    {
        let portFile = dir + "/port"
        try? FileManager.default.removeItem(atPath: portFile)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = arguments + ["--listen", "127.0.0.1:0", "--port-file", portFile]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KANDAS_") }
        env.merge(environment) { $1 }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
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
            if p.isRunning { p.terminate() }
            throw TestSupportError("kandas-server did not write its port file")
        }
        for _ in 0..<200 {
            if (try? TestHTTPClient(port: found).get("/readyz").status) == 200 { return (p, found) }
            usleep(50_000)
        }
        p.terminate()
        throw TestSupportError("kandas-server never became ready")
    }

    /// Starts the server again on the same data folder (after `stop()` or `crash()`); the port changes.
    public func restart() throws {
        stop()
        (process, port) = try Self.launch(dataDirectory, serveArguments, serveEnvironment)
        stopped = false
    }

    deinit { cleanup() }

    public var client: TestHTTPClient { TestHTTPClient(port: port) }

    /// The server's process id (for `/proc/<pid>/status` checks such as RSS).
    public var pid: Int32 { process.processIdentifier }

    /// The server's resident set size in KiB (`VmRSS`), or nil once it exited.
    public var residentKiB: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    public var databasePath: String { dataDirectory + "/kandas.sqlite" }

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
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// SIGKILL: a crash, for durability tests.
    public func crash() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Stops the server if needed and removes the data folder.
    public func cleanup() {
        stop()
        try? FileManager.default.removeItem(atPath: dataDirectory)
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
