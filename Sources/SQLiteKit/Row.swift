internal import CSQLite
public import RowKit

/// One result row, copied out of SQLite, so it is safe to keep and send across threads.
///
/// The typed accessors (`int`, `string`, `double`, `bool`, `blob`, subscripts) are ``TypedRow``'s;
/// a missing column is `SQLiteError.Kind.noSuchColumn`, a wrong type `.typeMismatch`.
public struct Row: TypedRow {
    public let columnLayout: ColumnLayout
    /// The values, in column order.
    public let values: [SQLValue]

    /// Column names, in order.
    public var columns: [String] { columnLayout.names }

    public static func failure(_ kind: ColumnFailure, _ message: String) -> SQLiteError {
        switch kind {
        case .noSuchColumn: SQLiteError(kind: .noSuchColumn, code: SQLITE_RANGE, message: message)
        case .typeMismatch: SQLiteError(kind: .typeMismatch, code: SQLITE_MISMATCH, message: message)
        }
    }
}

extension SQLValue: RowValue {
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
