public import RowKit

/// Column names of one result set, shared by all its rows (built once per statement, not per row).
public typealias DatabaseColumns = ColumnLayout

/// One result row, copied out of the engine: safe to keep and to send across threads.
///
/// The typed accessors (`int`, `string`, `double`, `bool`, `blob`, subscripts) are ``TypedRow``'s;
/// a missing column is ``DatabaseError/Kind/noSuchColumn``, a wrong type `.typeMismatch`.
public struct DatabaseRow: TypedRow {
    public let columns: DatabaseColumns
    /// The values, in column order.
    public let values: [DatabaseValue]

    public init(columns: DatabaseColumns, values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    public var columnLayout: ColumnLayout { columns }

    public static func failure(_ kind: ColumnFailure, _ message: String) -> DatabaseError {
        DatabaseError(kind == .noSuchColumn ? .noSuchColumn : .typeMismatch, message)
    }
}

extension DatabaseValue: RowValue {
    public static var dialect: ColumnDialect { .sqlite }

    public var scalar: ColumnScalar {
        switch self {
        case .null: .null
        case .integer(let integer): .integer(integer)
        case .real(let real): .real(real)
        case .text(let text): .text(text)
        case .blob(let bytes): .bytes(bytes)
        }
    }
}
