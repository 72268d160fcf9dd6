import Foundation
import KandasStore
import KandasTestSupport
import PostgresKit
import Testing

private let pgPets = StoreMigration("0001-pets") { db in
    try db.execute("CREATE TABLE pets(id text PRIMARY KEY, name text NOT NULL, legs bigint, photo bytea)")
}

@Suite("PostgreSQL engine through the store's database interface", .serialized)
struct PostgresEngineTests {
    @Test func migrationsRunOnceAndAreRecorded() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 2, migrations: [pgPets])
            defer { engine.close() }
            #expect(try engine.migrate([pgPets]).isEmpty)
            let more = StoreMigration("0002-food") { db in try db.execute("CREATE TABLE food(id text)") }
            #expect(try engine.migrate([pgPets, more]) == ["0002-food"])
            #expect {
                try engine.migrate([pgPets])
            } throws: { error in
                (error as? DatabaseError)?.kind == .unknownMigration
            }
            let recorded = try await engine.read { db in
                try db.query("SELECT name FROM schema_migrations ORDER BY name").map { try $0.string("name") }
            }
            #expect(recorded == ["0001-pets", "0002-food"])
        }
    }

    @Test func typedBindsAndReadsRoundTripEveryKind() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 2, migrations: [pgPets])
            defer { engine.close() }
            try await EngineContract.typedBindsAndReadsRoundTripEveryKind(engine)
        }
    }

    @Test func aThrowingWriteRollsBackAndAFailedSavepointUndoesOnlyItself() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 2, migrations: [pgPets])
            defer { engine.close() }
            try await EngineContract.aThrowingWriteRollsBackAndAFailedSavepointUndoesOnlyItself(engine)
        }
    }

    @Test func constraintFailuresAreNamedWithoutTheEngine() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 2, migrations: [pgPets])
            defer { engine.close() }
            try await EngineContract.constraintFailuresAreNamedWithoutTheEngine(engine)
        }
    }

    @Test func preparedStatementsStreamRowsAndSyncCallsWorkOffThePool() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 2, migrations: [pgPets])
            defer { engine.close() }
            let count = try await pgOffCooperativePool {
                try engine.writeSync { db in
                    for i in 0..<10 { try db.run("INSERT INTO pets(id, name, legs) VALUES(?,?,?)", "p\(i)", "n", i) }
                }
                #expect(throws: DatabaseError.self) { try engine.writeSync { _ in try engine.writeSync { _ in } } }
                return try engine.readSync { db in
                    let statement = try db.prepare("SELECT legs FROM pets WHERE legs >= ? ORDER BY legs")
                    try statement.bind([.integer(5)])
                    var seen = 0
                    while let row = try statement.next() {
                        #expect(try row.int("legs") == Int64(5 + seen))
                        seen += 1
                    }
                    return seen
                }
            }
            #expect(count == 5)
        }
    }

    @Test func dialectFragmentsGiveTheSameAnswersOnBothEngines() async throws {
        @Sendable func probe(_ d: any SQLDialect) -> String {
            "SELECT \(d.addDays("'2026-02-27'", "2")) AS later, "
                + "\(d.calendarDate(ofMilliseconds: "1798743600000", utcOffsetHours: 5)) AS local_day, "
                + "\(d.greatest("3", "7")) AS high, \(d.least("3", "7")) AS low, "
                + "\(d.jsonText("'{\"k\": \"v\"}'", key: "k")) AS k, "
                + "(SELECT count(*) FROM \(d.jsonTextArrayElements(parameter: "?"))) AS n, "
                + "(CASE WHEN 'ABC' \(d.caseInsensitiveLike) 'ab%' THEN 1 ELSE 0 END) AS like_ci, "
                + "(CASE WHEN \(d.likely("1 = 1", probability: 0.9)) THEN 1 ELSE 0 END) AS likely"
        }
        @Sendable func answers(_ row: DatabaseRow) throws -> [String] {
            [
                try row.string("later"), try row.string("local_day"), "\(try row.int("high"))",
                "\(try row.int("low"))", try row.string("k"), "\(try row.int("n"))", "\(try row.int("like_ci"))",
                "\(try row.int("likely"))",
            ]
        }
        let ids = "[\"a\",\"b\",\"c\"]"
        let onPostgres = try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 1)
            defer { engine.close() }
            return try await engine.read { db in try answers(try db.queryOne(probe(db.dialect), ids)!) }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-dialect-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sqlite = try SQLiteEngine(path: dir + "/a.sqlite")
        defer { sqlite.close() }
        let onSQLite = try await sqlite.read { db in try answers(try db.queryOne(probe(db.dialect), ids)!) }
        // 1798743600000 ms is 2026-12-31T19:40:00Z: already 1 January 2027 in Almaty (UTC+5).
        #expect(onPostgres == ["2026-03-01", "2027-01-01", "7", "3", "v", "3", "1", "1"])
        #expect(onSQLite == onPostgres)
    }

    @Test func writesOfTwoInstances_readCheckWriteUnderARowLockLosesNothing() async throws {
        try await PostgresCluster.withDatabase { url in
            let counter = StoreMigration("0001-counter") { db in
                try db.execute(
                    "CREATE TABLE counter(id bigint PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)")
            }
            let first = try PostgresEngine(url: url, connections: 3, migrations: [counter])
            let second = try PostgresEngine(url: url, connections: 3, migrations: [counter])
            defer {
                first.close()
                second.close()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    let engine = i % 2 == 0 ? first : second
                    group.addTask {
                        try await engine.write { db in
                            let n = try db.queryOne("SELECT n FROM counter WHERE id = 1" + db.dialect.forUpdate)!
                                .int("n")
                            try db.run("UPDATE counter SET n = ? WHERE id = 1", n + 1)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let n = try await first.read { db in try db.scalar("SELECT n FROM counter") }
            #expect(n == .integer(40))
        }
    }

    @Test func aCheckThenInsertThatLosesTheRace_runsAgainAndSeesTheWinner() async throws {
        try await PostgresCluster.withDatabase { url in
            let first = try PostgresEngine(url: url, connections: 4, migrations: [pgPets])
            let second = try PostgresEngine(url: url, connections: 4, migrations: [pgPets])
            defer {
                first.close()
                second.close()
            }
            // Every writer inserts the pet unless it exists (no row lock can guard a row not yet
            // there): the losers hit the primary key, run again, and find the winner's row.
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<12 {
                    let engine = i % 2 == 0 ? first : second
                    group.addTask {
                        try await engine.write { db in
                            if try db.exists("SELECT 1 FROM pets WHERE id = 'rex'") { return "found" }
                            try db.run("INSERT INTO pets(id, name) VALUES('rex', ?)", "writer \(i)")
                            return "inserted"
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "inserted" }.count == 1, "\(outcomes)")
            #expect(outcomes.count == 12)
        }
    }

    @Test func unreachableDatabase_isBusyAndNamesTheServerButNotThePassword() throws {
        let port = try Loopback.freePort()
        let url = try PostgresURL("postgresql://kandas:Secret77@127.0.0.1:\(port)/kandas?connect_timeout=2")
        do {
            _ = try PostgresEngine(url: url)
            Issue.record("connected to nothing")
        } catch {
            #expect(error.kind == .busy)
            #expect("\(error)".contains("127.0.0.1:\(port)"))
            #expect(!"\(error)".contains("Secret77"))
        }
    }

    @Test func backup_pointsToPostgresOwnTools() throws {
        try PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 1)
            defer { engine.close() }
            #expect {
                try engine.backup(to: "/tmp/never")
            } throws: { error in
                let error = error as? DatabaseError
                return error?.kind == .misuse && error!.message.contains("pg_dump")
                    && error!.message.contains("pg_basebackup")
            }
        }
    }
}

/// Runs blocking work on a non-cooperative thread and awaits it.
private func pgOffCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
