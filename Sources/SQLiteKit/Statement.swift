internal import CSQLite
import RowKit

/// A prepared statement, finalized in `deinit`.
///
/// Not thread-safe: it belongs to its `Connection`'s thread. It keeps the underlying database
/// handle alive, so it never outlives the connection's memory.
///
/// ```swift
/// let statement = try db.prepare("SELECT id, name FROM t WHERE kind = ?")
/// try statement.bind(["photo"])
/// while let row = try statement.next() { ... }
/// ```
public final class Statement {
    let raw: OpaquePointer
    let handle: DatabaseHandle
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// Column names of the result, kept across runs: building them (a `String` per column and the
    /// name index) on every run was a measurable share of a push's statements.
    private var layout: ColumnLayout?
    /// `SQLITE_STMTSTATUS_REPREPARE` when `layout` was read: a schema change re-prepares the
    /// statement, and a `SELECT *` may then have other columns.
    private var layoutPrepareCount: Int32 = 0

    /// The text parameters of the last bind, bound from here without SQLite's own copy
    /// (`SQLITE_STATIC`): valid until the next bind, which clears the bindings first, or `deinit`,
    /// which finalizes first. This SQLite is built without lookaside memory, so each copied
    /// parameter was a `malloc` and a `free`, each under SQLite's memory-statistics mutex.
    /// Texts are copied as they are bound (no first pass to size them): one that does not fit
    /// moves on to a larger block, and the full ones (`retiredTexts`, still bound) are freed at the
    /// next bind, which starts with one block as large as the last bind needed in all.
    private var texts: UnsafeMutableRawPointer?
    private var textsCapacity = 0
    private var retiredTexts: [UnsafeMutableRawPointer] = []
    private var lastTextBytes = 0
    /// For each parameter, whether the SQL uses it only as `kid(?)` (``KidParameters``): a canonical
    /// UUID text bound there is bound as its 16 bytes, which `kid` returns as they are. Empty when none.
    let kidOnly: [Bool]

    init(raw: OpaquePointer, handle: DatabaseHandle, sql: String) {
        self.raw = raw
        self.handle = handle
        self.sql = sql
        kidOnly = KidParameters.find(in: sql, expectedCount: Int(sqlite3_bind_parameter_count(raw))) ?? []
    }

    deinit {
        sqlite3_finalize(raw)
        texts?.deallocate()
        for block in retiredTexts { block.deallocate() }
    }

    /// Number of `?` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(raw)) }

    /// Result column names.
    public var columnNames: [String] { currentLayout().names }

    /// Resets the statement and binds all parameters at once.
    ///
    /// - Throws: `SQLiteError.Kind.misuse` when the count differs from `parameterCount`.
    public func bind(_ values: [SQLValue]) throws(SQLiteError) {
        try bind(count: values.count) { values[$0] }
    }

    /// Resets the statement and binds `count` parameters, the value of parameter `i + 1` being
    /// `value(i)`: for callers that hold their values in another form (the store layer's), so no
    /// array of `SQLValue`s is built per statement.
    ///
    /// - Throws: `SQLiteError.Kind.misuse` when `count` differs from `parameterCount`.
    public func bind(count: Int, _ value: (Int) -> SQLValue) throws(SQLiteError) {
        reset()
        sqlite3_clear_bindings(raw)
        guard count == parameterCount else {
            throw .misuse("statement expects \(parameterCount) arguments, got \(count)", sql: sql)
        }
        // The previous bindings are cleared: the blocks they pointed into can go.
        if !retiredTexts.isEmpty {
            for block in retiredTexts { block.deallocate() }
            retiredTexts.removeAll(keepingCapacity: true)
            texts?.deallocate()
            texts = nil
        }
        if texts == nil {
            textsCapacity = max(lastTextBytes, 256)
            texts = UnsafeMutableRawPointer.allocate(byteCount: textsCapacity, alignment: 1)
        }
        guard var block = texts else { return }
        var used = 0
        var total = 0
        defer { lastTextBytes = total }
        for offset in 0..<count {
            let bound = value(offset)
            guard case .text(var text) = bound else {
                try bind(bound, at: Int32(offset + 1))
                continue
            }
            let size = text.utf8.count
            total += size
            if used + size > textsCapacity {
                // Bound texts point into `block`: it stays until the next bind.
                retiredTexts.append(block)
                textsCapacity = max(size, 2 * textsCapacity)
                block = UnsafeMutableRawPointer.allocate(byteCount: textsCapacity, alignment: 1)
                texts = block
                used = 0
            }
            let start = block + used
            used += size
            let uuid = size == 36 && offset < kidOnly.count && kidOnly[offset]
            let code: Int32
            // SQLITE_STATIC (no destructor): the block outlives these bindings (see `texts`). A UUID text
            // for a parameter the SQL passes to `kid` only goes in as the 16 bytes `kid` makes of it
            // (`KidParameters`): `kid` hands a blob on as it is, no parse and no copy per run.
            if uuid,
                text.withUTF8({ UUIDBytes.parse($0.baseAddress!, into: start.assumingMemoryBound(to: UInt8.self)) })
            {
                code = sqlite3_bind_blob64(raw, Int32(offset + 1), start, 16, nil)
            } else {
                text.withUTF8 { bytes in
                    if let base = bytes.baseAddress { start.copyMemory(from: base, byteCount: bytes.count) }
                }
                code = sqlite3_bind_text64(
                    raw, Int32(offset + 1), start.assumingMemoryBound(to: CChar.self), UInt64(size), nil,
                    UInt8(SQLITE_UTF8))
            }
            guard code == SQLITE_OK else { throw SQLiteError(db: handle.raw, resultCode: code, sql: sql) }
        }
    }

