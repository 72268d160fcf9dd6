import Foundation
import SQLiteKit
import Testing

@Suite struct ConnectionTests {
    @Test func defaultOptions_setWALFullSyncForeignKeysAndBusyTimeout() async throws {
        try await withTemporaryDirectory { dir in
            let db = try Connection(path: dir + "/a.sqlite")
            #expect(try db.scalar("PRAGMA journal_mode") == .text("wal"))
            #expect(try db.scalar("PRAGMA synchronous") == .integer(2))
            #expect(try db.scalar("PRAGMA foreign_keys") == .integer(1))
            #expect(try db.scalar("PRAGMA busy_timeout") == .integer(5000))
        }
    }

    @Test func cacheSize_isAppliedInKiB_andZeroIsRefused() throws {
        var options = Connection.Options()
        #expect(try Connection(path: ":memory:", options: options).scalar("PRAGMA cache_size") == .integer(-2000))
        options.cacheSizeKiB = 512
        #expect(try Connection(path: ":memory:", options: options).scalar("PRAGMA cache_size") == .integer(-512))
        options.cacheSizeKiB = 0
        let error = #expect(throws: SQLiteError.self) { try Connection(path: ":memory:", options: options) }
        #expect(error?.kind == .misuse)
    }

    @Test func readOnlyConnection_refusesWrites() async throws {
        try await withTemporaryDirectory { dir in
            let writer = try Connection(path: dir + "/a.sqlite")
            try writer.execute("CREATE TABLE t(x INTEGER) STRICT")
            let reader = try Connection(path: dir + "/a.sqlite", options: .init(readOnly: true))
            #expect { try reader.run("INSERT INTO t VALUES (1)") } throws: { ($0 as? SQLiteError)?.code == 8 }
        }
    }

    @Test func missingDirectory_failsToOpenWithPath() {
        #expect {
            _ = try Connection(path: "/nonexistent-\(UUID().uuidString)/a.sqlite")
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.code == 14 && error.message.contains("nonexistent")
        }
    }

    @Test func lockedDatabase_throwsBusyAfterTheTimeout() async throws {
        try await withTemporaryDirectory { dir in
            let first = try Connection(path: dir + "/a.sqlite")
            try first.execute("CREATE TABLE t(x INTEGER) STRICT")
            let second = try Connection(path: dir + "/a.sqlite", options: .init(busyTimeout: .milliseconds(50)))
            #expect(try second.scalar("PRAGMA busy_timeout") == .integer(50))
            try first.execute("BEGIN IMMEDIATE")
            #expect { try second.run("INSERT INTO t VALUES (1)") } throws: { ($0 as? SQLiteError)?.isBusy == true }
            try first.execute("COMMIT")
            #expect(try second.run("INSERT INTO t VALUES (1)") == 1)
        }
    }

    @Test func busyTimeout_waitsForTheLockToBeReleased() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/a.sqlite"
            let first = try Connection(path: path)
            try first.execute("CREATE TABLE t(x INTEGER) STRICT")
            try first.execute("BEGIN IMMEDIATE")
            let waiter = Task.detached {
                try await offCooperativePool {
                    let second = try Connection(path: path, options: .init(busyTimeout: .seconds(30)))
                    return try second.run("INSERT INTO t VALUES (2)")
                }
            }
            // Sequencing only (no assertion on time): give the waiter a chance to hit the lock.
            try await Task.sleep(for: .milliseconds(200))
            try first.execute("COMMIT")
            #expect(try await waiter.value == 1)
        }
    }

    @Test func runQueryAndHelpers_reportChangesAndRowIDs() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT) STRICT")
        #expect(try db.run("INSERT INTO t(name) VALUES (?), (?)", "a", "b") == 2)
        #expect(db.lastInsertRowID == 2)
        #expect(try db.run("UPDATE t SET name = upper(name)") == 2)
        #expect(db.changes == 2)
        #expect(db.totalChanges == 4)
        #expect(try db.query("SELECT name FROM t ORDER BY id").map { try $0.string("name") } == ["A", "B"])
        #expect(try db.query("SELECT name FROM t WHERE id = ?", values: [.integer(2)]).count == 1)
        #expect(try db.exists("SELECT 1 FROM t WHERE name = ?", "A"))
        #expect(try !db.exists("SELECT 1 FROM t WHERE name = ?", "z"))
        #expect(try db.scalar("SELECT max(id) FROM t WHERE id > 9") == .null)
        #expect(try db.queryOne("SELECT * FROM t WHERE id = 9") == nil)
    }

    @Test func arrayOfValues_bindsEachElementNotOneBlob() throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.queryOne("SELECT ? AS a, ? AS b", [1, "x"])?.values == [.integer(1), .text("x")])
        #expect(try db.queryOne("SELECT ? AS a, ? AS b", [1, 2])?.values == [.integer(1), .integer(2)])
        let bytes: [UInt8] = [1, 2]
        #expect(try db.queryOne("SELECT ? AS a", bytes)?.values == [.blob([1, 2])])
        let list: [any SQLBindable] = [3, 4.5]
        #expect(try db.query("SELECT ?, ?", list).first?.values == [.integer(3), .real(4.5)])
    }

    @Test func cachedStatement_isReusedForTheSameSQL() throws {
        let db = try Connection(path: ":memory:")
        let first = try db.cached("SELECT ?")
        let second = try db.cached("SELECT ?")
        #expect(first === second)
        #expect(try db.prepare("SELECT ?") !== first)
    }
}
