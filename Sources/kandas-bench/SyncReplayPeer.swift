import Foundation
import KandasProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The `sqlite3` CLI replaying exactly what `kandas-server` wrote for a push: the second peer of
/// `kandas-bench sync`.
///
/// A second server, started with `--sql-trace-file` (SQLiteKit's `WriteTrace`), takes the same kind
/// of push untimed. Its store is copied before the push; afterwards the statements it wrote during
/// the push (every INSERT, UPDATE and DELETE with its parameters filled in, inside the same BEGIN
/// and COMMIT) run through the `sqlite3` CLI on that copy with the server's durability and pragmas
/// (WAL, `synchronous=FULL`, foreign keys, in-memory temp store). The difference between the two is
/// what the server adds to SQLite's own work for the same rows: HTTP, JSON, validation, reads,
/// conflict checks and outcomes.
enum SyncReplayPeer {
    struct Result {
        var seconds: Double
        var statements: Int
        var transactions: Int
    }

    static func run(directory: String, count: Int, batch: Int, newID: @escaping () -> WireID) throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let trace = directory + "/writes.sql"
        let server = try ChildServer(directory: directory, extraArguments: ["--sql-trace-file", trace])
        defer { server.stop() }
        let setup = try server.setUp()
        let batches = SyncBenchmark.makeBatches(
            count: count, batch: batch, device: setup.deviceID, item: setup.item, member: setup.member, newID: newID)
        let copy = directory + "/replay.sqlite"
        _ = try runCommand("sqlite3", [directory + "/data/kandas.sqlite", ".backup '\(copy)'"])
        // The server appends (O_APPEND), so emptying the file here leaves exactly the push's writes in it.
        guard truncate(trace, 0) == 0 else { throw BenchmarkFailure(description: "cannot empty \(trace)") }
        let device = BenchHTTPClient(port: server.port)
        device.token = setup.deviceToken
        var accepted = 0
        for body in batches.bodies {
            let r = try device.request("POST", "/v1/sync/push", body: body)
            guard r.status == 200 else { throw BenchmarkFailure(description: "traced push: \(r.status)") }
            accepted += try SyncBenchmark.acceptedCount(r.body)
        }
        guard accepted == count else { throw BenchmarkFailure(description: "traced push accepted \(accepted)") }
        server.stop()
        let statements = try lineCount(trace, matching: "")
        let transactions = try lineCount(trace, matching: "^(COMMIT|END)")
        guard transactions >= batches.bodies.count else {
            throw BenchmarkFailure(
                description: "the trace holds \(transactions) commits for \(batches.bodies.count) pushes")
        }
        let completionsBefore = try scalar(copy, "SELECT count(*) FROM completions")
        // The server's durability and pragmas, then the trace. -bail: a statement that fails to replay
        // ends the run with an error instead of being skipped.
        let seconds = try runCommand(
            "sqlite3",
            [
                "-bail", copy, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                "PRAGMA temp_store=MEMORY", ".read '\(trace)'",
            ]
        ).seconds
        let completionsAfter = try scalar(copy, "SELECT count(*) FROM completions")
        guard completionsAfter - completionsBefore == count else {
            throw BenchmarkFailure(
                description: "the replay added \(completionsAfter - completionsBefore) completions, not \(count)")
        }
        return Result(seconds: seconds, statements: statements, transactions: transactions)
    }

    /// Lines of `path` matching the extended regular expression `pattern` (`grep -c`).
    private static func lineCount(_ path: String, matching pattern: String) throws -> Int {
        let output = try runCommand("grep", ["-c", "-E", pattern, path]).standardOutput
        guard let n = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkFailure(description: "grep -c \(pattern) \(path): \(output)")
        }
        return n
    }

    private static func scalar(_ database: String, _ sql: String) throws -> Int {
        let output = try runCommand("sqlite3", [database, sql]).standardOutput
        guard let value = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkFailure(description: "sqlite3 \(sql): \(output)")
        }
        return value
    }
}
