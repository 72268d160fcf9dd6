internal import CPostgres
import Glibc
import RowKit

/// One libpq connection to a PostgreSQL server.
///
/// Not `Sendable`: a connection is used by one thread (or serial queue) at a time, and every call
/// blocks that thread until the server answers. Share connections across threads and tasks with
/// `PostgresPool`, which keeps each on its own serial queue, off Swift's cooperative pool.
///
/// Statements run through the extended protocol as named prepared statements, cached per
/// connection by SQL text and parameter types. Integers, doubles, booleans and `bytea` are bound
/// in binary with their type; text is bound with type "unknown" so the server reads it as the
/// context wants. Results come back in text format and are decoded by column type
/// (see `PostgresValue`).
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/15/libpq-exec.html>
public final class PostgresConnection {
    /// Settings applied to every new connection.
    public struct Options: Sendable {
        /// `application_name`, shown in `pg_stat_activity`.
        public var applicationName = "kandas"
        /// Prepared statements kept per connection before the cache is emptied.
        public var statementCacheCapacity = 256
        /// `idle_in_transaction_session_timeout` in seconds (0 = off): the server ends a session
        /// that holds a transaction open this long, freeing its locks if this process hangs.
        public var idleInTransactionTimeoutSeconds = 60
        /// `statement_timeout` in seconds (0 = off).
        public var statementTimeoutSeconds = 0
        /// BENCHMARKS ONLY: append every committed write transaction to this file as SQL with its
        /// values filled in (see `PostgresWriteTrace`; the file holds the stored data).
        public var writeTracePath: String?

        public init() {}
    }

    let raw: OpaquePointer
    /// The URL it was opened with (`description` hides the password).
    public let url: PostgresURL
    let options: Options
    private var statementNames: [String: String] = [:]
    /// Statements sent in pipeline mode whose answers are not read yet (`runDeferred`), with the
    /// cache key of the ones that prepare a statement.
    var pipelined: [(sql: String, preparedKey: String?)] = []
    private var statementCounter = 0
    var savepointDepth = 0
    /// Statements to run right before the current transaction's COMMIT, in order.
    var commitHooks: [() throws -> Void] = []
    /// Set when `Options.writeTracePath` is.
    let trace: PostgresWriteTrace?

    /// Connects and applies `options`.
    ///
    /// - Throws: `PostgresError` of kind `.connection` with libpq's reason (never the password).
    public init(url: PostgresURL, options: Options = .init()) throws(PostgresError) {
        let pairs = url.connectionKeywords(applicationName: options.applicationName)
        let conn = Self.connect(pairs)
        guard let conn else {
            throw PostgresError(kind: .connection, message: "cannot connect to \(url.redacted): out of memory")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let reason = PostgresError.scrub(String(cString: PQerrorMessage(conn)), secret: url.password)
            PQfinish(conn)
            throw PostgresError(kind: .connection, message: "cannot connect to \(url.redacted): \(reason)")
        }
        cpostgres_silence_notices(conn)
        self.raw = conn
        self.url = url
        self.options = options
        do {
            trace = try options.writeTracePath.map { path throws(PostgresError) in try PostgresWriteTrace(path: path) }
        } catch {
            PQfinish(conn)
            throw error
        }
        var settings = ["SET TIME ZONE 'UTC'"]
        settings.append(
            "SET idle_in_transaction_session_timeout = \(max(0, options.idleInTransactionTimeoutSeconds) * 1000)")
        settings.append("SET statement_timeout = \(max(0, options.statementTimeoutSeconds) * 1000)")
        try execute(settings.joined(separator: "; "))
    }

