/// Column names of one result set, shared by all its rows.
final class PostgresRowLayout: Sendable {
    let names: [String]
    let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }
}

/// One result row, copied out of libpq, so it is safe to keep and send across threads.
///
/// Subscripts return `.null` for an unknown column; the throwing accessors report it as
/// `PostgresError.Kind.noSuchColumn`, so a typo does not silently read as NULL.
public struct PostgresRow: Sendable {
    let layout: PostgresRowLayout
    /// The values, in column order.
    public let values: [PostgresValue]

    init(layout: PostgresRowLayout, values: [PostgresValue]) {
        self.layout = layout
        self.values = values
    }

    /// Column names, in order.
    public var columns: [String] { layout.names }

    /// `true` if the row has a column of this name.
    public func contains(_ column: String) -> Bool { layout.indexByName[column] != nil }

    /// The value of a column by name; `.null` when there is no such column.
    public subscript(_ column: String) -> PostgresValue {
        guard let position = layout.indexByName[column] else { return .null }
        return values[position]
    }

    /// The value of a column by position; `.null` when out of range.
    public subscript(_ index: Int) -> PostgresValue {
        values.indices.contains(index) ? values[index] : .null
    }

    private func value(_ column: String) throws(PostgresError) -> PostgresValue {
        guard let position = layout.indexByName[column] else {
            throw PostgresError(
                kind: .noSuchColumn, message: "no column '\(column)' in row (\(columns.joined(separator: ", ")))")
        }
        return values[position]
    }

    private func mismatch(_ column: String, _ value: PostgresValue, _ wanted: String) -> PostgresError {
        PostgresError(kind: .typeMismatch, message: "column '\(column)' is \(value.typeName), not \(wanted)")
    }

    /// An integer column (also a `numeric` with an integral value, such as `sum(bigint)`, and a boolean as 0/1).
    public func int(_ column: String) throws(PostgresError) -> Int64 {
        let value = try value(column)
        switch value {
        case .integer(let integer): return integer
        case .bool(let flag): return flag ? 1 : 0
        case .real(let real) where real.rounded() == real && abs(real) < 9.2e18: return Int64(real)
        case .text(let text):
            if let integer = Int64(text) { return integer }
            throw mismatch(column, value, "integer")
        default: throw mismatch(column, value, "integer")
        }
    }

    /// An integer column, or `nil` when it is NULL, missing or not an integer.
    public func optionalInt(_ column: String) -> Int64? { try? int(column) }

    /// A text column (any type the server sent as text: `text`, `jsonb`, `timestamptz`, `uuid`...).
    public func string(_ column: String) throws(PostgresError) -> String {
        let value = try value(column)
        guard case .text(let text) = value else { throw mismatch(column, value, "text") }
        return text
    }

    /// A text column, or `nil` when it is NULL, missing or not text.
    public func optionalString(_ column: String) -> String? { try? string(column) }

    /// A floating-point column (integers and `numeric` are converted).
    public func double(_ column: String) throws(PostgresError) -> Double {
        let value = try value(column)
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        case .text(let text):
            if let real = Double(text) { return real }
            throw mismatch(column, value, "double precision")
        default: throw mismatch(column, value, "double precision")
        }
    }

    /// A `bytea` column (empty is `[]`), or `nil` when it is NULL, missing or not bytes.
    public func bytes(_ column: String) -> [UInt8]? {
        guard case .bytes(let bytes) = self[column] else { return nil }
        return bytes
    }

    /// A boolean column (an integer is `true` unless 0).
    public func bool(_ column: String) throws(PostgresError) -> Bool {
        let value = try value(column)
        switch value {
        case .bool(let flag): return flag
        case .integer(let integer): return integer != 0
        default: throw mismatch(column, value, "boolean")
        }
    }
}
