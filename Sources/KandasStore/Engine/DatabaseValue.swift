public import Foundation

/// One value bound to a parameter or read from a column, in the five kinds every engine maps:
/// SQLite's storage classes, and for PostgreSQL `bigint`/`integer`/`boolean`, `double precision`,
/// `text`, `bytea` (and SQL `NULL`).
///
/// Booleans are stored as integers 0/1 by both engines' schemas, so `Bool` binds `.integer`.
public enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A Swift value that can be bound to a statement parameter of any engine.
///
/// Conforming: `Int`, `Int64`, `Int32`, `Double`, `String`, `Substring`, `Bool` (0/1), `[UInt8]`
/// and `Data` (BLOB), `UUID` (lowercase text), `DatabaseValue`, and `Optional` of these (`nil`
/// binds NULL).
public protocol DatabaseBindable {
    /// The value as the engine will bind it.
    var databaseValue: DatabaseValue { get }
}

extension DatabaseValue: DatabaseBindable {
    public var databaseValue: DatabaseValue { self }
}

extension Int: DatabaseBindable {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
}

extension Int64: DatabaseBindable {
    public var databaseValue: DatabaseValue { .integer(self) }
}

extension Int32: DatabaseBindable {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
}

extension Double: DatabaseBindable {
    public var databaseValue: DatabaseValue { .real(self) }
}

extension String: DatabaseBindable {
    public var databaseValue: DatabaseValue { .text(self) }
}

extension Substring: DatabaseBindable {
    public var databaseValue: DatabaseValue { .text(String(self)) }
}

extension Bool: DatabaseBindable {
    public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
}

extension Array: DatabaseBindable where Element == UInt8 {
    public var databaseValue: DatabaseValue { .blob(self) }
}

extension Data: DatabaseBindable {
    public var databaseValue: DatabaseValue { .blob([UInt8](self)) }
}

extension UUID: DatabaseBindable {
    public var databaseValue: DatabaseValue { .text(uuidString.lowercased()) }
}

extension Optional: DatabaseBindable where Wrapped: DatabaseBindable {
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
}
