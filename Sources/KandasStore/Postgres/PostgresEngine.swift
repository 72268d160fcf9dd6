import Dispatch
public import PostgresKit
import Synchronization

/// The PostgreSQL implementation of ``DatabaseEngine``, over PostgresKit's pool (libpq, each
/// connection on its own serial queue, so blocking libpq calls never run on the cooperative pool).
///
/// Reads run in `REPEATABLE READ READ ONLY` transactions: one snapshot for the whole closure, as
/// SQLite's WAL readers see. Writes run in `READ COMMITTED` transactions that first take one
/// transaction-level advisory lock (``writeLock``), so writes are serialised across *every*
/// instance on the database exactly as SQLite serialises them in one process: read-check-write
/// logic written for SQLite (device sequence checks, once-only completions, idempotency records)
/// stays correct with several instances, and change-feed positions assigned inside a write commit
/// in their order (a later position never becomes visible before an earlier one). The lock is
/// released at COMMIT or ROLLBACK, and by the server if the instance dies.
public final class PostgresEngine: DatabaseEngine {
    /// The pool underneath (for PostgreSQL-only work: advisory locks held across an upload, leases).
    public let pool: PostgresPool
    public let dialect: any SQLDialect = PostgreSQLDialect()
    /// The advisory lock every write transaction takes first ("kandas-store-writes").
    public static let writeLock = AdvisoryLockKey(name: "kandas-store-writes")
    /// The connection that holds this instance's ``InstanceLocks`` (leased on first use).
    let lockLease = Mutex<PostgresLease?>(nil)

    /// Connects (checking the URL and that the server answers) and applies `migrations`.
    /// `writeTracePath` (benchmarks only) appends every committed write transaction to that file as SQL.
    ///
    /// - Throws: ``DatabaseError`` of kind `.busy` when the server cannot be reached (its message
    ///   names the server, never the password), `.other` when it refuses.
    public init(
        url: PostgresURL, connections: Int = 8, migrations: [StoreMigration] = [], writeTracePath: String? = nil
    ) throws(DatabaseError) {
        var options = PostgresConnection.Options()
        options.applicationName = "kandas-server"
        options.writeTracePath = writeTracePath
        do {
            pool = try PostgresPool(url: url, size: connections, options: options)
        } catch {
            throw Self.map(error)
        }
        if !migrations.isEmpty {
            do { try migrate(migrations) } catch {
                pool.close()
                throw error as? DatabaseError ?? DatabaseError(.other, "migration failed: \(error)")
            }
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T {
        do {
            return try await pool.withConnection { connection in
                try connection.transaction(.repeatableRead, readOnly: true) {
                    try body(PostgresStoreConnection(connection))
                }
            }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    @discardableResult
    public func write<T: Sendable>(_ body: @Sendable (any DatabaseConnection) throws -> T) async throws -> T {
        guard !pool.isCurrentThreadInPool else {
            throw DatabaseError(.misuse, "write called from inside a transaction of the same engine")
        }
        do {
            return try await pool.withConnection { connection in
                try Self.inWrite(connection, body)
            }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    public func readSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        do {
            return try pool.withConnectionSync { connection in
                try connection.transaction(.repeatableRead, readOnly: true) {
                    try body(PostgresStoreConnection(connection))
                }
            }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    @discardableResult
    public func writeSync<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T {
        guard !pool.isCurrentThreadInPool else {
            throw DatabaseError(.misuse, "writeSync called from inside a transaction of the same engine")
        }
        do {
            return try pool.withConnectionSync { connection in try Self.inWrite(connection, body) }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    private static func inWrite<T>(
        _ connection: PostgresConnection, _ body: (any DatabaseConnection) throws -> T
    )
        throws -> T
    {
        try connection.transaction(.readCommitted) {
            try connection.advisoryTransactionLock(writeLock)
            return try body(PostgresStoreConnection(connection))
        }
    }

    /// Applies migrations under a session advisory lock, so instances starting together apply
    /// each one once; each runs in its own transaction with its row in `schema_migrations`.
    @discardableResult
    public func migrate(_ migrations: [StoreMigration]) throws -> [String] {
        var migrator = PostgresMigrator()
        for migration in migrations {
            migrator.register(migration.name) { connection in
                try connection.advisoryTransactionLock(Self.writeLock)
                try migration.body(PostgresStoreConnection(connection))
            }
        }
        do {
            return try pool.withConnectionSync { connection in try migrator.migrate(connection) }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    /// PostgreSQL is backed up with its own tools; this engine never writes a home-made dump.
    public func backup(to destination: String) throws {
        throw DatabaseError(.misuse, Self.backupAdvice)
    }

    /// What `backup` says on PostgreSQL.
    public static let backupAdvice =
        "a PostgreSQL store is backed up with PostgreSQL's own tools: pg_dump (a logical copy, e.g. "
        + "pg_dump --format=custom --file=kandas.dump DATABASE_URL) or pg_basebackup (a physical copy for "
        + "point-in-time recovery); the blob folder is backed up separately"

    public func close() {
        lockLease.withLock { $0.take() }?.release()
        pool.close()
    }

    /// The store's name for a PostgreSQL error (an unreachable or lost server is `.busy`: 503, try later).
    public static func map(_ error: PostgresError) -> DatabaseError {
        let kind: DatabaseError.Kind
        switch error.kind {
        case .typeMismatch: kind = .typeMismatch
        case .noSuchColumn: kind = .noSuchColumn
        case .misuse, .invalidURL: kind = .misuse
        case .unknownMigration: kind = .unknownMigration
        case .closed: kind = .closed
        case .connection: kind = .busy
        case .server:
            if error.isUniqueViolation {
                kind = .uniqueViolation
            } else if error.isForeignKeyViolation {
                kind = .foreignKeyViolation
            } else if error.isConstraint {
                kind = .constraint
            } else if error.isRetryable || error.isLockNotAvailable || error.isUnavailable
                || ["53300", "57014"].contains(error.sqlState)
            {
                kind = .busy
            } else if error.sqlState == "53100" {
                kind = .full
            } else {
                kind = .other
            }
        }
        return DatabaseError(kind, error.message, sql: error.sql, underlying: error)
    }
}