    /// Resets the statement and binds Swift values.
    public func bind(_ values: any SQLBindable...) throws(SQLiteError) {
        try bind(values.map(\.sqlValue))
    }

    /// Binds one parameter (1-based, as in the C API).
    public func bind(_ value: SQLValue, at index: Int32) throws(SQLiteError) {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(raw, index)
        case .integer(let integer):
            code = sqlite3_bind_int64(raw, index, integer)
        case .real(let real):
            code = sqlite3_bind_double(raw, index, real)
        case .text(let text):
            // Length-delimited so embedded NULs survive; SQLITE_TRANSIENT makes SQLite copy.
            var text = text
            code = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    // An empty string may have no storage; a NULL pointer would bind NULL.
                    sqlite3_bind_text64(
                        raw, index, chars.baseAddress ?? emptyCString, UInt64(chars.count), csqlite_transient(),
                        UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            if bytes.isEmpty {
                // A NULL pointer would bind NULL; a zero-length zeroblob is an empty BLOB.
                code = sqlite3_bind_zeroblob(raw, index, 0)
            } else {
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob64(raw, index, buffer.baseAddress, UInt64(buffer.count), csqlite_transient())
                }
            }
        }
        guard code == SQLITE_OK else { throw SQLiteError(db: handle.raw, resultCode: code, sql: sql) }
    }

    /// Advances to the next row: `true` when a row is available, `false` when done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(db: handle.raw, resultCode: code, sql: sql)
            sqlite3_reset(raw)
            throw error
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        sqlite3_reset(raw)
    }

    /// The current row (valid after `step()` returned `true`).
    public var row: Row {
        let layout = currentLayout()
        var values: [SQLValue] = []
        values.reserveCapacity(layout.names.count)
        for column in 0..<Int32(layout.names.count) { values.append(value(at: column)) }
        return Row(columnLayout: layout, values: values)
    }

    /// A column of the current row read in place (valid until the next step or reset).
    public enum ColumnRef {
        case null
        case integer(Int64)
        case real(Double)
        case text(UnsafeBufferPointer<UInt8>)
        case blob(UnsafeRawBufferPointer)
    }

    /// The number of columns of the result.
    public var columnCount: Int { Int(sqlite3_column_count(raw)) }

    /// The column at `column` (0-based) of the current row, without copying text or blobs.
    public func column(at column: Int32) -> ColumnRef {
        switch sqlite3_column_type(raw, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(raw, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(raw, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(raw, column) else {
                return .text(UnsafeBufferPointer(start: nil, count: 0))
            }
            return .text(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(raw, column))))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(raw, column))
            return .blob(
                UnsafeRawBufferPointer(start: count > 0 ? sqlite3_column_blob(raw, column) : nil, count: count))
        default:
            return .null
        }
    }

    /// Steps and returns the next row, or `nil` when done.
    public func next() throws(SQLiteError) -> Row? {
        try step() ? row : nil
    }

    /// Steps to the end and returns every remaining row.
    public func rows() throws(SQLiteError) -> [Row] {
        var rows: [Row] = []
        while let row = try next() { rows.append(row) }
        return rows
    }

    /// Steps to the end ignoring rows, and returns the number of rows changed.
    @discardableResult
    public func run() throws(SQLiteError) -> Int {
        while try step() {}
        return Int(sqlite3_changes64(handle.raw))
    }

    private func currentLayout() -> ColumnLayout {
        let prepares = sqlite3_stmt_status(raw, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let layout, prepares == layoutPrepareCount { return layout }
        layoutPrepareCount = prepares
        let count = sqlite3_column_count(raw)
        let names = (0..<count).map { String(cString: sqlite3_column_name(raw, $0)) }
        let made = ColumnLayout(names)
        layout = made
        return made
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(raw, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(raw, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(raw, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(raw, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(raw, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(raw, column))
            guard count > 0, let bytes = sqlite3_column_blob(raw, column) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }
}

/// A valid pointer for zero-length text binds.
private nonisolated(unsafe) let emptyCString: UnsafePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return UnsafePointer(pointer)
}()
