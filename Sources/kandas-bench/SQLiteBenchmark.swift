import Foundation
import SQLiteKit

/// Inserts into the perf-baselines `records` table: `DatabasePool.writeSync` against the
/// `sqlite3` CLI reading the same rows as an SQL script.
///
/// Both use WAL with `synchronous=NORMAL` (the baseline's settings); our default `FULL` is
/// reported as an extra row, since that is what the server runs with. Mode "one transaction"
/// measures statement cost, "one row per transaction" the commit cost.
enum SQLiteBenchmark {
    static let benchmark = Benchmark(
        name: "sqlite",
        usage: "sqlite [--rows 100000] [--single-rows 3000] [--runs 3]",
        run: run)

    static let schema = """
        CREATE TABLE records(id TEXT PRIMARY KEY, device_id TEXT NOT NULL, kind TEXT NOT NULL,
          recorded_at INTEGER NOT NULL, cursor INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE UNIQUE INDEX records_cursor ON records(cursor);
        CREATE INDEX records_device_time ON records(device_id, recorded_at);
        CREATE INDEX records_kind ON records(kind);
        """
    static let insert = "INSERT INTO records(id, device_id, kind, recorded_at, cursor, body) VALUES (?, ?, ?, ?, ?, ?)"

    struct Record {
        let id: String, device: String, kind: String, recordedAt: Int64, cursor: Int64, body: String
    }

    static func run(_ arguments: Arguments) throws {
        let rows = try arguments.int("rows", default: 100_000)
        let singleRows = try arguments.int("single-rows", default: 3000)
        let runs = try arguments.int("runs", default: 3)
        try arguments.checkAllUsed()
        let records = makeRecords(max(rows, singleRows))
        var ratios: [String] = []
        var report = Report(
            title: "SQLite inserts (rows/s, best of \(runs))", columns: ["mode", "who", "rows", "rows/s"])
        try withScratchDirectory { directory in
            for (label, count, perRow) in [
                ("one transaction", rows, false), ("one row per transaction", singleRows, true),
            ] {
                let subset = Array(records.prefix(count))
                let script = directory + "/script.sql"
                try makeScript(subset, perRow: perRow).write(toFile: script, atomically: false, encoding: .utf8)
                var peerBest = Double.infinity
                var oursBest = Double.infinity
                var fullBest = Double.infinity
                for _ in 1...runs {
                    let database = directory + "/bench.sqlite"
                    removeDatabase(database)
                    peerBest = min(peerBest, try runCommand("sqlite3", [database, ".read \(script)"]).seconds)
                    removeDatabase(database)
                    oursBest = min(oursBest, try insertWithPool(subset, database, perRow: perRow, .normal))
                    removeDatabase(database)
                    fullBest = min(fullBest, try insertWithPool(subset, database, perRow: perRow, .full))
                    removeDatabase(database)
                }
                let rate = { (seconds: Double) in Report.format(Double(count) / seconds, 0) }
                report.add([label, "sqlite3 CLI (NORMAL)", "\(count)", rate(peerBest)])
                report.add([label, "DatabasePool (NORMAL)", "\(count)", rate(oursBest)])
                report.add([label, "DatabasePool (FULL, our default)", "\(count)", rate(fullBest)])
                ratios.append(Report.ratioLine("ours/sqlite3 \(label)", ours: peerBest, peer: oursBest, target: 0.90))
            }
        }
        report.print()
        for line in ratios { print(line) }
    }

    /// Open, schema, inserts, close: the same work the CLI does for its script.
    private static func insertWithPool(
        _ records: [Record], _ path: String, perRow: Bool, _ synchronous: Connection.Synchronous
    ) throws -> Double {
        try measure {
            let pool = try DatabasePool(
                path: path, readers: 1, options: .init(synchronous: synchronous))
            defer { pool.close() }
            try pool.writeSync { db in try db.execute(schema) }
            if perRow {
                for record in records { try pool.writeSync { db in try insertRow(db, record) } }
            } else {
                try pool.writeSync { db in for record in records { try insertRow(db, record) } }
            }
            let stored = try pool.readSync { db in try db.scalar("SELECT count(*) FROM records") }
            guard stored == .integer(Int64(records.count)) else {
                throw BenchmarkFailure(description: "expected \(records.count) rows, found \(stored)")
            }
        }.seconds
    }

    private static func insertRow(_ db: Connection, _ record: Record) throws {
        try db.run(
            insert,
            values: [
                .text(record.id), .text(record.device), .text(record.kind), .integer(record.recordedAt),
                .integer(record.cursor), .text(record.body),
            ])
    }

    private static func makeScript(_ records: [Record], perRow: Bool) -> String {
        var script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n" + schema + "\n"
        if !perRow { script += "BEGIN;\n" }
        for record in records {
            script += "INSERT INTO records(id, device_id, kind, recorded_at, cursor, body) VALUES ("
            script += "'\(record.id)', '\(record.device)', '\(record.kind)', \(record.recordedAt), \(record.cursor), "
            script += "'\(record.body)');\n"
        }
        if !perRow { script += "COMMIT;\n" }
        return script
    }

    private static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Rows shaped like perf-baselines §6 (random UUID key, 20 devices, ~210 B JSON body).
    private static func makeRecords(_ count: Int) -> [Record] {
        var generator = SystemRandomNumberGenerator()
        let devices = (0..<20).map { _ in UUID().uuidString.lowercased() }
        let kinds = ["photo", "video", "note", "gps", "form"]
        return (0..<count).map { index in
            let note = String(repeating: "x", count: Int.random(in: 110...130, using: &generator))
            let body =
                "{\"lat\":\(Double.random(in: -90...90, using: &generator)),"
                + "\"lon\":\(Double.random(in: -180...180, using: &generator)),\"acc\":\(Int.random(in: 1...50)),"
                + "\"note\":\"\(note)\",\"tags\":[\"field\",\"offline\"],\"v\":1}"
            return Record(
                id: UUID().uuidString.lowercased(), device: devices[index % devices.count],
                kind: kinds[Int.random(in: 0..<kinds.count, using: &generator)],
                recordedAt: 1_760_000_000_000 + Int64(index) * 1000, cursor: Int64(index + 1), body: body)
        }
    }
}
