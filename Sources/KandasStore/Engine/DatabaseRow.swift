/// Column names of one result set, shared by all its rows (built once per statement, not per row).
public final class DatabaseColumns: Sendable {
    public let names: [String]
    let indexByName: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // The first of duplicate names wins, as in both engines' name lookup.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }

    func index(of column: String) -> Int? {
        if let position = indexByName[column] { return position }
        // Unquoted identifiers are case-insensitive in SQL.
        let lowered = column.lowercased()
        return names.firstIndex { $0.lowercased() == lowered }
    }
}

/// One result row, copied out of the engine: safe to keep and to send across threads.
///
/// Subscripts return `.null` for an unknown column; the throwing accessors report it as
/// ``DatabaseError/Kind/noSuchColumn``, so a typo does not silently read as NULL.
public struct DatabaseRow: Sendable {
    public let columns: DatabaseColumns
    /// The values, in column order.
    public let values: [DatabaseValue]

    public init(columns: DatabaseColumns, values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// `true` if the row has a column of this name.
    public func contains(_ column: String) -> Bool { columns.index(of: column) != nil }

    /// The value of a column by name; `.null` when there is no such column.
    public subscript(_ column: String) -> DatabaseValue {
        guard let position = columns.index(of: column) else { return .null }
        return values[position]
    }

    /// The value of a column by position; `.null` when out of range.
    public subscript(_ index: Int) -> DatabaseValue {
        values.indices.contains(index) ? values[index] : .null
    }

    private func value(_ column: String) throws(DatabaseError) -> DatabaseValue {
        guard let position = columns.index(of: column) else {
            throw DatabaseError(
                .noSuchColumn, "no column '\(column)' in row (\(columns.names.joined(separator: ", ")))")
        }
        return values[position]
    }

    private func mismatch(_ column: String, _ value: DatabaseValue, _ wanted: String) -> DatabaseError {
        DatabaseError(.typeMismatch, "column '\(column)' is \(value.typeName), not \(wanted)")
    }

    /// An integer column (a real with an exact integral value is accepted too).
    public func int(_ column: String) throws(DatabaseError) -> Int64 {
        let value = try value(column)
        switch value {
        case .integer(let integer): return integer
        case .real(let real) where real.rounded() == real && abs(real) < 9.2e18: return Int64(real)
        default: throw mismatch(column, value, "INTEGER")
        }
    }

    /// An integer column, or `nil` when it is NULL, missing or not an integer.
    public func optionalInt(_ column: String) -> Int64? { try? int(column) }

    /// A text column.
    public func string(_ column: String) throws(DatabaseError) -> String {
        let value = try value(column)
        guard case .text(let text) = value else { throw mismatch(column, value, "TEXT") }
        return text
    }

    /// A text column, or `nil` when it is NULL, missing or not text.
    public func optionalString(_ column: String) -> String? { try? string(column) }

    /// A real column (integers are converted).
    public func double(_ column: String) throws(DatabaseError) -> Double {
        let value = try value(column)
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        default: throw mismatch(column, value, "REAL")
        }
    }

    /// A blob column (an empty blob is `[]`), or `nil` when it is NULL, missing or not a blob.
    public func blob(_ column: String) -> [UInt8]? {
        guard case .blob(let bytes) = self[column] else { return nil }
        return bytes
    }

    /// A boolean stored as an integer: 0 is `false`, anything else `true`.
    public func bool(_ column: String) throws(DatabaseError) -> Bool {
        let value = try value(column)
        guard case .integer(let integer) = value else { throw mismatch(column, value, "INTEGER (boolean)") }
        return integer != 0
    }
}
