public import RowKit

/// One result row, copied out of libpq, so it is safe to keep and send across threads.
///
/// The typed accessors (`int`, `string`, `double`, `bool`, `blob`, subscripts) are ``TypedRow``'s;
/// a missing column is `PostgresError.Kind.noSuchColumn`, a wrong type `.typeMismatch`.
public struct PostgresRow: TypedRow {
    public let columnLayout: ColumnLayout
    /// The values, in column order.
    public let values: [PostgresValue]

    /// Column names, in order.
    public var columns: [String] { columnLayout.names }

    /// A `bytea` column (empty is `[]`), or `nil` when it is NULL, missing or not bytes.
    public func bytes(_ column: String) -> [UInt8]? { blob(column) }

    public static func failure(_ kind: ColumnFailure, _ message: String) -> PostgresError {
        PostgresError(kind: kind == .noSuchColumn ? .noSuchColumn : .typeMismatch, message: message)
    }
}

extension PostgresValue: RowValue {
    public static var dialect: ColumnDialect { .postgres }

    public var scalar: ColumnScalar {
        switch self {
        case .null: .null
        case .integer(let integer): .integer(integer)
        case .real(let real): .real(real)
        case .text(let text): .text(text)
        case .bytes(let bytes): .bytes(bytes)
        case .bool(let flag): .boolean(flag)
        }
    }
}
