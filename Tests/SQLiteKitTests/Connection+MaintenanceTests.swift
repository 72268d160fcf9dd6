import Foundation
import SQLiteKit
import Testing

@Suite struct ConnectionMaintenanceTests {
    @Test func backup_writesASelfContainedIntactCopy() async throws {
        try await withTemporaryDirectory { dir in
            let db = try Connection(path: dir + "/a.sqlite")
            try db.execute("CREATE TABLE t(x TEXT) STRICT")
            try db.transaction { for i in 0..<100 { try db.run("INSERT INTO t VALUES (?)", "row \(i)") } }
            try db.backup(to: dir + "/copy.sqlite")
            #expect(!FileManager.default.fileExists(atPath: dir + "/copy.sqlite.partial"))
            let copy = try Connection(path: dir + "/copy.sqlite", options: .init(journalMode: nil))
            #expect(try copy.scalar("PRAGMA journal_mode") == .text("delete"))
            #expect(try copy.integrityCheck() == [])
            #expect(try copy.scalar("SELECT count(*) FROM t") == .integer(100))
        }
    }

    @Test func backup_refusesAnExistingDestination() async throws {
        try await withTemporaryDirectory { dir in
            let db = try Connection(path: dir + "/a.sqlite")
            _ = FileManager.default.createFile(atPath: dir + "/taken", contents: Data("keep".utf8))
            #expect { try db.backup(to: dir + "/taken") } throws: { ($0 as? SQLiteError)?.kind == .misuse }
            #expect(FileManager.default.contents(atPath: dir + "/taken") == Data("keep".utf8))
        }
    }

    @Test func checkpoint_movesTheWALIntoTheDatabase() async throws {
        try await withTemporaryDirectory { dir in
            let db = try Connection(path: dir + "/a.sqlite")
            try db.execute("CREATE TABLE t(x INTEGER) STRICT")
            try db.run("INSERT INTO t VALUES (1)")
            let result = try db.checkpoint(.truncate)
            #expect(result.walFrames == result.checkpointedFrames)
            #expect(try db.integrityCheck() == [])
        }
    }
}
