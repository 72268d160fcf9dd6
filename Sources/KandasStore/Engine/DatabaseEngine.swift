/// The database-engine interface of the store layer: the only way the store reaches a database.
///
/// The store (``KandasStore`` and the domain stores built on it) is written against four small
/// pieces, and an engine supplies them:
///
/// - ``DatabaseEngine``: the shared, `Sendable` entry point: runs a closure on a connection inside
///   a read transaction (one consistent snapshot) or a write transaction (serialised, committed on
///   return, rolled back on throw), applies ``StoreMigration``s, closes.
/// - ``DatabaseConnection``: one connection, confined to the thread the engine runs the closure on
///   (not `Sendable`; never keep it past the closure): statements, nested transactions (savepoints).
/// - ``PreparedStatement``: one prepared statement with typed binds (``DatabaseValue``,
///   ``DatabaseBindable``) and row reads (``DatabaseRow``), for streaming large results.
/// - ``SQLDialect``: everything whose *text* differs between engines (placeholders, DDL, upserts,
///   date arithmetic, the creation-order column, JSON functions), in one value per engine.
///
/// Rules every engine and every query follow:
///
/// - Store SQL is written once, in the subset SQLite and PostgreSQL both accept, with `?`
///   placeholders. An engine whose placeholders differ (`$1`, `$2`, … in PostgreSQL) rewrites them
///   when it prepares (``SQLDialect/numberPlaceholders(_:)``). Text that cannot be shared comes
///   from the connection's ``DatabaseConnection/dialect``, never from an `if engine == …`.
/// - Identifiers (tables, columns, sort keys) are constants of the store, never input; values are
///   always bound.
/// - Blocking calls never run on Swift's cooperative pool: the `async` entry points hop to the
///   engine's own threads (SQLiteKit: a serial queue per connection; libpq: a thread per
///   connection) and suspend the caller. The `Sync` variants block the calling thread and are for
///   threads that may block (the HTTP engine's handler threads, commands).
/// - Errors are ``DatabaseError`` (mapped from the engine's codes); errors thrown by the closure
///   pass through unchanged and roll the transaction back.
///
/// SQLite is the first implementation (``SQLiteEngine``, over SQLiteKit). A second engine
/// implements these protocols in its own module (the only module that imports its C library),
/// supplies its dialect and its schema's migrations, and is chosen where the app opens its store.
public protocol DatabaseEngine: Sendable {
    /// The SQL text this engine's connections speak.
    var dialect: any SQLDialect { get }

    /// Runs `body` in a read-only transaction on one consistent snapshot, off the cooperative pool.
    func read<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T

    /// Runs `body` in a write transaction (writers are serialised; the transaction takes its write
    /// lock up front, so it never fails half-way on lock upgrade), off the cooperative pool.
    /// Commits when `body` returns, rolls back when it throws.
    @discardableResult
    func write<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T

    /// Blocking ``read(_:)`` for threads that may block (never from a Swift task).
    func readSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T

    /// ``readSync(_:)`` only when it need not wait for a connection, and on an engine whose reads
    /// are local (no network round trip); nil, without running `body`, otherwise. For a thread
    /// that must not block long (an HTTP event loop answering a cheap request itself).
    func readSyncIfFree<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T?

    /// ``readSyncIfFree(_:)`` for a caller that remembers its answers: `remembered` runs first, on
    /// the free reader outside any transaction, with the reader's ``ContentStamp`` now (one cheap
    /// statement), and its answer, when not nil, is the result; otherwise `body` runs in a read
    /// transaction with the stamp of that transaction's snapshot. An answer remembered with a stamp
    /// is still the answer when `remembered` is given an equal one: nothing was committed between.
    func readSyncIfFree<T>(
        remembered: (ContentStamp) -> T?, _ body: (any DatabaseConnection, ContentStamp) throws -> T
    ) throws -> T?

    /// Blocking ``write(_:)`` for threads that may block (never from a Swift task).
    ///
    /// - Throws: ``DatabaseError/Kind/misuse`` when called from inside a write of the same engine
    ///   (that would deadlock; use the connection the outer closure was given).
    @discardableResult
    func writeSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T

    /// Applies every migration the database has not recorded yet, each in its own transaction
    /// together with its record; returns the names applied now, in order.
    ///
    /// - Throws: ``DatabaseError/Kind/unknownMigration`` when the database records names that
    ///   `migrations` lacks (a newer build wrote it); otherwise the failing migration's error,
    ///   with everything it did rolled back.
    @discardableResult
    func migrate(_ migrations: [StoreMigration]) throws -> [String]

