import Foundation
import KandasStore
import SQLiteKit
import Testing

/// A fresh folder under the system temp dir, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async rethrows -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kandasstore-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs blocking work on a non-cooperative thread and awaits it (tests of the `Sync` APIs).
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

let pets = StoreMigration("0001-pets") { db in
    try db.execute("CREATE TABLE pets(id TEXT PRIMARY KEY, name TEXT NOT NULL, legs INTEGER, photo BLOB) STRICT")
}

@Suite("SQLite engine through the store's database interface")
struct SQLiteEngineTests {
    @Test func migrationsRunOnceAndAreRecorded() async throws {
        try await withTemporaryDirectory { dir in
            let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [pets])
            defer { engine.close() }
            #expect(try engine.migrate([pets]).isEmpty)
            let more = StoreMigration("0002-food") { db in try db.execute("CREATE TABLE food(id TEXT) STRICT") }
            #expect(try engine.migrate([pets, more]) == ["0002-food"])
            #expect(throws: DatabaseError.self) { try engine.migrate([pets]) }
        }
    }

    @Test func typedBindsAndReadsRoundTripEveryKind() async throws {
        try await withTemporaryDirectory { dir in
            let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [pets])
            defer { engine.close() }
            try await EngineContract.typedBindsAndReadsRoundTripEveryKind(engine)
        }
    }

    @Test func aThrowingWriteRollsBackAndAFailedSavepointUndoesOnlyItself() async throws {
        try await withTemporaryDirectory { dir in
            let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [pets])
            defer { engine.close() }
            try await EngineContract.aThrowingWriteRollsBackAndAFailedSavepointUndoesOnlyItself(engine)
        }
    }

    @Test func constraintFailuresAreNamedWithoutTheEngine() async throws {
        try await withTemporaryDirectory { dir in
            let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [pets])
            defer { engine.close() }
            try await EngineContract.constraintFailuresAreNamedWithoutTheEngine(engine)
        }
    }

    @Test func preparedStatementsStreamRowsAndSyncCallsWorkOffThePool() async throws {
        try await withTemporaryDirectory { dir in
            let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [pets])
            defer { engine.close() }
            let count = try await offCooperativePool {
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

    @Test func theSQLiteDialectKeepsQuestionMarksAndNumberedOnesCanBeMade() {
        let sql = "SELECT 1 FROM t WHERE a = ? AND b = '?' AND c IN (SELECT value FROM json_each(?1)) AND d = ?"
        #expect(SQLiteDialect().numberPlaceholders(sql) == sql)
        #expect(
            numberedPlaceholders(sql)
                == "SELECT 1 FROM t WHERE a = $1 AND b = '?' AND c IN (SELECT value FROM json_each($1)) AND d = $2")
    }
}

/// `readSyncIfFree(remembered:_:)`: a reader's stamp stays equal while nothing commits, and moves
/// with a commit of the pool's writer or of another connection (another process alike).
@Suite struct ContentStampTests {
    @Test func aStampMovesWithEveryCommit_andOnlyThen() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/a.sqlite"
            let engine = try SQLiteEngine(path: path, readers: 1, migrations: [pets])
            defer { engine.close() }
            try await offCooperativePool {
                func stamp() throws -> ContentStamp {
                    var seen: ContentStamp?
                    let answer = try engine.readSyncIfFree(remembered: { stamp -> String? in
                        seen = stamp
                        return "remembered"
                    }) { _, _ in "read" }
                    #expect(answer == "remembered")
                    return try #require(seen)
                }
                /// The stamp `body` is given when nothing is remembered, and what it read.
                func read() throws -> (ContentStamp, Int) {
                    let result = try engine.readSyncIfFree(remembered: { _ -> (ContentStamp, Int)? in nil }) {
                        db, stamp -> (ContentStamp, Int) in
                        (stamp, Int(try db.queryOne("SELECT count(*) AS n FROM pets")?.int("n") ?? -1))
                    }
                    guard let result else { throw DatabaseError(.other, "no reader was free") }
                    return result
                }
                let first = try stamp()
                #expect(try stamp() == first)
                let (inRead, count) = try read()
                #expect(inRead == first && count == 0)
                try engine.writeSync { db in try db.run("INSERT INTO pets(id, name) VALUES('a', 'Rex')") }
                let afterWrite = try stamp()
                #expect(afterWrite != first)
                #expect(try read() == (afterWrite, 1))
                // Another connection, as another process would be.
                let other = try Connection(path: path)
                try other.execute("INSERT INTO pets(id, name) VALUES('b', 'Tom')")
                let afterOther = try stamp()
                #expect(afterOther != afterWrite && afterOther != first)
                #expect(try read() == (afterOther, 2))
                #expect(try stamp() == afterOther)
            }
        }
    }
}