    /// Connects with connection keywords (libpq copies the strings before returning).
    private static func connect(_ pairs: [(String, String)]) -> OpaquePointer? {
        // All strings NUL-terminated in one buffer; the pointer arrays point into it.
        var storage: [CChar] = []
        var keywordOffsets: [Int] = []
        var valueOffsets: [Int] = []
        for (keyword, value) in pairs {
            keywordOffsets.append(storage.count)
            storage += keyword.utf8CString
            valueOffsets.append(storage.count)
            storage += value.utf8CString
        }
        return storage.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let keywords: [UnsafePointer<CChar>?] = keywordOffsets.map { base + $0 } + [nil]
            let values: [UnsafePointer<CChar>?] = valueOffsets.map { base + $0 } + [nil]
            return PQconnectdbParams(keywords, values, 0)
        }
    }

    deinit { PQfinish(raw) }

    // MARK: State

    /// `true` once the connection is lost (the server went away); a pool drops such a connection.
    public var isBroken: Bool { PQstatus(raw) != CONNECTION_OK }
    /// The connection's socket (-1 once libpq closed it), for ``peerClosed(socket:)``.
    public var socket: Int32 { PQsocket(raw) }

    /// Whether the server closed the socket `fd` (its backend was terminated or the server went
    /// away) or the network broke it, seen without reading from it: one `poll` with no wait, so
    /// it may be asked from any thread while the connection sits idle holding session locks.
    public static func peerClosed(socket fd: Int32) -> Bool {
        guard fd >= 0 else { return true }
        let peerHungUp: Int16 = 0x2000  // POLLRDHUP (Linux)
        var entry = pollfd(fd: fd, events: peerHungUp, revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        return entry.revents & (peerHungUp | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)) != 0
    }

    /// `true` while a transaction is open (also when it failed and waits for ROLLBACK).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(raw)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }
    /// The server process serving this connection (`pg_backend_pid()`), for `pg_stat_activity` and `pg_locks`.
    public var backendPID: Int32 { PQbackendPID(raw) }
    /// The server's version number, e.g. 150018 for 15.18.
    public var serverVersion: Int32 { PQserverVersion(raw) }

    // MARK: Statements

    /// Runs one or more `;`-separated statements without parameters (schema, `SET`) with the simple protocol.
    public func execute(_ sql: String) throws(PostgresError) {
        try endPipeline()
        let result = PQexec(raw, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
        if let trace, isInTransaction, !sql.hasPrefix("BEGIN") {
            trace.statement(sql, values: [], inTransaction: true)
        }
    }

    /// Runs one statement; returns the number of rows it inserted, updated or deleted.
    @discardableResult
    public func run(_ sql: String, _ values: any PostgresBindable...) throws(PostgresError) -> Int {
        try run(sql, values: values.map(\.postgresValue))
    }

    /// Runs one statement with an array of values bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [any PostgresBindable]) throws(PostgresError) -> Int {
        try run(sql, values: values.map(\.postgresValue))
    }

    /// Runs one statement with `PostgresValue`s bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, values: [PostgresValue]) throws(PostgresError) -> Int {
        let result = try executePrepared(sql, values)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// All rows of a query.
    public func query(_ sql: String, _ values: any PostgresBindable...) throws(PostgresError) -> [PostgresRow] {
        try query(sql, values: values.map(\.postgresValue))
    }

    /// All rows of a query with an array of values bound.
    public func query(_ sql: String, _ values: [any PostgresBindable]) throws(PostgresError) -> [PostgresRow] {
        try query(sql, values: values.map(\.postgresValue))
    }

    /// All rows of a query with `PostgresValue`s bound.
    public func query(_ sql: String, values: [PostgresValue]) throws(PostgresError) -> [PostgresRow] {
        let result = try executePrepared(sql, values)
        defer { PQclear(result) }
        return Self.rows(of: result)
    }

    /// The first row of a query, or `nil`.
    public func queryOne(_ sql: String, _ values: any PostgresBindable...) throws(PostgresError) -> PostgresRow? {
        try query(sql, values: values.map(\.postgresValue)).first
    }

    /// The first row of a query with `PostgresValue`s bound, or `nil`.
    public func queryOne(_ sql: String, values: [PostgresValue]) throws(PostgresError) -> PostgresRow? {
        try query(sql, values: values).first
    }

    /// The first column of the first row, `.null` when there is no row.
    public func scalar(_ sql: String, _ values: any PostgresBindable...) throws(PostgresError) -> PostgresValue {
        try query(sql, values: values.map(\.postgresValue)).first?[0] ?? .null
    }

    /// `true` when the query returns at least one row.
    public func exists(_ sql: String, _ values: any PostgresBindable...) throws(PostgresError) -> Bool {
        try !query(sql, values: values.map(\.postgresValue)).isEmpty
    }

    /// Forgets every prepared statement (after a schema change that alters a cached statement's result).
    public func clearStatementCache() throws(PostgresError) {
        try endPipeline()
        statementNames.removeAll()
        try execute("DEALLOCATE ALL")
    }

    // MARK: Internals

    private func executePrepared(_ sql: String, _ values: [PostgresValue]) throws(PostgresError) -> OpaquePointer {
        if !pipelined.isEmpty {
            // Deferred writes are waiting: this statement joins them, one round trip for all.
            try send(sql, values)
            guard let result = try endPipeline(keepingLast: true) else { throw connectionError(sql: sql) }
            trace?.statement(sql, values: values, inTransaction: isInTransaction)
            return result
        }
        let encoded = try PostgresBinding(values, sql: sql)
        let name = try preparedName(sql, types: encoded.types)
        let result = encoded.withParameters { values, lengths, formats in
            PQexecPrepared(raw, name, Int32(encoded.count), values, lengths, formats, 0)
        }
        do {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        trace?.statement(sql, values: values, inTransaction: isInTransaction)
        return result!
    }

    /// The name of the prepared statement for `sql` with these parameter types, preparing it if new.
    private func preparedName(_ sql: String, types: [UInt32]) throws(PostgresError) -> String {
        switch try preparedLookup(sql, types: types) {
        case .known(let name):
            return name
        case .new(let name, let key):
            let result = types.withUnsafeBufferPointer { buffer in
                PQprepare(raw, name, sql, Int32(types.count), buffer.baseAddress)
            }
            defer { PQclear(result) }
            try check(result, sql: sql)
            statementNames[key] = name
            return name
        }
    }

    enum PreparedLookup {
        case known(String)
        /// Not prepared yet: prepare it under this name, then `remember` it by its key.
        case new(name: String, key: String)
    }

    /// The cached statement for `sql` and `types`, or the name to prepare it under (emptying the
    /// cache first when it is full).
    func preparedLookup(_ sql: String, types: [UInt32]) throws(PostgresError) -> PreparedLookup {
        let key = types.isEmpty ? sql : sql + "\u{0}" + types.map(String.init).joined(separator: ",")
        if let name = statementNames[key] { return .known(name) }
        if statementNames.count >= options.statementCacheCapacity {
            // Not transactional: DEALLOCATE ALL works inside a failed transaction too.
            try clearStatementCache()
        }
        statementCounter += 1
        return .new(name: "k\(statementCounter)", key: key)
    }

    /// Records a statement prepared under `name` (or forgets it, with `nil`, when preparing failed).
    func remember(_ key: String, name: String?) { statementNames[key] = name }

    /// Throws the error a result (or its absence) reports.
    func check(_ result: OpaquePointer?, sql: String?) throws(PostgresError) {
        guard let result else {
            throw connectionError(sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            let state = Self.field(result, "C")
            let primary = Self.field(result, "M")
            let message =
                primary.isEmpty
                ? PostgresError.scrub(String(cString: PQresultErrorMessage(result)), secret: url.password) : primary
            if state.isEmpty || isBroken {
                var error = connectionError(sql: sql)
                if !state.isEmpty { error.sqlState = state }
                if !message.isEmpty { error.message = message }
                throw error
            }
            throw PostgresError(kind: .server, sqlState: state, message: message, sql: sql)
        }
    }

    private func connectionError(sql: String?) -> PostgresError {
        let reason = PostgresError.scrub(String(cString: PQerrorMessage(raw)), secret: url.password)
        return PostgresError(
            kind: .connection, message: reason.isEmpty ? "connection to the database lost" : reason, sql: sql)
    }

    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String {
        guard let pointer = PQresultErrorField(result, Int32(code.value)) else { return "" }
        return String(cString: pointer)
    }

    private static func rows(of result: OpaquePointer) -> [PostgresRow] {
        let columns = Int32(PQnfields(result))
        let count = PQntuples(result)
        var names: [String] = []
        var types: [UInt32] = []
        for column in 0..<columns {
            names.append(String(cString: PQfname(result, column)))
            types.append(PQftype(result, column))
        }
        let layout = ColumnLayout(names)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            var values: [PostgresValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                values.append(PostgresDecoding.decode(text: bytes, type: types[Int(column)]))
            }
            rows.append(PostgresRow(columnLayout: layout, values: values))
        }
        return rows
    }
}
