import Foundation
import SQLiteKit
import Testing

@Suite struct WriteTraceTests {
    /// A connection writing a trace of what it changes, on a table with every storage class.
    func traced(_ dir: String) throws -> Connection {
        var options = Connection.Options()
        options.writeTracePath = dir + "/writes.sql"
        let db = try Connection(path: dir + "/source.sqlite", options: options)
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB) STRICT")
        return db
    }

    @Test func replayingTheTrace_onAnEmptyDatabase_givesTheSameRows() async throws {
        try await withTemporaryDirectory { dir in
            let source = try traced(dir)
            try source.transaction {
                _ = try source.run(
                    "INSERT INTO t(id, name, score, data) VALUES(?, ?, ?, ?)", 1, "O'Brien; -- not a comment", 1.5,
                    [UInt8]([0, 255, 39]))
                _ = try source.run("INSERT INTO t(id, name) VALUES(?, ?)", 2, "Қазақ")
                _ = try source.query("SELECT * FROM t")
                _ = try source.run("UPDATE t SET score = ? WHERE id = ?", -2.25, 2)
            }
            try source.transaction { _ = try source.run("DELETE FROM t WHERE id = ?", 1) }
            try source.transaction { _ = try source.run("INSERT INTO t(id, name) VALUES(?, NULL)", 3) }
            let trace = try String(contentsOfFile: dir + "/writes.sql", encoding: .utf8)
            #expect(!trace.contains("SELECT"), "reads stay out of the trace:\n\(trace)")
            #expect(trace.components(separatedBy: "COMMIT").count - 1 == 3, "\(trace)")
            let replay = try Connection(path: dir + "/replay.sqlite")
            try replay.execute(trace)
            let dump = "SELECT id, name, score, hex(data) FROM t ORDER BY id"
            let replayed = try replay.query(dump).map(\.values)
            #expect(replayed == (try source.query(dump).map(\.values)))
            #expect(replayed.count == 2)
        }
    }

    @Test func readersAndQueryOnlyConnections_writeNoTrace() async throws {
        try await withTemporaryDirectory { dir in
            _ = try traced(dir)
            try FileManager.default.removeItem(atPath: dir + "/writes.sql")
            var options = Connection.Options(journalMode: nil)
            options.queryOnly = true
            options.writeTracePath = dir + "/writes.sql"
            let reader = try Connection(path: dir + "/source.sqlite", options: options)
            _ = try reader.query("SELECT * FROM t")
            #expect(throws: SQLiteError.self) { _ = try reader.run("INSERT INTO t(id) VALUES(9)") }
            #expect(!FileManager.default.fileExists(atPath: dir + "/writes.sql"))
        }
    }

    @Test func aTraceFileThatCannotBeOpened_failsTheOpen() async {
        await withTemporaryDirectory { dir in
            var options = Connection.Options()
            options.writeTracePath = dir + "/missing-folder/writes.sql"
            #expect(throws: SQLiteError.self) { _ = try Connection(path: dir + "/db.sqlite", options: options) }
        }
    }
}
