/// The one error type of PostgresKit: the server's SQLSTATE and message, plus the SQL.
///
/// Bound values are never recorded and connection messages are scrubbed of the password, so a
/// description is safe to log. Errors found by PostgresKit itself (a bad URL, a type mismatch, a
/// closed pool) say which in `kind` and carry no SQLSTATE, or the closest class.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/15/errcodes-appendix.html>
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// Where the error was detected.
    public enum Kind: Sendable, Equatable {
        /// Returned by the server for a statement.
        case server
        /// The connection could not be made, or broke (the server went away).
        case connection
        /// The database URL is malformed.
        case invalidURL
        /// A column read as a type its value does not have.
        case typeMismatch
        /// A column name not in the result row.
        case noSuchColumn
        /// Wrong use of the API.
        case misuse
        /// The database records a migration this build does not know (a downgrade).
        case unknownMigration
        /// The pool was closed.
        case closed
    }

    public var kind: Kind
    /// The five-character SQLSTATE (`23505` unique violation, `40001` serialization failure...);
    /// empty when the error did not come from the server.
    public var sqlState: String
    public var message: String
    /// The statement that failed, if any.
    public var sql: String?

    public init(kind: Kind, sqlState: String = "", message: String, sql: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
    }

    /// `40001` (serialization failure) or `40P01` (deadlock): the transaction may be retried.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// `23505`: a UNIQUE or PRIMARY KEY constraint failed.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// `23503`: a FOREIGN KEY constraint failed.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// Class `23`: any integrity constraint.
    public var isConstraint: Bool { sqlState.hasPrefix("23") }
    /// `55P03`: a lock was not available (`NOWAIT`, `lock_timeout`).
    public var isLockNotAvailable: Bool { sqlState == "55P03" }
    /// The database is unreachable or went away (no connection, class `08`, admin shutdown `57P01`-`57P03`):
    /// a server answers 503 with `Retry-After` and tries again later.
    public var isUnavailable: Bool {
        kind == .connection || sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    public var description: String {
        var text = "PostgreSQL error"
        if !sqlState.isEmpty { text += " \(sqlState)" }
        if kind != .server { text += " [\(kind)]" }
        text += ": \(message)"
        if let sql { text += " — SQL: \(sql)" }
        return text
    }

    static func invalidURL(_ message: String) -> PostgresError { PostgresError(kind: .invalidURL, message: message) }

    static func misuse(_ message: String, sql: String? = nil) -> PostgresError {
        PostgresError(kind: .misuse, message: message, sql: sql)
    }

    static var poolClosed: PostgresError { PostgresError(kind: .closed, message: "database pool is closed") }

    static func unknownMigrations(_ names: [String]) -> PostgresError {
        PostgresError(
            kind: .unknownMigration,
            message: "database has migrations this build does not know (newer build?): " + names.joined(separator: ", ")
        )
    }

    /// Removes `secret` from a libpq message (libpq does not echo passwords, but a message that
    /// quotes a connection string could).
    static func scrub(_ message: String, secret: String?) -> String {
        var text = message.trimmingWhitespace()
        if let secret, !secret.isEmpty { text = text.replacingAll(secret, with: "***") }
        return text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        return String(slice)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
