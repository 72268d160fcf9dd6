import KandasStore

/// Failed logins by key (`a:<account>`, `r:<address>`) and time: the store side of
/// ``LoginRateLimiter``. Rows older than the window are dropped when their key fails again and
/// when the server starts.
enum LoginFailureStore {
    /// How many failures `key` has after `after`, and the oldest of them.
    static func recent(_ db: any DatabaseConnection, key: String, after: Int64) throws -> (count: Int, oldest: Int64?) {
        let row = try db.queryOne(
            "SELECT count(*) AS n, min(at) AS oldest FROM login_failures WHERE key = ? AND at > ?", key, after)
        return (Int(row?.optionalInt("n") ?? 0), row?.optionalInt("oldest"))
    }

    /// One failure at `at` for every key, forgetting their failures at or before `forgetBefore`.
    static func record(_ db: any DatabaseConnection, keys: [String], at: Int64, forgetBefore: Int64) throws {
        for key in keys {
            try db.run("DELETE FROM login_failures WHERE key = ? AND at <= ?", key, forgetBefore)
            try db.run("INSERT INTO login_failures(key, at) VALUES(?, ?)", key, at)
        }
    }

    /// Forgets every failure of `key`.
    static func forget(_ db: any DatabaseConnection, key: String) throws {
        try db.run("DELETE FROM login_failures WHERE key = ?", key)
    }

    /// Drops every failure at or before `cutoff` (at start).
    static func prune(_ database: any DatabaseEngine, before cutoff: Int64) throws {
        try database.writeSync { db in _ = try db.run("DELETE FROM login_failures WHERE at <= ?", cutoff) }
    }
}
