internal import CSQLite

/// One SQLite connection.
///
/// Not `Sendable`: a connection is confined to one thread (or serial queue) at a time, which is
/// why it is opened with `SQLITE_OPEN_NOMUTEX` ("multi-thread" mode: safe as long as no
/// connection is used by two threads at once). Share work across threads with `DatabasePool`.
///
/// Related SQLite documentation: <https://www.sqlite.org/threadsafe.html>
public final class Connection {
    let handle: DatabaseHandle
    /// The path it was opened with (`":memory:"` for an in-memory database).
    public let path: String
    let options: Options
    /// This connection's number, unique in the process (never reused, unlike its address): tells
    /// whose ``dataVersion()`` a remembered number was.
    public let serial: UInt64
    private var statementCache: [StatementKey: Statement] = [:]
    /// The statements last looked up, tried before `statementCache`: a push runs a handful of
    /// statements per event, from SQL constants that `==` matches by identity at once, where the
    /// cache hashed part of every one of them (a percent of a push's CPU). Round-robin replacement.
    private var recent: [(sql: String, statement: Statement)] = []
    private var recentNext = 0
    private static let recentCapacity = 8

    /// A statement's SQL as its cache key, hashed by its length and last 64 bytes: a push's
    /// statements are hundreds of bytes long, and hashing all of them on every run was ~1.5% of a
    /// push's CPU. SQL texts that hash alike are still told apart by `==` on the whole text.
    struct StatementKey: Hashable {
        let sql: String

