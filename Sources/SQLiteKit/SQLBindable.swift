public import Foundation

/// A Swift value that can be bound to a statement parameter.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Double`, `String`, `Bool` (0/1), `[UInt8]` and
/// `Data` (BLOB), `UUID` (lowercase TEXT, as RFC 9562 recommends), `SQLValue` itself, and
/// `Optional` of any of these (`nil` binds NULL).
public protocol SQLBindable {
    /// The value as SQLite will store it.
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int32: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

extension Substring: SQLBindable {
    public var sqlValue: SQLValue { .text(String(self)) }
}

extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension Data: SQLBindable {
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
}

extension UUID: SQLBindable {
    public var sqlValue: SQLValue { .text(uuidString.lowercased()) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
