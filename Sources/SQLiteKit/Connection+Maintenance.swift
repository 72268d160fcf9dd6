internal import CSQLite
import SystemKit

// The C library by platform: Glibc on Linux (the tested branch), Musl on static Linux, Bionic on Android
// (Swift SDK for Android), Darwin on Apple platforms. Only POSIX calls present in all four are used here.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#else
#error("unsupported platform: add its C library here")
#endif

extension Connection {
    /// Copies the whole database into a new file at `path`, while other connections keep writing.
    ///
    /// Uses the online backup API in a single step, which reads one consistent snapshot (in WAL
    /// mode writers are not blocked meanwhile). The copy is written to `path + ".partial"`,
    /// switched to `journal_mode=DELETE` so it is one self-contained file, then linked into
    /// place, so `path` either does not exist or holds a complete backup.
    ///
    /// - Throws: `SQLiteError` (`.misuse` when `path` already exists).
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/backup.html>
    public func backup(to path: String) throws(SQLiteError) {
        guard access(path, F_OK) != 0 else { throw .misuse("backup destination already exists: \(path)") }
        let partial = path + ".partial"
        // A leftover from a crashed backup is garbage by construction.
        unlink(partial)
        do {
            try copyPages(into: partial)
        } catch {
            unlink(partial)
            throw error
        }
        // A copy is as private as the store it copies, whatever the caller's umask.
        chmod(partial, 0o600)
        // `.create` links: link(2) refuses to replace an existing file, unlike rename(2).
        do {
            try DurableFile.place(partial, at: path, placement: .create)
        } catch {
            unlink(partial)
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot place backup at \(path): \(error.reason)")
        }
    }

    private func copyPages(into partial: String) throws(SQLiteError) {
        let destination = try Connection(
            path: partial, options: Options(journalMode: nil, synchronous: .full, foreignKeys: false))
        guard let backup = sqlite3_backup_init(destination.raw, "main", raw, "main") else {
            throw SQLiteError(db: destination.raw, resultCode: sqlite3_errcode(destination.raw), sql: nil)
        }
        var code: Int32
        var retries = 0
        repeat {
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED {
                retries += 1
                if retries > 500 { break }
                sqlite3_sleep(10)
            }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE else {
            throw SQLiteError(code: code, message: "backup step failed: \(String(cString: sqlite3_errstr(code)))")
        }
        guard finish == SQLITE_OK else { throw SQLiteError(db: destination.raw, resultCode: finish, sql: nil) }
        // The source's WAL flag was copied with page 1; a backup should be a single file.
        _ = try destination.scalar("PRAGMA journal_mode = DELETE")
    }

    /// Runs a WAL checkpoint; returns the WAL size and how many of its frames are now in the
    /// database file (both in frames).
    @discardableResult
    public func checkpoint(
        _ mode: CheckpointMode = .passive
    ) throws(SQLiteError) -> (
        walFrames: Int, checkpointedFrames: Int
    ) {
        var log: Int32 = 0
        var done: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(raw, nil, mode.rawValue, &log, &done)
        guard code == SQLITE_OK else { throw SQLiteError(db: raw, resultCode: code, sql: "wal_checkpoint") }
        return (Int(log), Int(done))
    }

    /// `PRAGMA integrity_check`: the problems found, empty when the database is intact.
    public func integrityCheck() throws(SQLiteError) -> [String] {
        let messages = try query("PRAGMA integrity_check").map { $0[0] }
        if messages == [.text("ok")] { return [] }
        return messages.map { value in
            if case .text(let text) = value { return text }
            return "\(value)"
        }
    }
}
