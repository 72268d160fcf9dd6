import Foundation
import KandasTestSupport
import PostgresKit
import Testing

@Suite(.serialized) struct PostgresConnectionPipelineTests {
    @Test func deferredWrites_areSeenByTheNextStatement_andCommitTogether() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint PRIMARY KEY, label text)")
            try db.transaction {
                for x in 1...3 {
                    try db.runDeferred("INSERT INTO t VALUES ($1, $2)", values: [.integer(Int64(x)), .text("a'b")])
                }
                #expect(try db.scalar("SELECT count(*) FROM t") == .integer(3))
                try db.runDeferred("UPDATE t SET label = $1 WHERE x = $2", values: [.text("last"), .integer(3)])
            }
            #expect(try db.scalar("SELECT label FROM t WHERE x = 3") == .text("last"))
            #expect(try db.scalar("SELECT label FROM t WHERE x = 1") == .text("a'b"))
        }
    }

    @Test func moreDeferredWritesThanThePipelineHolds_allLand() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint PRIMARY KEY)")
            try db.transaction {
                for x in 1...500 { try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(Int64(x))]) }
            }
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(500))
        }
    }

    @Test func aFailedDeferredWrite_failsTheTransaction_andTheConnectionStaysUsable() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint PRIMARY KEY)")
            #expect {
                try db.transaction {
                    try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(1)])
                    try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(1)])
                    try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(2)])
                }
            } throws: { error in
                (error as? PostgresError)?.isUniqueViolation == true
            }
            #expect(!db.isInTransaction)
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
            // The error surfaces at the next statement that needs an answer, with the failed write's SQL.
            #expect {
                try db.transaction {
                    try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(7)])
                    try db.runDeferred("INSERT INTO missing_table VALUES ($1)", values: [.integer(7)])
                    _ = try db.scalar("SELECT count(*) FROM t")
                }
            } throws: { error in
                (error as? PostgresError)?.sql?.contains("missing_table") == true
            }
            // A statement whose PREPARE failed is prepared again next time, not used by a dead name.
            try db.execute("CREATE TABLE missing_table(x bigint)")
            try db.transaction { try db.runDeferred("INSERT INTO missing_table VALUES ($1)", values: [.integer(7)]) }
            #expect(try db.scalar("SELECT count(*) FROM missing_table") == .integer(1))
        }
    }

    @Test func runDeferred_outsideATransaction_runsAtOnce() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint)")
            try db.runDeferred("INSERT INTO t VALUES ($1)", values: [.integer(1)])
            #expect(!db.isInTransaction)
            let other = try PostgresConnection(url: url)
            #expect(try other.scalar("SELECT count(*) FROM t") == .integer(1))
        }
    }

    @Test func writeTrace_holdsCommittedWriteTransactions_andPsqlReplaysThem() throws {
        let cluster = try PostgresCluster.shared()
        let source = try cluster.createDatabase()
        let target = try cluster.createDatabase()
        defer {
            cluster.dropDatabase(source)
            cluster.dropDatabase(target)
        }
        let schema = "CREATE TABLE t(id bigint PRIMARY KEY, label text, blob bytea, score float8, flag boolean)"
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kandas-trace-\(UUID().uuidString).sql"
        ).path
        defer { try? FileManager.default.removeItem(atPath: trace) }
        for url in [source, target] { try PostgresConnection(url: url).execute(schema) }
        var options = PostgresConnection.Options()
        options.writeTracePath = trace
        let db = try PostgresConnection(url: source, options: options)
        try db.transaction {
            try db.run(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5)",
                values: [
                    .integer(-5), .text("it's $1 \"quoted\""), .bytes([0, 1, 254]), .real(0.25), .bool(true),
                ])
            try db.runDeferred(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5)", values: [.integer(6), .null, .null, .null, .null])
        }
        // Reads, and a rolled-back write, leave nothing in the trace.
        try db.transaction(.repeatableRead, readOnly: true) { _ = try db.scalar("SELECT count(*) FROM t") }
        struct Undo: Error {}
        _ = try? db.transaction {
            try db.run("INSERT INTO t VALUES ($1)", values: [.integer(99)])
            throw Undo()
        }
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("BEGIN") }.count == 1)
        #expect(text.hasSuffix("COMMIT;\n"))
        #expect(!text.contains("99"))
        let psql = cluster.binDirectory + "/psql"
        let replay = try ProcessRunner.run(
            psql,
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                "postgresql://kandas@127.0.0.1:\(cluster.port)/\(target.database)", "-f", trace,
            ])
        #expect(replay.succeeded, "\(replay.errors)")
        let query = "SELECT id, label, encode(blob, 'hex') AS blob, score, flag FROM t ORDER BY id"
        let expected = try db.query(query).map(\.values)
        let replayed = try PostgresConnection(url: target).query(query).map(\.values)
        #expect(replayed == expected)
        #expect(replayed.count == 2)
    }
}
