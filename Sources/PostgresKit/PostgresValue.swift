/// One value sent to or read from PostgreSQL.
///
/// Binds go in binary format with their type (`int8`, `float8`, `bytea`, `bool`); text goes with
/// type "unknown" so the server reads it as the column or operator wants (`timestamptz`, `jsonb`,
/// `uuid`...). Results are decoded by column type: integer types to `.integer`, `float4`/`float8`
/// to `.real`, `bytea` to `.bytes`, `bool` to `.bool`, everything else as its text.
public enum PostgresValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A Swift value that can be bound to a statement parameter (`$1`, `$2`...).
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Double`, `String`, `Substring`, `Bool`, `[UInt8]`
/// (bytea), `PostgresValue` itself, and `Optional` of any of these (`nil` binds NULL).
public protocol PostgresBindable {
    /// The value as it is sent.
    var postgresValue: PostgresValue { get }
}

extension PostgresValue: PostgresBindable {
    public var postgresValue: PostgresValue { self }
}

extension Int: PostgresBindable {
    public var postgresValue: PostgresValue { .integer(Int64(self)) }
}

extension Int64: PostgresBindable {
    public var postgresValue: PostgresValue { .integer(self) }
}

extension Int32: PostgresBindable {
    public var postgresValue: PostgresValue { .integer(Int64(self)) }
}

extension Double: PostgresBindable {
    public var postgresValue: PostgresValue { .real(self) }
}

extension String: PostgresBindable {
    public var postgresValue: PostgresValue { .text(self) }
}

extension Substring: PostgresBindable {
    public var postgresValue: PostgresValue { .text(String(self)) }
}

extension Bool: PostgresBindable {
    public var postgresValue: PostgresValue { .bool(self) }
}

extension Array: PostgresBindable where Element == UInt8 {
    public var postgresValue: PostgresValue { .bytes(self) }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresValue: PostgresValue { self?.postgresValue ?? .null }
}
