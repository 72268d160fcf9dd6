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
        // The trace binds the feed's IDs through the server's `kid()`, which the `sqlite3` CLI lacks:
        // written as the blob literals it returns, before the timed replay.
        try ReplayIDs.rewrite(trace)
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

/// The server's `kid('…')` calls in a traced statement, as the values they return.
enum ReplayIDs {
    /// Rewrites the trace at `path` in place with ``literals(_:inString:)``, 16 MiB of whole lines at a time
    /// (a push of 100,000 events traces hundreds of MB; a `kid(…)` call never spans a line).
    static func rewrite(_ path: String) throws {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw BenchmarkFailure(description: "cannot read \(path)")
        }
        defer { try? input.close() }
        let rewritten = path + ".ids"
        guard FileManager.default.createFile(atPath: rewritten, contents: nil),
            let output = FileHandle(forWritingAtPath: rewritten)
        else { throw BenchmarkFailure(description: "cannot write \(rewritten)") }
        defer { try? output.close() }
        var pending: [UInt8] = []
        var inString = false
        while true {
            let block = try input.read(upToCount: 16 << 20) ?? Data()
            pending.append(contentsOf: block)
            let end = block.isEmpty ? pending.count : (pending.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)
            if end > 0 {
                try output.write(contentsOf: try literals(pending[..<end], inString: &inString))
                pending.removeFirst(end)
            }
            if block.isEmpty { break }
        }
        try output.close()
        guard rename(rewritten, path) == 0 else { throw BenchmarkFailure(description: "cannot replace \(path)") }
    }

    /// `sql` with every `kid(<literal>)` outside a string replaced by what `kid` returns: `X'<32 hex digits>'`
    /// for a canonical lowercase UUID, the literal itself otherwise (`''`, `NULL`, any other text, and the
    /// blob `x'…'` SQLiteKit binds for a UUID text passed to `kid(?)` alone, `KidParameters`).
    /// `inString` carries whether a string literal is open from one piece of the trace to the next.
    ///
    /// - Throws: ``BenchmarkFailure`` for a `kid(` whose argument is not one literal.
    static func literals(_ piece: ArraySlice<UInt8>, inString: inout Bool) throws -> [UInt8] {
        let sql = Array(piece)
        let quote = UInt8(ascii: "'")
        let call = Array("kid(".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(sql.count)
        var index = 0
        while index < sql.count {
            let byte = sql[index]
            if byte == quote {
                inString.toggle()
            } else if !inString, byte == call[0], sql[index...].starts(with: call),
                index == 0 || !isIdentifier(sql[index - 1])
            {
                let (literal, end) = try argument(sql, from: index + call.count)
                out.append(contentsOf: blob(literal) ?? literal)
                index = end
                continue
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// The literal starting at `start` (`'…'` with `''` inside, `x'…'`, or `NULL`) and the index after its `)`.
    private static func argument(_ sql: [UInt8], from start: Int) throws -> ([UInt8], Int) {
        var end = start
        if sql[start...].starts(with: Array("NULL)".utf8)) {
            end = start + 4
        } else if start + 1 < sql.count, sql[start] | 0x20 == UInt8(ascii: "x"), sql[start + 1] == UInt8(ascii: "'") {
            end = start + 2
            while end < sql.count, sql[end] != UInt8(ascii: "'") { end += 1 }
            end += 1
        } else if start < sql.count, sql[start] == UInt8(ascii: "'") {
            end = start + 1
            while end < sql.count {
                if sql[end] == UInt8(ascii: "'") {
                    if end + 1 < sql.count, sql[end + 1] == UInt8(ascii: "'") {
                        end += 2
                        continue
                    }
                    end += 1
                    break
                }
                end += 1
            }
        }
        guard end > start, end < sql.count, sql[end] == UInt8(ascii: ")") else {
            let context = String(decoding: sql[start..<min(sql.count, start + 60)], as: UTF8.self)
            throw BenchmarkFailure(description: "the trace calls kid() with something other than a literal: \(context)")
        }
        return (Array(sql[start..<end]), end + 1)
    }

    /// `X'…'` for the quoted canonical lowercase UUID `literal`, nil for anything else.
    private static func blob(_ literal: [UInt8]) -> [UInt8]? {
        guard literal.count == 38, literal.first == UInt8(ascii: "'"), literal.last == UInt8(ascii: "'") else {
            return nil
        }
        var hex: [UInt8] = []
        for (offset, c) in literal.dropFirst().dropLast().enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard c == UInt8(ascii: "-") else { return nil }
            } else {
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
                else { return nil }
                hex.append(c)
            }
        }
        return Array("X'".utf8) + hex + [UInt8(ascii: "'")]
    }

    private static func isIdentifier(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
    }
}
