public import PostgresKit

/// A PostgresKit connection seen through ``DatabaseConnection``: `?` placeholders numbered,
/// values mapped both ways (`bytea` is a blob, a `boolean` reads as 0/1), errors mapped to
/// ``DatabaseError``.
public final class PostgresStoreConnection: DatabaseConnection {
    /// The connection (for PostgreSQL-only work: advisory locks, the feed counter).
    public let connection: PostgresConnection
    public let dialect: any SQLDialect = PostgreSQLDialect()

    public init(_ connection: PostgresConnection) { self.connection = connection }

    public func prepare(_ sql: String) throws(DatabaseError) -> any PreparedStatement {
        PostgresStoreStatement(connection: self, sql: sql)
    }

    public func execute(_ script: String) throws(DatabaseError) {
        do { try connection.execute(script) } catch { throw PostgresEngine.map(error) }
    }

    public func query(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        let rows: [PostgresRow]
        do {
            rows = try connection.query(Self.numbered(sql), values: values.map(Self.value))
        } catch {
            throw PostgresEngine.map(error)
        }
        guard let first = rows.first else { return [] }
        let columns = first.columnLayout
        return rows.map { DatabaseRow(columns: columns, values: $0.values.map(Self.value)) }
    }

    public func queryOne(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> DatabaseRow? {
        try query(sql, values: values).first
    }

    @discardableResult
    public func run(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> Int {
        do {
            return try connection.run(Self.numbered(sql), values: values.map(Self.value))
        } catch {
            throw PostgresEngine.map(error)
        }
    }

    public func runDeferred(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) {
        do {
            try connection.runDeferred(Self.numbered(sql), values: values.map(Self.value))
        } catch {
            throw PostgresEngine.map(error)
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            return try connection.transaction(.readCommitted, body)
        } catch let error as PostgresError {
            throw PostgresEngine.map(error)
        }
    }

    public var isInTransaction: Bool { connection.isInTransaction }

    // MARK: Mapping

    /// Rewritten statements, remembered per process: the store's SQL is a fixed set of constants.
    private static let numberedCache = NumberedSQLCache()

    static func numbered(_ sql: String) -> String { numberedCache.numbered(sql) }

    static func value(_ value: DatabaseValue) -> PostgresValue {
        switch value {
        case .null: .null
        case .integer(let integer): .integer(integer)
        case .real(let real): .real(real)
        case .text(let text): .text(text)
        case .blob(let bytes): .bytes(bytes)
        }
    }

    static func value(_ value: PostgresValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): .integer(integer)
        case .real(let real): .real(real)
        case .text(let text): .text(text)
        case .bytes(let bytes): .blob(bytes)
        case .bool(let flag): .integer(flag ? 1 : 0)
        }
    }
}

/// A statement run when first read (PostgreSQL answers a whole result at once), its rows then
/// handed out one by one.
final class PostgresStoreStatement: PreparedStatement {
    let sql: String
    private let connection: PostgresStoreConnection
    private var values: [DatabaseValue] = []
    private var rows: [DatabaseRow]?
    private var position = 0

    init(connection: PostgresStoreConnection, sql: String) {
        self.connection = connection
        self.sql = sql
    }

    func bind(_ values: [DatabaseValue]) throws(DatabaseError) {
        reset()
        self.values = values
    }

    func next() throws(DatabaseError) -> DatabaseRow? {
        if rows == nil { rows = try connection.query(sql, values: values) }
        guard let rows, position < rows.count else { return nil }
        defer { position += 1 }
        return rows[position]
    }

    @discardableResult
    func run() throws(DatabaseError) -> Int {
        let changed = try connection.run(sql, values: values)
        rows = []
        return changed
    }

    func reset() {
        rows = nil
        position = 0
    }
}
