import Foundation

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
        // A restored store's change log is older than the cursors devices hold: the copy gets a new
        // feed epoch, so every device starts over with `reset` after a restore (Protocol §7.1).
        let (problems, families) = try OpsStore.backupSQLite(from: config.databasePath, to: destination)
        guard problems.isEmpty else {
            throw CommandError.failure("backup failed its integrity check: \(problems.prefix(3))")
        }
        return "backup written to \(destination) (integrity ok, families: \(families))"
    }
}
