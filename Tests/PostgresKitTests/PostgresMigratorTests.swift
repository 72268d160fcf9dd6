import Dispatch
import KandasTestSupport
import PostgresKit
import Testing

@Suite(.serialized) struct PostgresMigratorTests {
    private func migrator() -> PostgresMigrator {
        var migrator = PostgresMigrator()
        migrator.register("001-a") { try $0.execute("CREATE TABLE a(x bigint)") }
        migrator.register("002-b") { try $0.execute("CREATE TABLE b(y bigint)") }
        return migrator
    }

    @Test func migrations_areAppliedOnceAndRecorded() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            #expect(try migrator().migrate(db) == ["001-a", "002-b"])
            #expect(try migrator().migrate(db) == [])
            let names = try db.query("SELECT name FROM schema_migrations ORDER BY name").map { try $0.string("name") }
            #expect(names == ["001-a", "002-b"])
        }
    }

    @Test func failingMigration_leavesNothingBehind() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            var broken = PostgresMigrator()
            broken.register("001-half") { db in
                try db.execute("CREATE TABLE half(x bigint)")
                try db.execute("CREATE TABLE half(x bigint)")
            }
            #expect(throws: PostgresError.self) { try broken.migrate(db) }
            #expect(try db.scalar("SELECT to_regclass('half')::text") == .null)
            #expect(try db.scalar("SELECT count(*) FROM schema_migrations") == .integer(0))
        }
    }

    @Test func unknownRecordedMigration_isRefused() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try migrator().migrate(db)
            var older = PostgresMigrator()
            older.register("001-a") { _ in }
            #expect {
                try older.migrate(db)
            } throws: { error in
                (error as? PostgresError)?.kind == .unknownMigration
            }
        }
    }

    @Test func instancesMigratingAtOnce_applyEachMigrationExactlyOnce() throws {
        try PostgresCluster.withDatabase { url in
            let applied = Counter()
            let failures = Counter()
            let group = DispatchGroup()
            for _ in 0..<4 {
                DispatchQueue.global().async(group: group) {
                    do {
                        let db = try PostgresConnection(url: url)
                        applied.add(try migrator().migrate(db).count)
                    } catch {
                        failures.add()
                    }
                }
            }
            group.wait()
            #expect(failures.value == 0)
            #expect(applied.value == 2)
        }
    }
}
