import Crypto
import Foundation
import SQLiteKit

/// `kandas-server backup --to FILE`: a consistent online copy of the store while the server runs.
///
/// Uses SQLite's online backup through `DatabasePool.backup(to:)` from a separate connection (WAL
/// lets it read a consistent snapshot while the server writes), then checks the copy's
/// integrity. Blobs (issue 5) are content-addressed and never modified, so copying the blob
/// folder *after* the database backup gives a consistent pair: every blob the copy references
/// is already on disk.
enum Backup {
    static func run(config: ServerConfig, to destination: String) throws -> String {
        guard FileManager.default.fileExists(atPath: config.databasePath) else {
            throw CommandError.failure("no store at \(config.databasePath)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CommandError.failure("\(destination) exists; backups never overwrite")
        }
        let pool = try DatabasePool(path: config.databasePath, readers: 1)
        defer { pool.close() }
        try pool.backup(to: destination)
        // A restored store's change log is older than the cursors devices hold: a new feed epoch in
        // the copy makes every device start over with `reset` after a restore (Protocol §7.1).
        do {
            let writable = try Connection(path: destination, options: .init(journalMode: nil))
            _ = try writable.run(
                "UPDATE sync_meta SET value = ? WHERE key = 'epoch'",
                String(SHA256.hash(SecureRandom.bytes(32)).hex.prefix(16)))
        }
        let copy = try Connection(path: destination, options: .init(readOnly: true, journalMode: nil))
        let problems = try copy.integrityCheck()
        guard problems.isEmpty else {
            throw CommandError.failure("backup failed its integrity check: \(problems.prefix(3))")
        }
        let families = try copy.queryOne("SELECT count(*) AS n FROM families")?.int("n") ?? 0
        return "backup written to \(destination) (integrity ok, families: \(families))"
    }
}