        func hash(into hasher: inout Hasher) {
            let utf8 = sql.utf8
            hasher.combine(utf8.count)
            let hashedTail: Bool =
                utf8.withContiguousStorageIfAvailable {
                    hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0.suffix(64))))
                    return true
                } ?? false
            if !hashedTail { hasher.combine(sql) }
        }
    }
    var savepointDepth = 0
    /// The file this connection's writes are traced to, if any (kept alive for the trace hook).
    var writeTrace: WriteTrace?

    var raw: OpaquePointer { handle.raw }

    /// Opens (and by default creates) a database and applies `options`.
    ///
    /// - Throws: `SQLiteError` when the file cannot be opened or a pragma cannot be applied
    ///   (e.g. WAL requested but refused).
    public init(path: String, options: Options = .init()) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if options.readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0)
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteError(db: db, resultCode: code, sql: nil)
            sqlite3_close_v2(db)
            throw SQLiteError(
                code: error.code, extendedCode: error.extendedCode, message: "cannot open '\(path)': \(error.message)")
        }
        sqlite3_extended_result_codes(db, 1)
        let milliseconds =
            options.busyTimeout.components.seconds * 1000
            + options.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: milliseconds))
        self.handle = DatabaseHandle(raw: db)
        self.path = path
        self.options = options
        self.serial = connectionSerials.add(1, ordering: .relaxed).newValue
        try configure(options)
    }

    private func configure(_ options: Options) throws(SQLiteError) {
        // Before anything runs SQL: stores keep UUID columns as blobs through these (migrations included).
        try installUUIDFunctions()
        try execute("PRAGMA foreign_keys = \(options.foreignKeys ? "ON" : "OFF")")
        if let mode = options.journalMode, !options.readOnly {
            let applied = try scalar("PRAGMA journal_mode = \(mode.rawValue)")
            // In-memory databases only support MEMORY or OFF; anything else silently stays.
            let inMemory = path == ":memory:" || path.isEmpty
            if !inMemory, applied != .text(mode.rawValue) {
                throw SQLiteError(
                    code: SQLITE_ERROR, message: "journal_mode \(mode.rawValue) not applied (got \(applied))",
                    sql: "PRAGMA journal_mode")
            }
        }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        if options.queryOnly { try execute("PRAGMA query_only = ON") }
        if let store = options.tempStore { try execute("PRAGMA temp_store = \(store.rawValue)") }
        if let pages = options.walAutocheckpointPages, !options.readOnly {
            try execute("PRAGMA wal_autocheckpoint = \(max(0, pages))")
        }
        if let kib = options.cacheSizeKiB {
            guard kib > 0 else { throw .misuse("cacheSizeKiB must be positive, not \(kib)") }
            try execute("PRAGMA cache_size = -\(kib)")
        }
        // Last, so the configuration pragmas above stay out of the trace.
        if let path = options.writeTracePath, !options.readOnly, !options.queryOnly {
            install(try WriteTrace(path: path))
        }
    }

    /// Runs one or more `;`-separated statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(raw, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            var error = SQLiteError(db: raw, resultCode: code, sql: sql)
            if let message { error.message = String(cString: message) }
            throw error
        }
    }

    /// Compiles exactly one statement.
    ///
    /// - Throws: `SQLiteError` for a syntax error, and `.misuse` when `sql` holds no statement or
    ///   more than one (use `execute` for scripts).
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        var tailOffset = 0
        let code = sql.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(raw, start, -1, 0, &statement, &tail)
            if let tail { tailOffset = start.distance(to: tail) }
            return code
        }
        guard code == SQLITE_OK else { throw SQLiteError(db: raw, resultCode: code, sql: sql) }
        guard let statement else { throw .misuse("no SQL statement in text", sql: sql) }
        let prepared = Statement(raw: statement, handle: handle, sql: sql)
        let tail = String(decoding: sql.utf8.dropFirst(tailOffset), as: UTF8.self)
        if !tail.allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            // Only comments may follow; anything that compiles to a statement is refused.
            var extra: OpaquePointer?
            let tailCode = sqlite3_prepare_v2(raw, tail, -1, &extra, nil)
            sqlite3_finalize(extra)
            if tailCode != SQLITE_OK || extra != nil {
                throw .misuse("more than one statement; use execute(_:) for scripts", sql: sql)
            }
        }
        return prepared
    }

    /// A prepared statement from the connection's cache (reset, bindings cleared).
    ///
    /// - Important: the same object is returned for the same SQL, so finish with it before
    ///   asking for the same SQL again.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        let statement = try lookUp(sql)
        statement.reset()
        sqlite3_clear_bindings(statement.raw)
        return statement
    }

    /// The cached statement as it was left: for callers that bind next (`Statement.bind(_:)`
    /// resets it and clears its bindings itself).
    private func lookUp(_ sql: String) throws(SQLiteError) -> Statement {
        for i in recent.indices where recent[i].sql == sql { return recent[i].statement }
        let key = StatementKey(sql: sql)
        let statement: Statement
        if let cached = statementCache[key] {
            statement = cached
        } else {
            statement = try prepare(sql)
            if statementCache.count >= options.statementCacheCapacity { clearStatementCache() }
            statementCache[key] = statement
        }
        if recent.count < Self.recentCapacity {
            recent.append((sql, statement))
        } else {
            recent[recentNext] = (sql, statement)
            recentNext = (recentNext + 1) % Self.recentCapacity
        }
        return statement
    }

    /// Runs one statement with Swift values bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> Int {
        try run(sql, values: values.map(\.sqlValue))
    }

    /// Runs one statement with an array of Swift values bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [any SQLBindable]) throws(SQLiteError) -> Int {
        try run(sql, values: values.map(\.sqlValue))
    }

    /// Runs one statement with `SQLValue`s bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, values: [SQLValue]) throws(SQLiteError) -> Int {
        try run(sql, count: values.count) { values[$0] }
    }

    /// Runs one statement with `count` parameters bound, parameter `i + 1` to `value(i)`
    /// (``Statement/bind(count:_:)``: no array of values per run); returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, count: Int, _ value: (Int) -> SQLValue) throws(SQLiteError) -> Int {
        let statement = try lookUp(sql)
        defer { statement.reset() }
        try statement.bind(count: count, value)
        return try statement.run()
    }

    /// All rows of a query.
    public func query(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> [Row] {
        try query(sql, values: values.map(\.sqlValue))
    }

    /// All rows of a query with an array of Swift values bound.
    public func query(_ sql: String, _ values: [any SQLBindable]) throws(SQLiteError) -> [Row] {
        try query(sql, values: values.map(\.sqlValue))
    }

    /// All rows of a query with `SQLValue`s bound.
    public func query(_ sql: String, values: [SQLValue]) throws(SQLiteError) -> [Row] {
        try query(sql, count: values.count) { values[$0] }
    }

    /// All rows of a query with `count` parameters bound, parameter `i + 1` to `value(i)`.
    public func query(_ sql: String, count: Int, _ value: (Int) -> SQLValue) throws(SQLiteError) -> [Row] {
        let statement = try lookUp(sql)
        defer { statement.reset() }
        try statement.bind(count: count, value)
        return try statement.rows()
    }

    /// The first row of a query, or `nil`; stops stepping after it.
    public func queryOne(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> Row? {
        try queryOne(sql, values: values.map(\.sqlValue))
    }

    /// The first row of a query with an array of Swift values bound, or `nil`.
    public func queryOne(_ sql: String, _ values: [any SQLBindable]) throws(SQLiteError) -> Row? {
        try queryOne(sql, values: values.map(\.sqlValue))
    }

    /// The first row of a query with `SQLValue`s bound, or `nil`.
    public func queryOne(_ sql: String, values: [SQLValue]) throws(SQLiteError) -> Row? {
        try queryOne(sql, count: values.count) { values[$0] }
    }

    /// The first row of a query with `count` parameters bound, parameter `i + 1` to `value(i)`, or `nil`.
    public func queryOne(_ sql: String, count: Int, _ value: (Int) -> SQLValue) throws(SQLiteError) -> Row? {
        let statement = try lookUp(sql)
        defer { statement.reset() }
        try statement.bind(count: count, value)
        return try statement.next()
    }

    /// The first column of the first row, `.null` when there is no row.
    public func scalar(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> SQLValue {
        try queryOne(sql, values: values.map(\.sqlValue))?[0] ?? .null
    }

    /// `true` when the query returns at least one row.
    public func exists(_ sql: String, _ values: any SQLBindable...) throws(SQLiteError) -> Bool {
        try queryOne(sql, values: values.map(\.sqlValue)) != nil
    }

    /// Rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(raw) }
    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(raw)) }
    /// Rows changed since the connection was opened.
    public var totalChanges: Int { Int(sqlite3_total_changes64(raw)) }
    /// `true` while a transaction is open (SQLite is not in autocommit mode).
    public var isInTransaction: Bool { sqlite3_get_autocommit(raw) == 0 }

    /// Drops cached statements (e.g. before a schema change by another connection).
    public func clearStatementCache() {
        statementCache.removeAll()
        recent.removeAll()
        recentNext = 0
    }
}
