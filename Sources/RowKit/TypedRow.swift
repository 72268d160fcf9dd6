/// Column names of one result set, shared by all its rows (built once per statement, not per row).
public final class ColumnLayout: Sendable {
    /// The names, in column order.
    public let names: [String]
    @usableFromInline let indexByName: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // The first of duplicate names wins, as in both engines' own name lookup.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }

    /// The position of `column`; an exact match first, then (unquoted SQL identifiers being
    /// case-insensitive) one that differs only in case.
    @inlinable
    public func index(of column: String) -> Int? {
        if let position = indexByName[column] { return position }
        let lowered = column.lowercased()
        return names.firstIndex { $0.lowercased() == lowered }
    }
}

/// What a typed accessor of ``TypedRow`` asks a column for.
public enum ColumnType: Sendable {
    case integer, real, text, boolean
}

/// Why a typed accessor failed: the engine turns it into its own error.
public enum ColumnFailure: Sendable {
    case noSuchColumn, typeMismatch
}

/// A column value as the typed accessors see it: the union of both engines' kinds.
public enum ColumnScalar: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case boolean(Bool)
}

/// Whose words and conversions a row's values follow.
public enum ColumnDialect: Sendable {
    /// SQLite's storage classes (and the store's engine-neutral values, which mirror them).
    case sqlite
    /// PostgreSQL's types as libpq hands them over (`numeric` arrives as text).
    case postgres

    /// Whether a text value that spells a number converts (PostgreSQL's `numeric`, such as `sum(bigint)`).
    @inlinable
    public var textHoldsNumbers: Bool { self == .postgres }

    /// The dialect's name of a type an accessor asked for, for error messages.
    public func name(of type: ColumnType) -> String {
        switch (self, type) {
        case (.sqlite, .integer): "INTEGER"
        case (.sqlite, .real): "REAL"
        case (.sqlite, .text): "TEXT"
        case (.sqlite, .boolean): "INTEGER (boolean)"
        case (.postgres, .integer): "integer"
        case (.postgres, .real): "double precision"
        case (.postgres, .text): "text"
        case (.postgres, .boolean): "boolean"
        }
    }

    /// The dialect's name of a value's type, for error messages.
    public func name(of value: ColumnScalar) -> String {
        switch (self, value) {
        case (_, .null): "NULL"
        case (.sqlite, .integer): "INTEGER"
        case (.sqlite, .real): "REAL"
        case (.sqlite, .text): "TEXT"
        case (.sqlite, .bytes): "BLOB"
        case (.postgres, .integer): "integer"
        case (.postgres, .real): "double precision"
        case (.postgres, .text): "text"
        case (.postgres, .bytes): "bytea"
        case (_, .boolean): "boolean"
        }
    }
}

/// One engine's value of a column, as the typed accessors of ``TypedRow`` read it.
public protocol RowValue: Sendable {
    static var null: Self { get }
    static var dialect: ColumnDialect { get }
    var scalar: ColumnScalar { get }
}

/// One result row, copied out of an engine: safe to keep and to send across threads.
///
/// A conforming row provides its layout, its values and its engine's error; the accessors below
/// are the one implementation for SQLite's `Row`, `PostgresRow` and the store's `DatabaseRow`.
/// Subscripts return `.null` for an unknown column; the throwing accessors report it as
/// ``ColumnFailure/noSuchColumn``, so a typo does not silently read as NULL.
public protocol TypedRow: Sendable {
    associatedtype Value: RowValue
    associatedtype Failure: Error
    var columnLayout: ColumnLayout { get }
    /// The values, in column order.
    var values: [Value] { get }
    /// The engine's error for a failed accessor.
    static func failure(_ kind: ColumnFailure, _ message: String) -> Failure
}

extension TypedRow {
    /// `true` if the row has a column of this name.
    @inlinable
    public func contains(_ column: String) -> Bool { columnLayout.index(of: column) != nil }

    /// The value of a column by name; `.null` when there is no such column.
    @inlinable
    public subscript(_ column: String) -> Value {
        guard let position = columnLayout.index(of: column) else { return .null }
        return values[position]
    }

    /// The value of a column by position; `.null` when out of range.
    @inlinable
    public subscript(_ index: Int) -> Value {
        values.indices.contains(index) ? values[index] : .null
    }

    @inlinable
    func value(_ column: String) throws(Failure) -> Value {
        guard let position = columnLayout.index(of: column) else {
            throw Self.failure(
                .noSuchColumn, "no column '\(column)' in row (\(columnLayout.names.joined(separator: ", ")))")
        }
        return values[position]
    }

    @inlinable
    func mismatch(_ column: String, _ value: Value, _ wanted: ColumnType) -> Failure {
        Self.failure(
            .typeMismatch,
            "column '\(column)' is \(Value.dialect.name(of: value.scalar)), not \(Value.dialect.name(of: wanted))")
    }

    /// An integer column; also an integral real, a boolean as 0/1 and, on PostgreSQL, a `numeric`
    /// sent as text.
    @inlinable
    public func int(_ column: String) throws(Failure) -> Int64 {
        let value = try value(column)
        switch value.scalar {
        case .integer(let integer): return integer
        case .real(let real) where real.rounded() == real && abs(real) < 9.2e18: return Int64(real)
        case .boolean(let flag): return flag ? 1 : 0
        case .text(let text) where Value.dialect.textHoldsNumbers:
            guard let integer = Int64(text) else { throw mismatch(column, value, .integer) }
            return integer
        default: throw mismatch(column, value, .integer)
        }
    }

    /// An integer column, or `nil` when it is NULL, missing or not an integer.
    @inlinable
    public func optionalInt(_ column: String) -> Int64? { try? int(column) }

    /// A text column (on PostgreSQL, any type the server sent as text: `jsonb`, `timestamptz`, `uuid`...).
    @inlinable
    public func string(_ column: String) throws(Failure) -> String {
        let value = try value(column)
        guard case .text(let text) = value.scalar else { throw mismatch(column, value, .text) }
        return text
    }

    /// A text column, or `nil` when it is NULL, missing or not text.
    @inlinable
    public func optionalString(_ column: String) -> String? { try? string(column) }

    /// A real column (integers are converted; on PostgreSQL also a `numeric` sent as text).
    @inlinable
    public func double(_ column: String) throws(Failure) -> Double {
        let value = try value(column)
        switch value.scalar {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        case .text(let text) where Value.dialect.textHoldsNumbers:
            guard let real = Double(text) else { throw mismatch(column, value, .real) }
            return real
        default: throw mismatch(column, value, .real)
        }
    }

    /// A blob column (an empty blob is `[]`), or `nil` when it is NULL, missing or not a blob.
    @inlinable
    public func blob(_ column: String) -> [UInt8]? {
        guard case .bytes(let bytes) = self[column].scalar else { return nil }
        return bytes
    }

    /// A boolean column (an integer is `true` unless 0: SQLite stores booleans as integers).
    @inlinable
    public func bool(_ column: String) throws(Failure) -> Bool {
        let value = try value(column)
        switch value.scalar {
        case .boolean(let flag): return flag
        case .integer(let integer): return integer != 0
        default: throw mismatch(column, value, .boolean)
        }
    }
}
