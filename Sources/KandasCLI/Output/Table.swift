/// An aligned text table for humans; widths count grapheme clusters, so Cyrillic and Kazakh text align.
///
/// Swift's `String.count` is the number of extended grapheme clusters: `"Әлем"` is 4 wide like `"Alem"`,
/// and a letter with a combining accent is one column, not two UTF-8 or UTF-16 units.
public struct Table: Sendable, Equatable {
    /// Column headers.
    public var headers: [String]
    /// Rows; a short row is padded with empty cells.
    public var rows: [[String]]
    /// Columns whose cells are right-aligned (numbers).
    public var rightAligned: Set<Int>
    /// Cells longer than this are cut with `…` (keeps tables readable on 80-column terminals).
    public var maxCellWidth: Int
    /// Whether the header line is printed (key-value lists have none).
    public var showsHeaders = true

    /// Creates an empty table.
    public init(_ headers: [String], rightAligned: Set<Int> = [], maxCellWidth: Int = 48) {
        self.headers = headers
        self.rows = []
        self.rightAligned = rightAligned
        self.maxCellWidth = maxCellWidth
    }

    /// A two-column key-value list without a header line.
    public static func keyValue(_ pairs: [(String, String)], maxCellWidth: Int = 100) -> Table {
        var table = Table(["", ""], maxCellWidth: maxCellWidth)
        table.showsHeaders = false
        for pair in pairs { table.append([pair.0, pair.1]) }
        return table
    }

    /// Appends a row.
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines joined by `\n`, with a trailing newline; columns separated by two spaces and
    /// no trailing spaces.
    public func render() -> String {
        let cells = ((showsHeaders ? [headers] : []) + rows).map { row in
            (0..<headers.count).map { index in Self.clip(index < row.count ? row[index] : "", maxCellWidth) }
        }
        var widths = Array(repeating: 0, count: headers.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.width(cell)) }
        }
        var out = ""
        for row in cells {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - Self.width(cell))
                if index > 0 { line += "  " }
                line += rightAligned.contains(index) ? padding + cell : cell + padding
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// Display width: grapheme clusters, with newlines and tabs flattened beforehand by `clip`.
    static func width(_ text: String) -> Int { text.count }

    /// One line, at most `limit` grapheme clusters (cut with `…`).
    static func clip(_ text: String, _ limit: Int) -> String {
        let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        guard flat.count > limit, limit > 1 else { return flat }
        return String(flat.prefix(limit - 1)) + "…"
    }
}
