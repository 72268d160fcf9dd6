import Crypto
import KandasStore
import SQLiteKit

/// Operations' queries: readiness, idempotency housekeeping, backups and blob verification.
///
/// These read or change every row by nature (no caller scope): handlers reach only
/// ``probeWrite(_:)`` and ``pruneIdempotency(_:before:)``, which touch no region's data; the file-level
/// helpers run in commands on the SQLite file itself.
enum OpsStore {
    /// A write transaction that reads the migrations table: proves the store takes writes (`/readyz`).
    static func probeWrite(_ database: any DatabaseEngine) throws {
        try database.writeSync { db in _ = try db.scalar("SELECT count(*) FROM schema_migrations") }
    }

    /// Whether the store has any user (seed-demo only fills an empty store).
    static func hasUsers(_ db: any DatabaseConnection) throws -> Bool {
        try db.exists("SELECT 1 FROM users")
    }

    /// Drops idempotency records older than `cutoff` (Protocol §1.3: kept 30 days).
    static func pruneIdempotency(_ database: any DatabaseEngine, before cutoff: Int64) throws {
        try database.writeSync { db in _ = try db.run("DELETE FROM idempotency WHERE created_at < ?", cutoff) }
    }

    /// A consistent copy of the SQLite store at `source` written to `destination`, with a new feed
    /// epoch (a restored change log is older than the cursors devices hold, so every device starts
    /// over with `reset`, Protocol §7.1); returns the integrity problems and the copy's family count.
    static func backupSQLite(
        from source: String, to destination: String
    ) throws -> (problems: [String], families: Int64) {
        let engine = try SQLiteEngine(path: source, readers: 1)
        defer { engine.close() }
        try engine.backup(to: destination)
        do {
            let writable = try Connection(path: destination, options: .init(journalMode: nil))
            _ = try writable.run(
                "UPDATE sync_meta SET value = ? WHERE key = 'epoch'",
                String(SHA256.hash(SecureRandom.bytes(32)).hex.prefix(16)))
        }
        let copy = try Connection(path: destination, options: .init(readOnly: true, journalMode: nil))
        let problems = try copy.integrityCheck()
        guard problems.isEmpty else { return (problems, 0) }
        return (problems, try copy.queryOne("SELECT count(*) AS n FROM families")?.int("n") ?? 0)
    }

    /// The declared size of every verified blob, by SHA-256, from any engine (a read transaction).
    static func verifiedBlobSizes(_ database: any DatabaseEngine) throws -> [String: Int64] {
        try database.readSync { db in
            var expected: [String: Int64] = [:]
            for row in try db.query("SELECT DISTINCT sha256, size FROM attachments WHERE state = 'verified'") {
                expected[try row.string("sha256")] = try row.int("size")
            }
            return expected
        }
    }

    /// The names of the migrations the store records, in name order.
    static func appliedMigrations(_ database: any DatabaseEngine) throws -> [String] {
        try database.readSync { db in
            try db.query("SELECT name FROM schema_migrations ORDER BY name").map { try $0.string("name") }
        }
    }

    /// The declared size of every verified blob, by SHA-256, read-only from the SQLite file (safe
    /// while a server writes it).
    static func verifiedBlobSizes(databasePath: String) throws -> [String: Int64] {
        var expected: [String: Int64] = [:]
        let db = try Connection(path: databasePath, options: .init(readOnly: true, journalMode: nil))
        for row in try db.query("SELECT DISTINCT sha256, size FROM attachments WHERE state = 'verified'") {
            expected[try row.string("sha256")] = try row.int("size")
        }
        return expected
    }
}
