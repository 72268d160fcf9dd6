import Dispatch
import Glibc
public import PostgresKit
import Synchronization

/// The PostgreSQL implementation of ``DatabaseEngine``, over PostgresKit's pool (libpq, each
/// connection on its own serial queue, so blocking libpq calls never run on the cooperative pool).
///
/// Reads run in `REPEATABLE READ READ ONLY` transactions: one snapshot for the whole closure, as
/// SQLite's WAL readers see. Writes run in `READ COMMITTED` transactions *concurrently*, from every
/// connection of every instance on the database; what SQLite's single writer gave for free is
/// kept explicitly:
/// - **The change feed stays dense and in commit order.** A `changes` row gets a provisional
///   `seq` at INSERT (at or above ``provisionalFeedSeq``, from its own sequence, never visible to
///   another transaction); as the last statements before COMMIT the transaction takes the
///   transaction-level advisory lock ``feedLock`` and renumbers its rows to follow the highest
///   committed `seq`. The lock is held only for that tail and the commit, and PostgreSQL makes a
///   commit visible before it releases the lock, so the next writer numbers after it: a reader
///   whose snapshot shows `seq` n shows every row below n (a pull cursor never skips a row).
///   Transactions that write no feed row never take the lock.
/// - **Read-check-write logic stays correct** through row locks the store takes where it reads
///   what it then checks (``SQLDialect/forUpdate``: the device row at the start of a push, a plan
///   item before its completions change), unique keys as backstops, and ``write(_:)`` running the
///   whole transaction again (up to ``writeAttempts`` times) when it loses a race: a deadlock, a
///   serialization failure or a unique violation (a check-then-insert whose row another
///   transaction committed meanwhile finds that row on the next attempt).
/// - Migrations run under the migrator's session advisory lock, each also under ``writeLock``.
public final class PostgresEngine: DatabaseEngine {
    /// The pool underneath (for PostgreSQL-only work: advisory locks held across an upload, leases).
    public let pool: PostgresPool
    public let dialect: any SQLDialect = PostgreSQLDialect()
    /// The advisory lock every migration takes ("kandas-store-writes").
    public static let writeLock = AdvisoryLockKey(name: "kandas-store-writes")
    /// The transaction-level advisory lock held from numbering a transaction's feed rows to its commit.
    public static let feedLock = AdvisoryLockKey(name: "kandas-store-feed")
    /// The first provisional `changes.seq` (2^62): rows at or above it are the writing transaction's own.
    public static let provisionalFeedSeq: Int64 = 1 << 62
    /// How many times a write transaction runs before a lost race is reported (as `.busy`, 503).
    public static let writeAttempts = 6
    /// Whether the store has a `changes` feed numbered at commit (migration `0022-feed-numbered-at-commit`).
    let numbersFeed = Atomic<Bool>(false)
    /// The connection that holds this instance's ``InstanceLocks`` (leased on first use).
    let lockLease = Mutex<LockHolder?>(nil)

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
        do {
            if !migrations.isEmpty { try migrate(migrations) } else { try detectFeed() }
        } catch {
            pool.close()
            throw error as? DatabaseError ?? DatabaseError(.other, "migration failed: \(error)")
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
        let numbersFeed = numbersFeed.load(ordering: .relaxed)
        do {
            return try await pool.withConnection { connection in
                try Self.inWrite(connection, numbersFeed: numbersFeed, body)
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
            let numbersFeed = numbersFeed.load(ordering: .relaxed)
            return try pool.withConnectionSync { connection in
                try Self.inWrite(connection, numbersFeed: numbersFeed, body)
            }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    private static func inWrite<T>(
        _ connection: PostgresConnection, numbersFeed: Bool, _ body: (any DatabaseConnection) throws -> T
    )
        throws -> T
    {
        var attempt = 1
        while true {
            do {
                return try connection.transaction(.readCommitted) {
                    let value = try body(PostgresStoreConnection(connection))
                    if numbersFeed { try numberFeed(connection) }
                    return value
                }
            } catch  where attempt < writeAttempts && lostRace(error) && !connection.isInTransaction {
                // A short, growing, jittered pause lets the transaction that won finish first.
                usleep(UInt32.random(in: 0...(UInt32(min(attempt, 6)) * 2_000)))
                attempt += 1
            }
        }
    }

    /// A deadlock, serialization failure or unique violation: the transaction lost a race with
    /// another writer and runs again on the state that writer committed.
    static func lostRace(_ error: any Error) -> Bool {
        let underlying = (error as? DatabaseError)?.underlying ?? error
        guard let error = underlying as? PostgresError else { return false }
        return error.isRetryable || error.isUniqueViolation
    }

    /// Gives the transaction's provisional feed rows their final `seq`, after the highest committed
    /// one, under ``feedLock`` (held to the commit). The lock is taken only when there are such
    /// rows, by a statement of its own: the renumbering statement's snapshot is taken after it, so
    /// it sees every row the previous holder committed.
    static func numberFeed(_ connection: PostgresConnection) throws {
        guard
            try connection.queryOne(
                "SELECT pg_advisory_xact_lock($1) FROM (SELECT 1 FROM changes WHERE seq >= $2 LIMIT 1) mine",
                feedLock.value, provisionalFeedSeq) != nil
        else { return }
        try connection.run(
            "UPDATE changes c SET seq = b.base + m.k FROM (SELECT seq AS old, row_number() OVER (ORDER BY seq) AS k"
                + " FROM changes WHERE seq >= $1) m, (SELECT COALESCE(max(seq), 0) AS base FROM changes"
                + " WHERE seq < $1) b WHERE c.seq = m.old", provisionalFeedSeq)
    }

    /// Whether the store numbers its feed at commit (its provisional sequence exists).
    private func detectFeed() throws {
        do {
            let found = try pool.withConnectionSync { connection in
                try connection.queryOne(
                    "SELECT 1 FROM pg_class WHERE relname = 'changes_provisional_seq' AND relkind = 'S'"
                        + " AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")
                    != nil
            }
            numbersFeed.store(found, ordering: .relaxed)
        } catch let error as PostgresError {
            throw Self.map(error)
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
                if try Self.hasProvisionalFeed(connection) { try Self.numberFeed(connection) }
            }
        }
        do {
            let applied = try pool.withConnectionSync { connection in try migrator.migrate(connection) }
            try detectFeed()
            return applied
        } catch let error as PostgresError {
            throw Self.map(error)
        }
    }

    /// Whether the provisional feed sequence exists (inside a migration: it may have just been created).
    private static func hasProvisionalFeed(_ connection: PostgresConnection) throws -> Bool {
        try connection.queryOne("SELECT to_regclass('changes_provisional_seq') IS NOT NULL AS found")?.bool("found")
            ?? false
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
        lockLease.withLock { $0.take() }?.lease.release()
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
