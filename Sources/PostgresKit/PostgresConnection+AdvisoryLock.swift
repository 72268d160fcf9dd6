/// The 64-bit key of a PostgreSQL advisory lock.
///
/// Build one from a constant (`AdvisoryLockKey(1)`) or from a name (`AdvisoryLockKey(name:
/// "upload:<id>")`, hashed with 64-bit FNV-1a, so every instance of every build agrees on it).
public struct AdvisoryLockKey: Sendable, Hashable, CustomStringConvertible {
    public let value: Int64

    public init(_ value: Int64) { self.value = value }

    /// The FNV-1a hash of the UTF-8 of `name`.
    public init(name: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        value = Int64(bitPattern: hash)
    }

    public var description: String { "advisory lock \(value)" }
}

/// Advisory locks: application-defined locks the server holds for a session or a transaction.
///
/// Session locks last until `advisoryUnlock` or until the session ends, also when the process
/// dies or its connection breaks (the server notices through TCP keepalives), so a crashed
/// instance never keeps a lock. Transaction locks are released at COMMIT or ROLLBACK.
///
/// Related PostgreSQL documentation:
/// <https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS>
extension PostgresConnection {
    /// Waits until this session holds `key` (re-entrant: each lock needs its own unlock).
    public func advisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) {
        try run("SELECT pg_advisory_lock($1)", key.value)
    }

    /// Takes `key` for this session if nobody else holds it; `false` (at once) if somebody does.
    public func tryAdvisoryLock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try queryOne("SELECT pg_try_advisory_lock($1) AS taken", key.value)?.bool("taken") ?? false
    }

    /// Releases one hold of `key`; `false` when this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try queryOne("SELECT pg_advisory_unlock($1) AS released", key.value)?.bool("released") ?? false
    }

    /// Waits until the current transaction holds `key`; released at its end.
    public func advisoryTransactionLock(_ key: AdvisoryLockKey) throws(PostgresError) {
        try run("SELECT pg_advisory_xact_lock($1)", key.value)
    }

    /// Takes `key` for the current transaction if nobody else holds it; `false` at once if somebody does.
    public func tryAdvisoryTransactionLock(_ key: AdvisoryLockKey) throws(PostgresError) -> Bool {
        try queryOne("SELECT pg_try_advisory_xact_lock($1) AS taken", key.value)?.bool("taken") ?? false
    }

    /// Runs `body` while this session holds `key` (waiting for it first), and releases it after,
    /// also when `body` throws.
    public func withAdvisoryLock<T>(_ key: AdvisoryLockKey, _ body: () throws -> T) throws -> T {
        try advisoryLock(key)
        defer { _ = try? advisoryUnlock(key) }
        return try body()
    }
}
