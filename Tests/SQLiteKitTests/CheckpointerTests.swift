import Foundation
import SQLiteKit
import Testing

@Suite struct CheckpointerTests {
    func makePool(_ dir: String, pages: Int) throws -> DatabasePool {
        var options = Connection.Options()
        options.walAutocheckpointPages = pages
        var migrator = Migrator()
        migrator.register("001-blobs") { db in
            try db.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT")
        }
        return try DatabasePool(path: dir + "/pool.sqlite", readers: 1, options: options, migrator: migrator)
    }

    /// Commits of about 50 pages each.
    func fill(_ pool: DatabasePool, commits: Int) async throws {
        for c in 0..<commits {
            try await pool.write { db in
                for n in 0..<50 {
                    _ = try db.run(
                        "INSERT INTO blobs(id, data) VALUES(?, randomblob(3000))", Int64(c * 1000 + n))
                }
            }
        }
    }

    @Test func commitsPastTheThreshold_checkpointOnTheCheckpointersQueue_notInTheCommit() async throws {
        try await withTemporaryDirectory { dir in
            // Commits of ~50 pages: the second passes 100 frames (background), the fourth 200 (inline).
            let pool = try makePool(dir, pages: 100)
            defer { pool.close() }
            // The writer's own automatic checkpoint is off: its WAL hook is the checkpointer's.
            #expect(try await pool.write { db in try db.scalar("PRAGMA wal_autocheckpoint") } == .integer(0))
            try await fill(pool, commits: 4)
            // Wait for the background copy (bounded; no timing is asserted).
            for _ in 0..<3000 where pool.backgroundCheckpoints == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(pool.backgroundCheckpoints >= 1)
            #expect(try await pool.read { db in try db.scalar("SELECT count(*) FROM blobs") } == .integer(200))
            #expect(try await pool.write { db in try db.integrityCheck() } == [])
        }
    }

    @Test func aWALPastTwiceTheThreshold_isCheckpointedInTheCommit_soTheNextWriteRestartsIt() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir, pages: 20)
            defer { pool.close() }
            try await fill(pool, commits: 3)
            // Without the commits' own checkpoints the WAL would hold all three commits (150+ frames).
            let wal = try pool.checkpoint().walFrames
            #expect(wal > 0 && wal < 100, "\(wal) frames")
        }
    }

    @Test func aWALBelowTheThreshold_isNotCheckpointed() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir, pages: 100_000)
            defer { pool.close() }
            try await fill(pool, commits: 2)
            #expect(pool.backgroundCheckpoints == 0)
        }
    }

    @Test func thresholdZero_meansNoCheckpointer() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir, pages: 0)
            defer { pool.close() }
            try await fill(pool, commits: 2)
            #expect(pool.checkpointThresholdPages == 0 && pool.backgroundCheckpoints == 0)
        }
    }
}
