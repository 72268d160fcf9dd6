internal import CSQLite

/// The one error type of SQLiteKit: SQLite's result codes plus the message and the SQL.
///
/// Errors detected by SQLiteKit itself (a missing column, a type mismatch, an unknown migration,
/// a closed pool) use the closest SQLite primary code and say which in `kind`. Bound arguments
/// are never recorded, so descriptions are safe to log.
///
/// Related SQLite documentation: <https://www.sqlite.org/rescode.html>
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// Where the error was detected.
    public enum Kind: Sendable, Equatable {
        /// Returned by SQLite.
        case sqlite
        /// A column read as a type its value does not have (e.g. TEXT read with `int`).
        case typeMismatch
        /// A column name not in the result row.
        case noSuchColumn
        /// Wrong use of the API: bad argument count, multiple statements in `run`, nested sync call.
        case misuse
        /// The database records a migration this build does not know (a downgrade).
        case unknownMigration
        /// The `DatabasePool` was closed.
        case closed
    }

    public var kind: Kind
    /// Primary result code (`SQLITE_BUSY` = 5, `SQLITE_CONSTRAINT` = 19...).
    public var code: Int32
    /// Extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067...); equals `code` when none.
    public var extendedCode: Int32
    public var message: String
    /// The statement that failed, if any.
    public var sql: String?

    public init(kind: Kind = .sqlite, code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.kind = kind
        self.code = code & 0xff
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
    }

    /// `SQLITE_BUSY` or `SQLITE_LOCKED`: another connection holds the lock; retrying may succeed.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// Any `SQLITE_CONSTRAINT` (unique, primary key, foreign key, check, not null).
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }
    // Extended constraint codes are `(SQLITE_CONSTRAINT | (n<<8))` macros Swift cannot import;
    // n is from sqlite3.h: 3 FOREIGNKEY, 6 PRIMARYKEY, 8 UNIQUE.

    /// A UNIQUE or PRIMARY KEY constraint failed: the row already exists.
    public var isUniqueViolation: Bool {
        extendedCode == SQLITE_CONSTRAINT | (8 << 8) || extendedCode == SQLITE_CONSTRAINT | (6 << 8)
    }
    /// A FOREIGN KEY constraint failed.
    public var isForeignKeyViolation: Bool { extendedCode == SQLITE_CONSTRAINT | (3 << 8) }

    public var description: String {
        var text = "SQLite error \(code)"
        if extendedCode != code { text += " (extended \(extendedCode))" }
        if kind != .sqlite { text += " [\(kind)]" }
        text += ": \(message)"
        if let sql { text += " — SQL: \(sql)" }
        return text
    }

    /// The error SQLite reports on `db` after a call returned `resultCode`.
    init(db: OpaquePointer?, resultCode: Int32, sql: String?) {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(resultCode))
        let extended = db.map { sqlite3_extended_errcode($0) } ?? resultCode
        self.init(code: resultCode, extendedCode: extended, message: message, sql: sql)
    }

    /// The `DatabasePool` was closed.
    static var poolClosed: SQLiteError {
        SQLiteError(kind: .closed, code: SQLITE_MISUSE, message: "database pool is closed")
    }

    /// A migration left rows that violate a foreign key.
    static func foreignKeyViolation(_ message: String) -> SQLiteError {
        SQLiteError(code: SQLITE_CONSTRAINT, extendedCode: SQLITE_CONSTRAINT | (3 << 8), message: message)
    }

    /// The database records migrations this build does not register.
    static func unknownMigrations(_ names: [String]) -> SQLiteError {
        SQLiteError(
            kind: .unknownMigration, code: SQLITE_ERROR,
            message: "database has migrations this build does not know (newer build?): "
                + names.joined(separator: ", "))
    }

    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(kind: .misuse, code: SQLITE_MISUSE, message: message, sql: sql)
    }
}
