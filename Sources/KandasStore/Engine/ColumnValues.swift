/// One column of the current row read in place: text and blob bytes point into the engine's row and
/// are valid only during the call that was handed them (copy what must outlive it).
public enum ColumnValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(UnsafeBufferPointer<UInt8>)
    case blob(UnsafeRawBufferPointer)
}

/// The current row's columns by position, valid only inside ``PreparedStatement/forEachRow(_:)``'s body.
///
/// For readers of many rows that turn columns straight into bytes (pull's page writer): no
/// ``DatabaseRow`` (an array and a `String` per text column) is built per row.
public struct ColumnValues {
    /// The number of columns.
    public let count: Int
    let read: (Int) -> ColumnValue

    public init(count: Int, read: @escaping (Int) -> ColumnValue) {
        self.count = count
        self.read = read
    }

    /// The column at `column`; `.null` when out of range.
    public subscript(_ column: Int) -> ColumnValue {
        column >= 0 && column < count ? read(column) : .null
    }

    /// An integer column (a real with an exact integral value too, as ``DatabaseRow/int(_:)`` reads it); nil otherwise.
    public func int(_ column: Int) -> Int64? {
        switch self[column] {
        case .integer(let n): return n
        case .real(let real) where real.rounded() == real && abs(real) < 9.2e18: return Int64(real)
        default: return nil
        }
    }

    /// A text column as a `String`; nil when it is not text.
    public func string(_ column: Int) -> String? {
        guard case .text(let bytes) = self[column] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension PreparedStatement {
    /// Every remaining row as a ``DatabaseRow`` seen through ``ColumnValues`` (engines without an
    /// in-place reader; SQLite reads its columns in place).
    public func forEachRowCopying(_ body: (ColumnValues) throws -> Void) throws {
        var storage: [UInt8] = []
        var spans: [Range<Int>] = []
        while let row = try next() {
            storage.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
            for value in row.values {
                let start = storage.count
                switch value {
                case .text(let text): storage.append(contentsOf: text.utf8)
                case .blob(let bytes): storage.append(contentsOf: bytes)
                default: break
                }
                spans.append(start..<storage.count)
            }
            let values = row.values
            let ranges = spans
            try storage.withUnsafeBufferPointer { base in
                try body(
                    ColumnValues(count: values.count) { column in
                        switch values[column] {
                        case .null: return .null
                        case .integer(let n): return .integer(n)
                        case .real(let r): return .real(r)
                        case .text: return .text(UnsafeBufferPointer(rebasing: base[ranges[column]]))
                        case .blob:
                            return .blob(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(base)[ranges[column]]))
                        }
                    })
            }
        }
    }
}
