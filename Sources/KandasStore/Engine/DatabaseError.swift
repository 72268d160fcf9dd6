/// An engine's failure, in terms the store and its callers can act on without knowing the engine.
///
/// Each engine maps its own codes (SQLite result codes, PostgreSQL SQLSTATEs) to a ``Kind``;
/// `message` keeps the engine's text for logs (never shown to clients: it may quote SQL, and
/// bound values are never part of it).
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Locked or busy (SQLite `BUSY`/`LOCKED`; PostgreSQL serialization failure, deadlock,
        /// lock not available): retrying later may succeed (answered as `503`).
        case busy
        /// A `UNIQUE` or primary key constraint failed.
        case uniqueViolation
        /// A foreign key constraint failed.
        case foreignKeyViolation
        /// A `CHECK` or `NOT NULL` constraint failed.
        case constraint
        /// A column was missing from a row, or held another kind of value.
        case noSuchColumn
        case typeMismatch
        /// The engine (pool) is closed.
        case closed
        /// The database records migrations this build does not know (written by a newer build).
        case unknownMigration
        /// A programming error: wrong argument count, two statements in one, a nested blocking call.
        case misuse
        /// Disk full or quota exceeded.
        case full
        /// Anything else (I/O, corruption, syntax).
        case other
    }

    public var kind: Kind
    public var message: String
    /// The statement, when known (for logs).
    public var sql: String?
    /// The engine's own error, for logs and engine-specific tests.
    public var underlying: (any Error & Sendable)?

    public init(_ kind: Kind, _ message: String, sql: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.sql = sql
        self.underlying = underlying
    }

    /// `true` when a retry later may succeed.
    public var isBusy: Bool { kind == .busy }
    public var isUniqueViolation: Bool { kind == .uniqueViolation }
    public var isConstraint: Bool { kind == .uniqueViolation || kind == .foreignKeyViolation || kind == .constraint }

    public var description: String {
        var text = "database error [\(kind)]: \(message)"
        if let sql { text += " (in: \(sql))" }
        return text
    }
}
