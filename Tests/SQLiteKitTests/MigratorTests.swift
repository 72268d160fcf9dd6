import SQLiteKit
import Testing

@Suite struct MigratorTests {
    func tables(_ db: Connection) throws -> [String] {
        try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map { try $0.string("name") }
    }

    func twoStepMigrator() -> Migrator {
        var migrator = Migrator()
        migrator.register("001-a") { db in try db.execute("CREATE TABLE a(x INTEGER PRIMARY KEY) STRICT") }
        migrator.register("002-b") { db in try db.execute("CREATE TABLE b(y INTEGER REFERENCES a(x)) STRICT") }
        return migrator
    }

    @Test func migrations_applyOnceInOrderAndAreRecorded() throws {
        let db = try Connection(path: ":memory:")
        #expect(try twoStepMigrator().migrate(db) == ["001-a", "002-b"])
        #expect(try twoStepMigrator().migrate(db) == [])
        let recorded = try db.query("SELECT name, applied_at FROM schema_migrations ORDER BY rowid")
        #expect(try recorded.map { try $0.string("name") } == ["001-a", "002-b"])
        #expect(try recorded.allSatisfy { try $0.string("applied_at").hasSuffix("Z") })
        #expect(try tables(db) == ["a", "b", "schema_migrations"])
    }

    @Test func newMigration_appliesOnlyTheNewOne() throws {
        let db = try Connection(path: ":memory:")
        try twoStepMigrator().migrate(db)
        var migrator = twoStepMigrator()
        migrator.register("003-c") { db in try db.execute("CREATE TABLE c(z INTEGER) STRICT") }
        #expect(try migrator.migrate(db) == ["003-c"])
    }

    @Test func failingMigration_leavesNothingBehind() throws {
        let db = try Connection(path: ":memory:")
        var migrator = twoStepMigrator()
        migrator.register("003-bad") { db in
            try db.execute("CREATE TABLE half(x INTEGER) STRICT")
            throw Boom(id: 3)
        }
        #expect(throws: Boom(id: 3)) { try migrator.migrate(db) }
        #expect(try tables(db) == ["a", "b", "schema_migrations"])
        #expect(try db.query("SELECT name FROM schema_migrations").count == 2)
    }

    @Test func foreignKeyViolationInMigration_isRefusedEvenWithEnforcementOff() throws {
        // With foreign_keys OFF the orphan insert itself succeeds; the migrator's
        // foreign_key_check before commit must still refuse it.
        let db = try Connection(path: ":memory:", options: .init(foreignKeys: false))
        try twoStepMigrator().migrate(db)
        var migrator = twoStepMigrator()
        migrator.register("003-orphan") { db in try db.run("INSERT INTO b(y) VALUES (42)") }
        #expect {
            try migrator.migrate(db)
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.isForeignKeyViolation && error.message.contains("003-orphan")
        }
        #expect(try db.query("SELECT name FROM schema_migrations").count == 2)
        #expect(try db.scalar("SELECT count(*) FROM b") == .integer(0))
    }

    @Test func unknownMigrationInDatabase_isRefusedAsDowngrade() throws {
        let db = try Connection(path: ":memory:")
        var newer = twoStepMigrator()
        newer.register("003-future") { db in try db.execute("CREATE TABLE future(x INTEGER) STRICT") }
        try newer.migrate(db)
        #expect {
            try twoStepMigrator().migrate(db)
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.kind == .unknownMigration && error.message.contains("003-future")
        }
    }

    @Test func duplicateNames_areRefused() throws {
        let db = try Connection(path: ":memory:")
        var migrator = twoStepMigrator()
        migrator.register("001-a") { _ in }
        #expect { try migrator.migrate(db) } throws: { ($0 as? SQLiteError)?.kind == .misuse }
        #expect(try tables(db) == [])
    }
}

extension MigratorTests {
    /// A rebuild (new table, copy, drop, rename) of a parent table that children reference: with
    /// foreign keys off during the migration the children keep their rows and references, the
    /// check still runs before the commit, and foreign keys are on again afterwards.
    @Test func rebuildMigration_replacesAParentTable_keepsChildren_andRestoresForeignKeys() throws {
        let db = try Connection(path: ":memory:")
        var migrator = twoStepMigrator()
        try migrator.migrate(db)
        try db.execute("INSERT INTO a(x) VALUES (1); INSERT INTO b(y) VALUES (1)")
        migrator.registerRebuild("003-widen-a") { db in
            try db.execute(
                """
                CREATE TABLE a_new(x INTEGER PRIMARY KEY, note TEXT CHECK(note IN ('p','q'))) STRICT;
                INSERT INTO a_new(x) SELECT x FROM a;
                DROP TABLE a;
                ALTER TABLE a_new RENAME TO a;
                """)
        }
        #expect(try migrator.migrate(db) == ["003-widen-a"])
        #expect(try db.queryOne("SELECT count(*) FROM b")?[0] == .integer(1))
        #expect(try db.queryOne("PRAGMA foreign_keys")?[0] == .integer(1))
        // The children still point at the (new) parent: a dangling reference is refused again.
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO b(y) VALUES (7)") }
    }

    @Test func rebuildMigration_thatLeavesADanglingReference_isRolledBack() throws {
        let db = try Connection(path: ":memory:")
        var migrator = twoStepMigrator()
        try migrator.migrate(db)
        try db.execute("INSERT INTO a(x) VALUES (1); INSERT INTO b(y) VALUES (1)")
        migrator.registerRebuild("003-lose-a") { db in
            try db.execute(
                """
                CREATE TABLE a_new(x INTEGER PRIMARY KEY) STRICT;
                DROP TABLE a;
                ALTER TABLE a_new RENAME TO a;
                """)
        }
        #expect(throws: SQLiteError.self) { try migrator.migrate(db) }
        #expect(try db.queryOne("SELECT count(*) FROM a")?[0] == .integer(1))
        #expect(try db.queryOne("PRAGMA foreign_keys")?[0] == .integer(1))
    }
}
