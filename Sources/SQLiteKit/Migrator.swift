/// One named schema change.
public struct Migration {
    public let name: String
    public let body: (Connection) throws -> Void
    /// Runs with `PRAGMA foreign_keys = OFF` (set outside the transaction, as SQLite requires),
    /// for the table rebuilds of <https://www.sqlite.org/lang_altertable.html#otheralter>;
    /// `foreign_key_check` still runs before the commit.
    public let rebuildsTables: Bool

    public init(name: String, rebuildsTables: Bool = false, body: @escaping (Connection) throws -> Void) {
        self.name = name
        self.body = body
        self.rebuildsTables = rebuildsTables
    }
}

/// Applies named migrations in registration order, each exactly once.
///
/// Applied names are recorded in `schema_migrations(name TEXT PRIMARY KEY, applied_at TEXT)
/// STRICT`. Each migration runs in one `BEGIN IMMEDIATE` transaction together with its record
/// row, and foreign keys are checked before it commits, so a failing migration leaves nothing
/// behind. A database that records a migration this build does not know was written by a newer
/// build: it is refused rather than silently run by older code (no downgrades).
///
/// ```swift
/// var migrator = Migrator()
/// migrator.register("001-devices") { db in try db.execute("CREATE TABLE devices(...) STRICT") }
/// try migrator.migrate(db)
/// ```
public struct Migrator {
    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Adds a migration after the ones already registered. Names must be unique.
    public mutating func register(_ name: String, _ body: @escaping (Connection) throws -> Void) {
        migrations.append(Migration(name: name, body: body))
    }

    /// Adds a migration that rebuilds tables (create new, copy, drop old, rename), run with
    /// foreign keys off so dropping a parent table does not touch its children.
    public mutating func registerRebuild(_ name: String, _ body: @escaping (Connection) throws -> Void) {
        migrations.append(Migration(name: name, rebuildsTables: true, body: body))
    }

    /// Applies every migration not yet recorded; returns the names applied now, in order.
    ///
    /// - Throws: `SQLiteError.Kind.unknownMigration` when the database records names this build
    ///   does not register; `.misuse` for duplicate registered names; otherwise the failing
    ///   migration's error (with everything it did rolled back).
    @discardableResult
    public func migrate(_ db: Connection) throws -> [String] {
        let names = migrations.map(\.name)
        if Set(names).count != names.count {
            throw SQLiteError.misuse("duplicate migration names registered: \(names)")
        }
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT")
        let recorded = try db.query("SELECT name FROM schema_migrations ORDER BY name").map { try $0.string("name") }
        let unknown = recorded.filter { !names.contains($0) }
        guard unknown.isEmpty else {
            throw SQLiteError.unknownMigrations(unknown)
        }
        var applied: [String] = []
        for migration in migrations where !recorded.contains(migration.name) {
            let foreignKeysOn = try db.queryOne("PRAGMA foreign_keys")?[0] == .integer(1)
            let restoreForeignKeys = migration.rebuildsTables && foreignKeysOn
            if migration.rebuildsTables { try db.execute("PRAGMA foreign_keys = OFF") }
            defer {
                if restoreForeignKeys { try? db.execute("PRAGMA foreign_keys = ON") }
            }
            let ran = try db.transaction(.immediate) { () throws -> Bool in
                // Another process may have applied it since we looked; the write lock is ours now.
                guard !(try db.exists("SELECT 1 FROM schema_migrations WHERE name = ?", migration.name)) else {
                    return false
                }
                try migration.body(db)
                if let violation = try db.queryOne("PRAGMA foreign_key_check") {
                    throw SQLiteError.foreignKeyViolation(
                        "migration \(migration.name) leaves a foreign key violation in \(violation[0])")
                }
                try db.run(
                    "INSERT INTO schema_migrations(name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    migration.name)
                return true
            }
            if ran { applied.append(migration.name) }
        }
        return applied
    }
}
