internal import CSQLite

/// Column names of one result set, shared by all its rows.
final class RowLayout: Sendable {
    let names: [String]
    let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // The first of duplicate names wins, as in SQLite's own name lookup.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }

    func index(of column: String) -> Int? {
        if let position = indexByName[column] { return position }
        // SQLite identifiers are case-insensitive.
        let lowered = column.lowercased()
        return names.firstIndex { $0.lowercased() == lowered }
    }
}

/// One result row, copied out of SQLite, so it is safe to keep and send across threads.
///
/// Subscripts return `.null` for an unknown column; the throwing accessors report it as
/// `SQLiteError.Kind.noSuchColumn`, so a typo does not silently read as NULL.
public struct Row: Sendable {
    let layout: RowLayout
    /// The values, in column order.
    public let values: [SQLValue]

    init(layout: RowLayout, values: [SQLValue]) {
        self.layout = layout
        self.values = values
    }

    /// Column names, in order.
    public var columns: [String] { layout.names }

    /// The shared column layout of this row's result set, as an object: rows of one statement
    /// share it, so a caller can map the names once per statement instead of once per row.
    public var layoutObject: AnyObject { layout }

    /// `true` if the row has a column of this name.
    public func contains(_ column: String) -> Bool { layout.index(of: column) != nil }

    /// The value of a column by name; `.null` when there is no such column.
    public subscript(_ column: String) -> SQLValue {
        guard let position = layout.index(of: column) else { return .null }
        return values[position]
    }

    /// The value of a column by position; `.null` when out of range.
    public subscript(_ index: Int) -> SQLValue {
        values.indices.contains(index) ? values[index] : .null
    }

    private func value(_ column: String) throws(SQLiteError) -> SQLValue {
        guard let position = layout.index(of: column) else {
            throw SQLiteError(
                kind: .noSuchColumn, code: SQLITE_RANGE,
                message: "no column '\(column)' in row (\(columns.joined(separator: ", ")))")
        }
        return values[position]
    }

    private func mismatch(_ column: String, _ value: SQLValue, _ wanted: String) -> SQLiteError {
        SQLiteError(
            kind: .typeMismatch, code: SQLITE_MISMATCH,
            message: "column '\(column)' is \(value.typeName), not \(wanted)")
    }

    /// An INTEGER column (a REAL with an exact integral value is accepted too).
    public func int(_ column: String) throws(SQLiteError) -> Int64 {
        let value = try value(column)
        switch value {
        case .integer(let integer): return integer
        case .real(let real) where real.rounded() == real && abs(real) < 9.2e18: return Int64(real)
        default: throw mismatch(column, value, "INTEGER")
        }
    }

    /// An INTEGER column, or `nil` when it is NULL, missing or not an integer.
    public func optionalInt(_ column: String) -> Int64? { try? int(column) }

    /// A TEXT column.
    public func string(_ column: String) throws(SQLiteError) -> String {
        let value = try value(column)
        guard case .text(let text) = value else { throw mismatch(column, value, "TEXT") }
        return text
    }

    /// A TEXT column, or `nil` when it is NULL, missing or not text.
    public func optionalString(_ column: String) -> String? { try? string(column) }

    /// A REAL column (INTEGER values are converted).
    public func double(_ column: String) throws(SQLiteError) -> Double {
        let value = try value(column)
        switch value {
        case .real(let real): return real
        case .integer(let integer): return Double(integer)
        default: throw mismatch(column, value, "REAL")
        }
    }

    /// A BLOB column (an empty blob is `[]`), or `nil` when it is NULL, missing or not a blob.
    public func blob(_ column: String) -> [UInt8]? {
        guard case .blob(let bytes) = self[column] else { return nil }
        return bytes
    }

    /// A boolean stored as INTEGER: 0 is `false`, anything else `true`.
    public func bool(_ column: String) throws(SQLiteError) -> Bool {
        let value = try value(column)
        guard case .integer(let integer) = value else { throw mismatch(column, value, "INTEGER (boolean)") }
        return integer != 0
    }
}