    /// Writes a consistent copy of the database to `destination` while writes go on.
    ///
    /// - Throws: ``DatabaseError/Kind/misuse`` for engines whose backups are made by their own
    ///   tools (PostgreSQL: `pg_dump`/base backups), which say so in their message.
    func backup(to destination: String) throws

    /// Closes every connection once its current work is done; later calls throw
    /// ``DatabaseError/Kind/closed``.
    func close()
}

/// One connection, handed to an engine closure: confined to that closure's thread and lifetime.
public protocol DatabaseConnection: AnyObject {
    /// The SQL text this connection speaks.
    var dialect: any SQLDialect { get }

    /// A prepared statement (engines cache them per connection; finish with it before asking for
    /// the same SQL again). Parameters are `?` (see ``SQLDialect/numberPlaceholders(_:)``).
    func prepare(_ sql: String) throws(DatabaseError) -> any PreparedStatement

    /// Runs one or more `;`-separated statements without parameters (DDL, settings).
    func execute(_ script: String) throws(DatabaseError)

    /// All rows of a query with `values` bound in order.
    func query(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow]

    /// The first row of a query, or `nil`; stops reading after it.
    func queryOne(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> DatabaseRow?

    /// Runs one statement; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> Int

    /// Runs a write whose row count nobody needs. An engine may send it without waiting for the
    /// answer (PostgreSQL: libpq's pipeline mode, a round trip saved); its error then surfaces at
    /// the next statement or at COMMIT and fails the transaction. Only for writes whose failure
    /// fails the whole transaction anyway, never for one whose error is caught and handled.
    func runDeferred(_ sql: String, values: [DatabaseValue]) throws(DatabaseError)

    /// ``run(_:values:)`` with Swift values, each bound as its ``DatabaseBindable/databaseValue``:
    /// an engine may bind them without building an array of ``DatabaseValue`` first (the variadic
    /// `run`, `runDeferred` and `queryOne` below come here; the defaults map to `values:`).
    @discardableResult
    func run(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> Int

    /// ``runDeferred(_:values:)`` with Swift values (see ``run(_:bindables:)``).
    func runDeferred(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError)

    /// ``queryOne(_:values:)`` with Swift values (see ``run(_:bindables:)``).
    func queryOne(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> DatabaseRow?

    /// Runs `body` atomically: a transaction when none is open, else a savepoint, so an inner
    /// failure undoes only the inner work. The body's error is rethrown (it wins over a failed
    /// rollback).
    func transaction<T>(_ body: () throws -> T) throws -> T

    /// `true` while a transaction is open.
    var isInTransaction: Bool { get }
}

/// One prepared statement: bind, then read rows one at a time (large results) or run it.
public protocol PreparedStatement: AnyObject {
    /// The SQL it was prepared from (with `?` placeholders).
    var sql: String { get }
    /// Resets the statement and binds all parameters at once.
    ///
    /// - Throws: ``DatabaseError/Kind/misuse`` when the count differs from the parameters.
    func bind(_ values: [DatabaseValue]) throws(DatabaseError)
    /// The next row, or `nil` when done.
    func next() throws(DatabaseError) -> DatabaseRow?
    /// Runs to the end ignoring rows; returns the number of rows changed.
    @discardableResult
    func run() throws(DatabaseError) -> Int
    /// Rewinds so it can run again; bindings are kept.
    func reset()
    /// Steps through the remaining rows, handing each to `body` as its columns read in place
    /// (valid only during the call): no ``DatabaseRow`` per row. Engines without an in-place
    /// reader use ``forEachRowCopying(_:)``.
    func forEachRow(_ body: (ColumnValues) throws -> Void) throws
}

extension PreparedStatement {
    public func forEachRow(_ body: (ColumnValues) throws -> Void) throws { try forEachRowCopying(body) }
}

extension PreparedStatement {
    /// Every remaining row.
    public func rows() throws(DatabaseError) -> [DatabaseRow] {
        var rows: [DatabaseRow] = []
        while let row = try next() { rows.append(row) }
        return rows
    }
}

extension DatabaseConnection {
    /// At once, like `run` (SQLite: a call, no round trip to save).
    public func runDeferred(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) {
        _ = try run(sql, values: values)
    }

    @discardableResult
    public func run(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> Int {
        try run(sql, values: bindables.map { $0.databaseValue })
    }

    public func runDeferred(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) {
        try runDeferred(sql, values: bindables.map { $0.databaseValue })
    }

    public func queryOne(_ sql: String, bindables: [any DatabaseBindable]) throws(DatabaseError) -> DatabaseRow? {
        try queryOne(sql, values: bindables.map { $0.databaseValue })
    }

    /// `runDeferred` with Swift values bound.
    public func runDeferred(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) {
        try runDeferred(sql, bindables: values)
    }

    /// Runs one statement with Swift values bound; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) -> Int {
        try run(sql, bindables: values)
    }

    /// Runs one statement with an array of Swift values bound.
    @discardableResult
    public func run(_ sql: String, _ values: [any DatabaseBindable]) throws(DatabaseError) -> Int {
        try run(sql, bindables: values)
    }

    /// All rows of a query with Swift values bound.
    public func query(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) -> [DatabaseRow] {
        try query(sql, values: values.map(\.databaseValue))
    }

    /// All rows of a query with an array of Swift values bound.
    public func query(_ sql: String, _ values: [any DatabaseBindable]) throws(DatabaseError) -> [DatabaseRow] {
        try query(sql, values: values.map(\.databaseValue))
    }

    /// The first row of a query with Swift values bound, or `nil`.
    public func queryOne(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) -> DatabaseRow? {
        try queryOne(sql, bindables: values)
    }

    /// The first row of a query with an array of Swift values bound, or `nil`.
    public func queryOne(_ sql: String, _ values: [any DatabaseBindable]) throws(DatabaseError) -> DatabaseRow? {
        try queryOne(sql, bindables: values)
    }

    /// The first column of the first row; `.null` when there is no row.
    public func scalar(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) -> DatabaseValue {
        try queryOne(sql, bindables: values)?[0] ?? .null
    }

    /// The first column of the first row with `DatabaseValue`s bound; `.null` when there is no row.
    public func scalar(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> DatabaseValue {
        try queryOne(sql, values: values)?[0] ?? .null
    }

    /// `true` when the query returns at least one row.
    public func exists(_ sql: String, _ values: any DatabaseBindable...) throws(DatabaseError) -> Bool {
        try queryOne(sql, bindables: values) != nil
    }

    /// `true` when the query with `DatabaseValue`s bound returns at least one row.
    public func exists(_ sql: String, values: [DatabaseValue]) throws(DatabaseError) -> Bool {
        try queryOne(sql, values: values) != nil
    }
}

/// One named schema change, applied once per database, in registration order.
///
/// The body speaks through the connection, so a migration that both engines share (data moves,
/// backfills) is written once; DDL comes from the engine's schema (``SQLDialect/name`` picks it),
/// because types, `STRICT`, identity columns and partial-index syntax differ.
public struct StoreMigration: Sendable {
    public let name: String
    /// The migration rebuilds tables (create new, copy, drop old, rename): foreign key
    /// enforcement is switched off around it where the engine needs that (SQLite), and the keys
    /// are checked before it commits.
    public let rebuildsTables: Bool
    public let body: @Sendable (any DatabaseConnection) throws -> Void

    public init(
        _ name: String, rebuildsTables: Bool = false,
        _ body: @escaping @Sendable (any DatabaseConnection) throws -> Void
    ) {
        self.name = name
        self.rebuildsTables = rebuildsTables
        self.body = body
    }
}

extension DatabaseEngine {
    /// Engines whose reads cross the network never answer without waiting.
    public func readSyncIfFree<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T? { nil }

    /// Engines whose reads cross the network never answer without waiting.
    public func readSyncIfFree<T>(
        remembered: (ContentStamp) -> T?, _ body: (any DatabaseConnection, ContentStamp) throws -> T
    ) throws -> T? { nil }
}

/// The content of the database as one reader saw it (``DatabaseEngine/readSyncIfFree(remembered:_:)``):
/// two stamps are equal only when taken on the same reader connection with no transaction committed
/// in between, by any connection of any process. (SQLite: the reader's serial number and its
/// `PRAGMA data_version`; pool readers never write, so every commit is another connection's.)
public struct ContentStamp: Hashable, Sendable {
    public var reader: UInt64
    public var version: Int64

    public init(reader: UInt64, version: Int64) {
        self.reader = reader
        self.version = version
    }
}
