import Dispatch
public import SQLiteKit
import SystemKit

/// The SQLite implementation of ``DatabaseEngine``, over SQLiteKit's `DatabasePool` (one writer,
/// several WAL readers, each connection on its own serial queue, so blocking SQLite calls never
/// run on the cooperative pool).
public final class SQLiteEngine: DatabaseEngine {
    /// The pool underneath (for SQLite-only maintenance: checkpoints, traces, benchmarks).
    public let pool: DatabasePool
    public let dialect: any SQLDialect = SQLiteDialect()
    /// Every read and write looks its adapter up here: a parking lock, not a spinning `Mutex`.
    private let adapters = ParkingLock<[ObjectIdentifier: SQLiteConnectionAdapter]>([:])

    /// Opens (creating) the database at `path` and applies `migrations`.
    public init(
        path: String, readers: Int = 4, options: Connection.Options = .init(), migrations: [StoreMigration] = []
    ) throws(DatabaseError) {
        do {
            pool = try DatabasePool(
                path: path, readers: readers, options: options,
                migrator: migrations.isEmpty ? nil : Self.migrator(migrations))
        } catch {
            throw Self.map(error)
        }
    }

    /// An engine over a pool opened elsewhere (its migrations already applied).
    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// The adapter of a pool connection, made once per connection (its column-name cache lives
    /// as long as the connection).
    func adapter(_ connection: Connection) -> SQLiteConnectionAdapter {
        adapters.withLock { table in
            let key = ObjectIdentifier(connection)
            if let adapter = table[key], adapter.connection === connection { return adapter }
            let adapter = SQLiteConnectionAdapter(connection)
            table[key] = adapter
            return adapter
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T {
        do {
            return try await pool.read { connection in try body(self.adapter(connection)) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    @discardableResult
    public func write<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T {
        do {
            return try await pool.write { connection in try body(self.adapter(connection)) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    public func readSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        do {
            return try pool.readSync { connection in try body(adapter(connection)) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    public func readSyncIfFree<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T? {
        do {
            return try pool.tryReadSync { connection in try body(adapter(connection)) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    public func readSyncIfFree<T>(
        remembered: (ContentStamp) -> T?, _ body: (any DatabaseConnection, ContentStamp) throws -> T
    ) throws -> T? {
        do {
            return try pool.tryWithReader { connection -> T in
                let now = ContentStamp(reader: connection.serial, version: try connection.dataVersion())
                if let answer = remembered(now) { return answer }
                return try connection.transaction(.deferred) {
                    // Read first in the transaction, so it is the version of the snapshot `body` reads.
                    let stamp = ContentStamp(reader: connection.serial, version: try connection.dataVersion())
                    return try body(adapter(connection), stamp)
                }
            }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    @discardableResult
    public func writeSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        do {
            return try pool.writeSync { connection in try body(adapter(connection)) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    @discardableResult
    public func migrate(_ migrations: [StoreMigration]) throws -> [String] {
        let migrator = Self.migrator(migrations)
        do {
            return try pool.withWriter { connection in try migrator.migrate(connection) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    public func backup(to destination: String) throws {
        do {
            try pool.backup(to: destination)
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
    }

    public func close() { pool.close() }

    /// SQLiteKit's migrator running store migrations (each in `BEGIN IMMEDIATE` with its record row).
    public static func migrator(_ migrations: [StoreMigration]) -> Migrator {
        var migrator = Migrator()
        for migration in migrations { migrator.register(migration) }
        return migrator
    }

    /// The store's name for an SQLite error.
    public static func map(_ error: SQLiteError) -> DatabaseError {
        let kind: DatabaseError.Kind
        switch error.kind {
        case .typeMismatch: kind = .typeMismatch
        case .noSuchColumn: kind = .noSuchColumn
        case .misuse: kind = .misuse
        case .unknownMigration: kind = .unknownMigration
        case .closed: kind = .closed
        case .sqlite:
            if error.isBusy {
                kind = .busy
            } else if error.isUniqueViolation {
                kind = .uniqueViolation
            } else if error.isForeignKeyViolation {
                kind = .foreignKeyViolation
            } else if error.isConstraint {
                kind = .constraint
            } else if error.isFull {
                kind = .full
            } else {
                kind = .other
            }
        }
        return DatabaseError(kind, error.message, sql: error.sql, underlying: error)
    }

    static func map(_ error: any Error) -> DatabaseError {
        if let error = error as? DatabaseError { return error }
        if let error = error as? SQLiteError { return map(error) }
        return DatabaseError(.other, String(describing: error))
    }
}

/// A SQLiteKit connection seen through ``DatabaseConnection``.
///
/// `@unchecked Sendable` only so the engine can keep one per pool connection in its table: it is
/// used solely inside the closures the pool runs on that connection's serial queue.
public final class SQLiteConnectionAdapter: DatabaseConnection, @unchecked Sendable {
    /// The connection (for SQLite-only work such as `EXPLAIN QUERY PLAN` guards in tests).
    public let connection: Connection
    public let dialect: any SQLDialect = SQLiteDialect()
    /// Wraps a connection (engines hand out cached adapters; a fresh one is for code that holds
    /// only the connection, such as SQLiteKit migrations).
    public init(_ connection: Connection) {
        self.connection = connection
    }

    /// The row's column layout: SQLiteKit and the store share ``ColumnLayout``, built once per statement.
    func columns(of row: Row) -> DatabaseColumns { row.columnLayout }

    func convert(_ row: Row) -> DatabaseRow {
        DatabaseRow(columns: columns(of: row), values: row.values.map(\.databaseValue))
    }

    public func prepare(_ sql: String) throws(DatabaseError) -> any PreparedStatement {
        do {
            return SQLiteStatementAdapter(try connection.cached(sql), owner: self)
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    public func execute(_ script: String) throws(DatabaseError) {
        do { try connection.execute(script) } catch { throw SQLiteEngine.map(error) }
    }

    public func query(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        do {
            let rows = try connection.query(sql, count: values.count) { values[$0].sqlValue }
            guard let first = rows.first else { return [] }
            let columns = columns(of: first)
            return rows.map { DatabaseRow(columns: columns, values: $0.values.map(\.databaseValue)) }
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    // The values are bound straight from the caller's array or arguments (SQLiteKit's
    // `bind(count:_:)`): converting them into a new array first, twice for the variadic calls,
    // was most of the store layer's own cost per statement.
    public func queryOne(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> DatabaseRow? {
        do {
            return try connection.queryOne(sql, count: values.count) { values[$0].sqlValue }.map(convert)
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    public func queryOne(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> DatabaseRow? {
        do {
            return try connection.queryOne(sql, count: bindables.count) { bindables[$0].databaseValue.sqlValue }.map(
                convert)
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    @discardableResult
    public func run(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> Int {
        do {
            return try connection.run(sql, count: values.count) { values[$0].sqlValue }
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    @discardableResult
    public func run(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> Int {
        do {
            return try connection.run(sql, count: bindables.count) { bindables[$0].databaseValue.sqlValue }
        } catch {
            throw SQLiteEngine.map(error)
        }
    }

    public func runDeferred(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) {
        _ = try run(sql, bindables: bindables)
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            return try connection.transaction(.immediate, body)
        } catch let error as SQLiteError {
            throw SQLiteEngine.map(error)
        }
    }

    public var isInTransaction: Bool { connection.isInTransaction }

    /// A transaction of SQLite's kind (`.deferred` for a read snapshot); savepoint when nested.
    public func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        do {
            return try connection.transaction(kind, body)
        } catch let error as SQLiteError {
            throw SQLiteEngine.map(error)
        }
    }

    /// Runs one statement with SQLiteKit values bound (code that builds them for SQLite directly).
    @discardableResult
    public func run(_ sql: String, _ values: [any SQLBindable]) throws(DatabaseError) -> Int {
        try run(sql, values: values.map { $0.sqlValue.databaseValue })
    }
}

/// A SQLiteKit statement seen through ``PreparedStatement``.
final class SQLiteStatementAdapter: PreparedStatement {
    let statement: Statement
    let owner: SQLiteConnectionAdapter

    init(_ statement: Statement, owner: SQLiteConnectionAdapter) {
        self.statement = statement
        self.owner = owner
    }

    var sql: String { statement.sql }

    func bind(_ values: [DatabaseValue]) throws(DatabaseError) {
        do { try statement.bind(count: values.count) { values[$0].sqlValue } } catch { throw SQLiteEngine.map(error) }
    }

    func next() throws(DatabaseError) -> DatabaseRow? {
        do { return try statement.next().map(owner.convert) } catch { throw SQLiteEngine.map(error) }
    }

    @discardableResult
    func run() throws(DatabaseError) -> Int {
        do { return try statement.run() } catch { throw SQLiteEngine.map(error) }
    }

    func reset() { statement.reset() }

    func forEachRow(_ body: (ColumnValues) throws -> Void) throws {
        let statement = self.statement
        let values = ColumnValues(count: statement.columnCount) { column in
            switch statement.column(at: Int32(column)) {
            case .null: .null
            case .integer(let n): .integer(n)
            case .real(let r): .real(r)
            case .text(let bytes): .text(bytes)
            case .blob(let bytes): .blob(bytes)
            }
        }
        while true {
            let more: Bool
            do { more = try statement.step() } catch { throw SQLiteEngine.map(error) }
            guard more else { return }
            try body(values)
        }
    }
}

extension DatabaseValue {
    /// The SQLiteKit value.
    var sqlValue: SQLValue {
        switch self {
        case .null: .null
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .text(let value): .text(value)
        case .blob(let value): .blob(value)
        }
    }
}

extension SQLValue {
    /// The engine-neutral value.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): .integer(value)
        case .real(let value): .real(value)
        case .text(let value): .text(value)
        case .blob(let value): .blob(value)
        }
    }
}

extension SQLiteError {
    /// Disk full (`SQLITE_FULL`).
    var isFull: Bool { code == 13 }
}

extension Migrator {
    /// Registers a store migration (its body sees the connection through ``DatabaseConnection``).
    public mutating func register(_ migration: StoreMigration) {
        let body: (Connection) throws -> Void = { connection in
            do {
                try migration.body(SQLiteConnectionAdapter(connection))
            } catch let error as DatabaseError {
                // Back to SQLite's own error, so the migrator's callers see one error type.
                if let underlying = error.underlying as? SQLiteError { throw underlying }
                throw error
            }
        }
        if migration.rebuildsTables {
            registerRebuild(migration.name, body)
        } else {
            register(migration.name, body)
        }
    }
}

extension SQLiteEngine {
    /// SQLite's process-wide soft heap limit in bytes (0: none); set once at start.
    public static var softHeapLimit: Int64 {
        get { SQLiteMemory.softHeapLimit }
        set { SQLiteMemory.softHeapLimit = newValue }
    }
}
