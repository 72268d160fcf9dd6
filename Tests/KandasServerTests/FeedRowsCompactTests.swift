import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration `0048-feed-rows-compact` (issue 15, bytes written per pushed event): `changes.entity` and
/// `changes.op` are integer codes (`FeedCodes`, `FeedOp`), `changes.at` is gone; pull answers as before,
/// through the same indexes, on both engines.
@Suite struct FeedRowsCompactTests {
    static let migration = "0048-feed-rows-compact"

    /// A row read back as it was stored before 0048: `entity` (column 1) and `op` (column 4) as their names.
    static func named(_ values: [SQLValue]) -> [SQLValue] {
        var values = values
        if case .integer(let code) = values[1] { values[1] = .text(FeedCodes.entity(code)?.rawValue ?? "?\(code)") }
        if case .integer(let code) = values[4] { values[4] = .text(FeedOp(rawValue: code)?.name ?? "?\(code)") }
        return values
    }

    // MARK: - The codes

    /// Stored rows and the partial index depend on the numbers: none may change, none is shared.
    @Test func everyKindAndOp_hasItsOwnFixedCode() {
        let kinds = Dictionary(uniqueKeysWithValues: ChangeEntity.allCases.map { ($0.rawValue, FeedCodes.code($0)) })
        #expect(
            kinds == [
                "completion": 0, "event_outcome": 1, "family": 2, "member": 3, "plan": 4, "plan_item": 5, "conflict": 6,
                "review": 7, "receipt": 8,
            ])
        #expect(Set(kinds.values).count == ChangeEntity.allCases.count, "two kinds share a code")
        for kind in ChangeEntity.allCases { #expect(FeedCodes.entity(FeedCodes.code(kind)) == kind) }
        for code: Int64 in [-1, 9, 255, .max, .min] { #expect(FeedCodes.entity(code) == nil) }
        let ops = Dictionary(uniqueKeysWithValues: FeedOp.allCases.map { ($0.name, $0.rawValue) })
        #expect(ops == ["upsert": 0, "create": 1, "update": 2, "publish": 3, "backfill": 4, "delete": 5])
        #expect(SyncFeed.notOutcome == "entity <> 1")
    }

    /// A row whose code no kind or op has (written by a newer build or by hand) fails the page with an
    /// internal error naming it: a device is never sent a page that silently leaves a change out.
    @Test func aFeedRowWithAnUnknownCode_failsThePage_withAnInternalError() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let device = UUID().uuidString.lowercased()
        for (entity, op) in [(Int64(42), FeedOp.upsert.rawValue), (FeedCodes.code(.receipt), 9)] {
            _ = try db.run("DELETE FROM changes")
            _ = try db.run(
                "INSERT INTO changes(entity, entity_id, family_id, op, device_id) VALUES(?, kid(?), '', ?, kid(?))",
                entity, UUID().uuidString.lowercased(), op, device)
            #expect {
                try SyncFeed.entries(db, after: 0, userID: "u", deviceID: device, limit: 10)
            } throws: {
                guard let error = $0 as? ServerError, error.code == .internalError else { return false }
                return error.detail?.contains(entity == 42 ? "entity code 42" : "op code 9") == true
            }
        }
    }

    // MARK: - Upgrading

    /// A feed of every kind and every op as a store before 0048 holds it (names as text, `at`), with
    /// a retired outcome row (`device_id` ''), a deleted member, an item written many times.
    struct Feed {
        let users = [Self.id(), Self.id()]
        let families = [Self.id(), Self.id(), Self.id()]
        let devices = [Self.id(), Self.id(), Self.id()]
        /// (entity, entity_id, family_id, device_id, op) in `seq` order.
        var rows: [(String, String, String, String?, String)] = []

        static func id() -> String { UUID().uuidString.lowercased() }

        init() {
            let (f1, f2, f3) = (families[0], families[1], families[2])
            let (d1, d2, d3) = (devices[0], devices[1], devices[2])
            let o = (0..<24).map { _ in Self.id() }
            for (n, family) in [f1, f2, f3].enumerated() {
                rows.append(("family", family, family, nil, "backfill"))
                rows.append(("member", o[n], family, nil, "create"))
                rows.append(("plan", o[3 + n], family, nil, "publish"))
                rows.append(("plan_item", o[6 + n], family, nil, "publish"))
            }
            let events = [Self.id(), Self.id(), Self.id(), Self.id()]
            for (n, (family, device)) in [(f1, d1), (f2, d2), (f2, d3), (f1, d1)].enumerated() {
                rows.append(("completion", o[9 + n], family, nil, "upsert"))
                rows.append(("event_outcome", events[n], "", device, "upsert"))
                rows.append(("plan_item", o[6 + n % 3], family, nil, "upsert"))
                rows.append(("receipt", o[9 + n], family, device, "upsert"))
            }
            // d1 consumed its first event again: its older outcome row is retired (no device's).
            rows[rows.firstIndex { $0.1 == events[0] }!].3 = ""
            rows.append(("event_outcome", events[0], "", d1, "upsert"))
            rows.append(("conflict", o[13], f2, nil, "upsert"))
            rows.append(("review", o[14], f3, nil, "upsert"))
            rows.append(("member", o[1], f2, nil, "update"))
            rows.append(("member", o[0], f1, nil, "delete"))
            rows.append(("plan_item", o[7], f2, nil, "create"))
            rows.append(("completion", o[9], f1, nil, "upsert"))
            rows.append(("family", f3, f3, nil, "update"))
        }

        /// Users, families, assignments (u1: f1 f2; u2: f2 f3), devices (d1 d3 of u1, d2 of u2), then the rows.
        func fill(_ db: any DatabaseConnection) throws {
            try FeedBinaryIDsTests.Feed.insertOrganisation(db, users: users, families: families, devices: devices)
            for (n, (entity, id, family, device, op)) in rows.enumerated() {
                _ = try db.run(
                    "INSERT INTO changes(entity, entity_id, family_id, op, at, device_id)"
                        + " VALUES(?, kid(?), kid(?), ?, ?, kid(?))", entity, id, family, op,
                    Int64(1_700_000_000_000 + n),
                    device)
            }
        }

        /// (device, its user) for the pages compared.
        var readers: [(device: String, user: String)] {
            [(devices[0], users[0]), (devices[1], users[1]), (devices[2], users[0])]
        }
    }

    /// The page query as it was before 0048 (kinds by name), over every row after the cursor.
    static func namedEntriesSQL(_ dialect: any SQLDialect) -> String {
        "SELECT c.seq, c.entity, ktext(c.entity_id) AS entity_id, c.op FROM changes c WHERE c.seq > ?1"
            + " AND ((c.device_id IS NULL AND c.family_id IN"
            + " (SELECT kid(family_id) FROM family_workers WHERE user_id = ?2)) OR c.device_id = kid(?3))"
            + " AND (c.entity = 'event_outcome' OR NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id"
            + " AND l.seq > c.seq AND l.entity = c.entity AND l.entity <> 'event_outcome'"
            + " AND \(dialect.isSame("l.device_id", "c.device_id")))) ORDER BY c.seq LIMIT ?4"
    }

    /// What a store answers about its feed: every row (kinds and ops by name), the pages and the poll
    /// state of every reader.
    struct Answers: Equatable {
        var rows: [String]
        var pages: [[String]]
        var states: [String]
    }

    static let cursors: [Int64] = [0, 3, 11, 17, 25]

    static func rows(_ db: any DatabaseConnection) throws -> [String] {
        try db.query(
            "SELECT seq, entity, ktext(entity_id) AS entity_id, ktext(family_id) AS family_id, op,"
                + " ktext(device_id) AS device_id FROM changes ORDER BY seq", values: []
        ).map { row in
            // Before 0048 the names themselves; after, the names of the codes.
            let entity = row.optionalString("entity") ?? row.optionalInt("entity").flatMap(FeedCodes.entity)?.rawValue
            let op = row.optionalString("op") ?? row.optionalInt("op").flatMap { FeedOp(rawValue: $0) }?.name
            let (e, o) = (entity ?? "?", op ?? "?")
            return "\(try row.int("seq")) \(e) \(try row.string("entity_id")) \(try row.string("family_id"))"
                + " \(o) \(row.optionalString("device_id") ?? "NULL")"
        }
    }

    static func states(_ db: any DatabaseConnection, _ feed: Feed) throws -> [String] {
        try feed.readers.map { reader in
            let state = try PullCursor.PageState.load(db, userID: reader.user, deviceID: reader.device)
            return "\(state.scope) \(state.scopeHead) \(state.lastDeviceSeq)"
        }
    }

    static func before(_ db: any DatabaseConnection, _ feed: Feed) throws -> Answers {
        var pages: [[String]] = []
        for reader in feed.readers {
            for after in cursors {
                for limit in [2, 1000] {
                    pages.append(
                        try db.query(
                            namedEntriesSQL(db.dialect),
                            values: [.integer(after), .text(reader.user), .text(reader.device), .integer(Int64(limit))]
                        ).map {
                            "\(try $0.int("seq")) \(try $0.string("entity")) \(try $0.string("entity_id"))"
                                + " \(try $0.string("op") == "delete")"
                        })
                }
            }
        }
        return Answers(rows: try rows(db), pages: pages, states: try states(db, feed))
    }

    static func after(_ db: any DatabaseConnection, _ feed: Feed) throws -> Answers {
        var pages: [[String]] = []
        for reader in feed.readers {
            for after in cursors {
                for limit in [2, 1000] {
                    pages.append(
                        try SyncFeed.entries(
                            db, after: after, userID: reader.user, deviceID: reader.device, limit: limit
                        )
                        .map { "\($0.seq) \($0.entity.rawValue) \($0.entityID) \($0.isDelete)" })
                }
            }
        }
        return Answers(rows: try rows(db), pages: pages, states: try states(db, feed))
    }

    @Test func upgradeOnSQLite_keepsEveryRow_itsSeqAndCounter_thePages_andTheIndexes() throws {
        let store = try ScratchStore(before: "0048")
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let feed = Feed()
        try feed.fill(db)
        // The AUTOINCREMENT counter ahead of the newest row (a rolled-forward store): kept, not recounted.
        _ = try db.run("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'changes'")
        let counter = try #require(
            try db.queryOne("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")?.int("seq"))
        let indexes = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name"
        let indexesBefore = try db.query(indexes, values: []).map { "\(try $0.string("name")) \(try $0.string("sql"))" }
        let before = try Self.before(db, feed)
        #expect(before.rows.count == feed.rows.count)
        #expect(
            Set(before.rows.map { $0.split(separator: " ", omittingEmptySubsequences: false)[1] }).count
                == ChangeEntity.allCases.count)
        #expect(
            Set(before.rows.map { $0.split(separator: " ", omittingEmptySubsequences: false)[4] }).count
                == FeedOp.allCases.count)
        #expect(before.pages.contains { $0.count > 3 }, "the fill gives pages to compare")

        #expect(try Schema.migrator.migrate(store.db).first == Self.migration)

        #expect(try Self.after(db, feed) == before)
        #expect(try db.queryOne("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")?.int("seq") == counter)
        let columns = try db.query("SELECT name, type FROM pragma_table_info('changes') ORDER BY cid", values: [])
            .map { "\(try $0.string("name")) \(try $0.string("type"))" }
        #expect(
            columns == [
                "seq INTEGER", "entity INTEGER", "entity_id ANY", "family_id ANY", "op INTEGER", "device_id ANY",
            ])
        #expect(
            try db.query(indexes, values: []).map { "\(try $0.string("name")) \(try $0.string("sql"))" }
                == indexesBefore.map { $0.replacingOccurrences(of: "entity <> 'event_outcome'", with: "entity <> 1") })
        #expect(try db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        // Every text byte of the kinds and ops is gone: they are integers now.
        #expect(
            try db.queryOne(
                "SELECT count(*) AS n FROM changes WHERE typeof(entity) <> 'integer' OR typeof(op) <> 'integer'")?
                .int("n") == 0)

        // A new row goes after the kept counter, its kind and op as codes.
        try SyncFeed.record(db, entity: .eventOutcome, id: Feed.id(), familyID: "", deviceID: feed.devices[0])
        let added = try #require(try db.queryOne("SELECT seq, entity, op FROM changes ORDER BY seq DESC"))
        #expect(added.values == [.integer(counter + 1), .integer(1), .integer(0)])
    }

    @Test func upgradeOnPostgreSQL_keepsEveryRow_thePages_andTheFeedNumbering() throws {
        try PostgresCluster.withDatabase { url in
            let feed = Feed()
            let old = try PostgresEngine(
                url: url, connections: 1, migrations: PostgresSchema.migrations.filter { $0.name != Self.migration })
            try old.writeSync { db in try feed.fill(db) }
            let answers = try old.readSync { db in try Self.before(db, feed) }
            old.close()
            #expect(answers.rows.count == feed.rows.count)
            #expect(answers.pages.contains { $0.count > 3 }, "the fill gives pages to compare")
            let engine = try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            try engine.readSync { db in
                #expect(try Self.after(db, feed) == answers)
                let columns = try db.query(
                    "SELECT column_name AS name, data_type AS type FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND table_name = 'changes' ORDER BY ordinal_position",
                    values: []
                ).map { "\(try $0.string("name")) \(try $0.string("type"))" }
                #expect(
                    columns == [
                        "seq bigint", "entity smallint", "entity_id text", "family_id text", "op smallint",
                        "device_id text", "rowid bigint",
                    ])
                let entityIndex = try db.queryOne(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'changes_entity'", values: [])
                #expect(
                    try entityIndex?.string("indexdef").hasSuffix("WHERE (entity <> 1)") == true,
                    "\(entityIndex as Any)")
            }
            // PostgreSQL proves the partial index's WHERE from the code too (scans off: the table is small).
            let plan = try engine.writeSync { db in
                _ = try db.run("SET enable_seqscan = off")
                return try db.query(
                    "EXPLAIN " + CompletionStore.laterItemRowSQL, values: [.text(Feed.id()), .integer(0)]
                ).map { row in row.values.map { "\($0)" }.joined() }.joined(separator: "\n")
            }
            #expect(plan.contains("changes_entity"), "\(plan)")
            // A commit's row is numbered after the highest `seq` (`PostgresEngine.numberFeed`), its codes stored.
            try engine.writeSync { db in
                try SyncFeed.record(db, entity: .eventOutcome, id: Feed.id(), familyID: "", deviceID: feed.devices[0])
            }
            try engine.readSync { db in
                let added = try #require(
                    try db.queryOne("SELECT seq, entity, op FROM changes ORDER BY seq DESC LIMIT 1", values: []))
                #expect(added.values == [.integer(Int64(feed.rows.count) + 1), .integer(1), .integer(0)])
            }
        }
    }

    /// A store with a kind or op the server never wrote (edited by hand) is refused: the migration names
    /// it and leaves every row as it was.
    @Test func upgrade_refusesAFeedRowWithAnUnknownKind_andChangesNothing() throws {
        let store = try ScratchStore(before: "0048")
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let feed = Feed()
        try feed.fill(db)
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('attachment', kid(?), '', 'upsert', 0)",
            Feed.id())
        let rows = try Self.rows(db)
        #expect {
            try Schema.migrator.migrate(store.db)
        } throws: { "\($0)".contains("0048: 1 feed rows have an entity or op without a code (entity 'attachment'") }
        #expect(try Self.rows(db) == rows)
        #expect(
            try db.queryOne("SELECT count(*) AS n FROM pragma_table_info('changes') WHERE name = 'at'")?.int("n") == 1)
    }

    /// The oldest feed rows, written by 0005's own SQL (a row per object that existed, op `backfill`), go
    /// through every later migration with the SQL of its time (0035's retirement, 0045's blobs) and 0048
    /// turns them into codes: pull then sends each object.
    @Test func upgradeFromBefore0005_backfilledRows_reachTheCodes() throws {
        let store = try ScratchStore(before: "0005")
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let (user, family, member, plan, item) = (Feed.id(), Feed.id(), Feed.id(), Feed.id(), Feed.id())
        let region = try #require(try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")).string("id")
        let centre = Feed.id()
        try db.execute(
            """
            INSERT INTO career_centres(id, region_id, name, version, created_at, updated_at)
              VALUES('\(centre)', '\(region)', 'Centre', 1, 0, 0);
            INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at, updated_at)
              VALUES('\(user)', 'w', 'Worker', 'field_worker', 1, 'x', 1, 0, 0);
            INSERT INTO families(id, region_id, career_centre_id, settlement_name, quota_inclusion_date,
              consent_recorded, version, created_at, updated_at)
              VALUES('\(family)', '\(region)', '\(centre)', 'S', '2026-01-01', 1, 1, 0, 0);
            INSERT INTO family_workers(family_id, user_id, position) VALUES('\(family)', '\(user)', 0);
            INSERT INTO members(id, family_id, iin, last_name, first_name, birth_date, relation, version, created_at,
              updated_at) VALUES('\(member)', '\(family)', '000101500001', 'L', 'F', '2000-01-01', 'applicant', 1, 0, 0);
            INSERT INTO plans(id, family_id, status, version, created_at, updated_at)
              VALUES('\(plan)', '\(family)', 'published', 1, 0, 0);
            INSERT INTO plan_items(id, plan_id, family_id, member_id, service_code, due_date, status, version,
              created_at, updated_at) VALUES('\(item)', '\(plan)', '\(family)', '\(member)', 1, '2026-02-01', 'open', 1,
              0, 0);
            INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('member', '\(member)', '\(family)', 'create', 0);
            """)
        let applied = try Schema.migrator.migrate(store.db)
        #expect(applied.first == "0005-sync" && applied.contains(Self.migration))
        #expect(
            try Self.rows(db) == [
                "1 member \(member) \(family) create NULL", "2 family \(family) \(family) backfill NULL",
                "3 member \(member) \(family) backfill NULL", "4 plan \(plan) \(family) backfill NULL",
                "5 plan_item \(item) \(family) backfill NULL",
            ])
        let entries = try SyncFeed.entries(db, after: 0, userID: user, deviceID: Feed.id(), limit: 10)
        #expect(
            entries.map { "\($0.seq) \($0.entity.rawValue) \($0.isDelete)" } == [
                "2 family false", "3 member false", "4 plan false", "5 plan_item false",
            ])
    }
}
