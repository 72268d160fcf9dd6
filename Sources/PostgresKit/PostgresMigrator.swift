/// Applies named migrations in registration order, each exactly once, with several instances
/// starting at the same time.
///
/// The whole run holds a session advisory lock (`migrationLock`), so a second instance waits
/// for the first and then finds everything applied. Each migration runs in one transaction
/// together with its row in `schema_migrations(name, applied_at)` (the same table as on SQLite);
/// PostgreSQL's DDL is transactional, so a failing migration leaves nothing behind. A database
/// that records a migration this build does not know was written by a newer build and is refused.
public struct PostgresMigrator {
    /// One named schema change.
    public struct Migration {
        public let name: String
        public let body: (PostgresConnection) throws -> Void
    }

    /// The advisory lock every instance's migrations run under ("kandas-migrations").
    public static let migrationLock = AdvisoryLockKey(name: "kandas-migrations")

    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Adds a migration after the ones already registered. Names must be unique.
    public mutating func register(_ name: String, _ body: @escaping (PostgresConnection) throws -> Void) {
        migrations.append(Migration(name: name, body: body))
    }

    /// Applies every migration not yet recorded; returns the names applied now, in order.
    ///
    /// - Throws: `.unknownMigration` when the database records names this build does not
    ///   register; `.misuse` for duplicate names; otherwise the failing migration's error (with
    ///   everything it did rolled back).
    @discardableResult
    public func migrate(_ db: PostgresConnection) throws -> [String] {
        let names = migrations.map(\.name)
        guard Set(names).count == names.count else {
            throw PostgresError.misuse("duplicate migration names registered: \(names)")
        }
        return try db.withAdvisoryLock(Self.migrationLock) {
            try db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations(name text PRIMARY KEY, applied_at text NOT NULL)")
            let recorded = try db.query("SELECT name FROM schema_migrations ORDER BY name").map {
                try $0.string("name")
            }
            let unknown = recorded.filter { !names.contains($0) }
            guard unknown.isEmpty else { throw PostgresError.unknownMigrations(unknown) }
            var applied: [String] = []
            for migration in migrations where !recorded.contains(migration.name) {
                try db.transaction {
                    try migration.body(db)
                    try db.run(
                        "INSERT INTO schema_migrations(name, applied_at) "
                            + "VALUES ($1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))",
                        migration.name)
                }
                applied.append(migration.name)
            }
            // Cached plans of statements over the changed tables would fail ("cached plan must not change result type").
            if !applied.isEmpty { try db.clearStatementCache() }
            return applied
        }
    }
}
