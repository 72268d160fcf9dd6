import Foundation
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer
@testable import KandasStore

/// Migration 0045 (issue 15, bytes written per pushed event): the change feed's UUIDs (`entity_id`,
/// `family_id`, `device_id`) are 16-byte blobs on SQLite, written through `kid(?)` and read through
/// `ktext(col)`; pull answers as it did with text, through the same indexes.
@Suite struct FeedBinaryIDsTests {
    /// The feed query as it was before 0045 (text IDs bound as they are), one window up to the newest row.
    static let textEntriesSQL =
        "SELECT c.seq, c.entity, c.entity_id, c.op FROM changes c WHERE c.seq > ?1"
        + " AND ((c.device_id IS NULL AND c.family_id IN"
        + " (SELECT family_id FROM family_workers WHERE user_id = ?2)) OR c.device_id = ?3)"
        + " AND (c.entity = 'event_outcome' OR NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id"
        + " AND l.seq > c.seq AND l.entity = c.entity AND l.entity <> 'event_outcome'"
        + " AND l.device_id IS c.device_id)) ORDER BY c.seq LIMIT ?4"

    /// A store's feed: two users, three families (u1: f1 f2; u2: f2 f3), three devices (d1 d3 of u1,
    /// d2 of u2) and a row of every kind, most objects written more than once.
    struct Feed {
        let users = [Self.id(), Self.id()]
        let families = [Self.id(), Self.id(), Self.id()]
        let devices = [Self.id(), Self.id(), Self.id()]

        static func id() -> String { UUID().uuidString.lowercased() }

        /// (entity, entity_id, family_id, device_id, op) in `seq` order.
        var rows: [(String, String, String, String?, String)] = []

        init() { rows = makeRows() }

        private func makeRows() -> [(String, String, String, String?, String)] {
            var rows: [(String, String, String, String?, String)] = []
            let (f1, f2, f3) = (families[0], families[1], families[2])
            let (d1, d2, d3) = (devices[0], devices[1], devices[2])
            let objects = (0..<24).map { _ in Self.id() }
            for (n, family) in [f1, f2, f3].enumerated() {
                rows.append(("family", family, family, nil, "upsert"))
                rows.append(("member", objects[n], family, nil, "upsert"))
                rows.append(("plan", objects[3 + n], family, nil, "upsert"))
                rows.append(("plan_item", objects[6 + n], family, nil, "upsert"))
            }
            let events = [Self.id(), Self.id(), Self.id(), "0F8E2A4C-9B1D-4E3F-A567-89ABCDEF0123"]
            for (n, (family, device)) in [(f1, d1), (f2, d2), (f2, d3), (f1, d1)].enumerated() {
                rows.append(("completion", objects[9 + n], family, nil, "upsert"))
                rows.append(("event_outcome", events[n], "", device, "upsert"))
                rows.append(("plan_item", objects[6 + n % 3], family, nil, "upsert"))
                rows.append(("receipt", objects[9 + n], family, device, "upsert"))
            }
            // d1 consumed its first event again at a new device_seq: the older outcome row is retired.
            rows.append(("event_outcome", events[0], "", d1, "upsert"))
            rows.append(("conflict", objects[13], f2, nil, "upsert"))
            rows.append(("review", objects[14], f3, nil, "upsert"))
            rows.append(("member", objects[1], f2, nil, "delete"))
            rows.append(("completion", objects[9], f1, nil, "upsert"))
            rows.append(("conflict", objects[13], f2, nil, "upsert"))
            rows.append(("family", f3, f3, nil, "upsert"))
            return rows
        }

        /// A centre, the users, the families, the assignments (u1: f1 f2; u2: f2 f3) and the devices (d1 d3
        /// of u1, d2 of u2) that the feed rows name: the same organisation for every feed test's store.
        static func insertOrganisation(
            _ db: any DatabaseConnection, users: [String], families: [String], devices: [String]
        ) throws {
            let region = try #require(try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")).string("id")
            let centre = Self.id()
            _ = try db.run(
                "INSERT INTO career_centres(id, region_id, name, version, created_at, updated_at)"
                    + " VALUES(?, ?, 'Centre', 1, 0, 0)", centre, region)
            for (n, user) in users.enumerated() {
                _ = try db.run(
                    "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                        + " updated_at) VALUES(?, ?, 'Worker', 'field_worker', 1, 'x', 1, 0, 0)", user, "w\(n)")
            }
            for family in families {
                _ = try db.run(
                    "INSERT INTO families(id, region_id, career_centre_id, settlement_name, quota_inclusion_date,"
                        + " consent_recorded, version, created_at, updated_at) VALUES(?, ?, ?, 'S', '2026-01-01', 1, 1,"
                        + " 0, 0)", family, region, centre)
            }
            for (user, family) in [(0, 0), (0, 1), (1, 1), (1, 2)] {
                _ = try db.run(
                    "INSERT INTO family_workers(family_id, user_id, position) VALUES(?, ?, 0)", families[family],
                    users[user])
            }
            for (device, user) in [(0, 0), (1, 1), (2, 0)] {
                _ = try db.run(
                    "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                        + " VALUES(?, ?, 'x', 'cli', '1.0.0', 'active', 0)", devices[device], users[user])
            }
        }

        func fill(_ db: Connection) throws {
            try Self.insertOrganisation(SQLiteConnectionAdapter(db), users: users, families: families, devices: devices)
            for (entity, id, family, device, op) in rows {
                _ = try db.run(
                    "INSERT INTO changes(entity, entity_id, family_id, op, at, device_id) VALUES(?,?,?,?,0,?)", entity,
                    id, family, op, device)
            }
            // The push's retirement of d1's older outcome row (migration 0035), as a store from before holds it.
            _ = try db.run(
                "UPDATE changes SET device_id = '' WHERE seq = (SELECT min(seq) FROM changes WHERE entity_id = ?)",
                rows.first { $0.0 == "event_outcome" }!.1)
        }

        /// (device, its user) for the pages compared.
        var readers: [(device: String, user: String)] {
            [(devices[0], users[0]), (devices[1], users[1]), (devices[2], users[0])]
        }
    }

    @Test func upgradeFromTheSchemaBefore0045_keepsEveryRow_theSamePullPages_andTheIndexes() throws {
        let store = try ScratchStore(before: "0045")
        defer { store.remove() }
        let db = store.db
        let feed = Feed()
        try feed.fill(db)
        // The AUTOINCREMENT counter ahead of the newest row (a rolled-forward store): it is kept, not recounted.
        _ = try db.run("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'changes'")
        // `at` is left out: 0048 drops it (nothing read it), and turns `entity` and `op` into codes, read back as names.
        let columns = "seq, entity, entity_id, family_id, op, device_id"
        let rowsBefore = try db.query("SELECT \(columns) FROM changes ORDER BY seq").map(\.values)
        let counter = try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
        let indexes = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'changes' ORDER BY name"
        let indexesBefore = try db.query(indexes).map(\.values)
        let cursors: [Int64] = [0, 3, 11, 17, 25]
        var pagesBefore: [[String]] = []
        var headsBefore: [[SQLValue]] = []
        for reader in feed.readers {
            for after in cursors {
                for limit in [2, 1000] {
                    pagesBefore.append(
                        try db.query(Self.textEntriesSQL, after, reader.user, reader.device, limit).map {
                            "\($0.values)"
                        })
                }
            }
            headsBefore.append([
                try db.scalar("SELECT max(seq) FROM changes WHERE device_id = ?", reader.device),
                try db.scalar(
                    "SELECT max(seq) FROM changes WHERE device_id IS NULL AND family_id IN"
                        + " (SELECT family_id FROM family_workers WHERE user_id = ?)", reader.user),
            ])
        }
        #expect(pagesBefore.contains { $0.count > 3 }, "the fill gives pages to compare")

        #expect(try Schema.migrator.migrate(db).first == "0045-feed-ids-as-blobs")

        let rowsAfter = try db.query(
            "SELECT seq, entity, ktext(entity_id), ktext(family_id), op, ktext(device_id) FROM changes ORDER BY seq"
        ).map { FeedRowsCompactTests.named($0.values) }
        #expect(rowsAfter == rowsBefore)
        // Every UUID is a blob now; '' (outcome rows' family, the retired row's device) and the one
        // non-canonical (uppercase) event ID stay text.
        let kinds = try db.query(
            "SELECT typeof(entity_id) || ' ' || typeof(family_id) || ' ' || typeof(device_id) AS k, count(*) AS n"
                + " FROM changes GROUP BY k ORDER BY k"
        ).map { "\(try $0.string("k")) \(try $0.int("n"))" }
        let outcomes = feed.rows.filter { $0.0 == "event_outcome" }.count
        let receipts = feed.rows.filter { $0.0 == "receipt" }.count
        #expect(
            kinds == [
                "blob blob blob \(receipts)", "blob blob null \(feed.rows.count - outcomes - receipts)",
                "blob text blob \(outcomes - 2)", "blob text text 1", "text text blob 1",
            ])
        #expect(try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'changes'") == counter)
        // The same indexes; `changes_entity`'s WHERE names `event_outcome` by its code since 0048.
        let indexesNow = indexesBefore.map {
            $0.map { value -> SQLValue in
                guard case .text(let sql) = value else { return value }
                return .text(sql.replacingOccurrences(of: "'event_outcome'", with: "1"))
            }
        }
        #expect(try db.query(indexes).map(\.values) == indexesNow)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))

        let adapter = SQLiteConnectionAdapter(db)
        var pagesAfter: [[String]] = []
        var headsAfter: [[SQLValue]] = []
        for reader in feed.readers {
            for after in cursors {
                for limit in [2, 1000] {
                    pagesAfter.append(
                        try SyncFeed.entries(
                            adapter, after: after, userID: reader.user, deviceID: reader.device, limit: limit
                        ).map {
                            "\([SQLValue.integer($0.seq), .text($0.entity.rawValue), .text($0.entityID), .text($0.isDelete ? "delete" : "upsert")])"
                        })
                }
            }
            let state = try PullCursor.PageState.load(adapter, userID: reader.user, deviceID: reader.device)
            let device = try PullCursor.DeviceState.load(adapter, deviceID: reader.device)
            headsAfter.append([
                device.deviceHead == 0 ? .null : .integer(device.deviceHead),
                try db.scalar(
                    "SELECT max(seq) FROM changes WHERE device_id IS NULL AND family_id IN"
                        + " (SELECT kid(family_id) FROM family_workers WHERE user_id = ?)", reader.user),
            ])
            #expect(state.scopeHead == max(device.deviceHead, headsAfter.last![1].integerValue ?? 0))
        }
        #expect(pagesAfter == pagesBefore)
        #expect(headsAfter == headsBefore)

        // A new row goes after the kept counter, its IDs as blobs.
        try SyncFeed.record(adapter, entity: .eventOutcome, id: Feed.id(), familyID: "", deviceID: feed.devices[0])
        let added = try #require(
            try db.queryOne("SELECT seq, typeof(entity_id) AS kind FROM changes ORDER BY seq DESC"))
        #expect(added.values == [.integer(counter.integerValue! + 1), .text("blob")])
    }

    /// The statements that read `changes` by an ID, on a migrated store: each through its index.
    @Test func feedStatements_readTheirIndexes_onSQLite() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let id = SQLValue.text(Feed.id())
        let statements: [(String, [SQLValue], [String])] = [
            (
                SyncFeed.entriesSQL(SQLiteDialect()), [.integer(0), .integer(9), id, id, .integer(9)],
                ["changes_family (family_id=?", "changes_device (device_id=?", "changes_entity (entity_id=?"]
            ),
            (PullCursor.PageState.familyHeadsSQL, [id], ["changes_family (family_id=?"]),
            (PullCursor.DeviceState.sql, [id, id], ["changes_device (device_id=?"]),
            (AuthStore.deviceTokenWithPullStateSQL, [id], ["changes_device (device_id=?"]),
            (PushHandler.retireOutcomeSQL, [id, id], ["changes_device (device_id=?"]),
            (CompletionStore.laterItemRowSQL, [id, .integer(0)], ["changes_entity (entity_id=?"]),
        ]
        for (sql, values, indexes) in statements {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values: values).map { try $0.string("detail") }
            for index in indexes { #expect(plan.contains { $0.contains("INDEX " + index) }, "\(sql): \(plan)") }
            #expect(!plan.contains { $0.hasPrefix("SCAN c") || $0.hasPrefix("SCAN changes") }, "\(sql): \(plan)")
        }
    }

    /// `store copy` converts exactly the columns SQLite declares `ANY` for blob IDs: a table whose IDs
    /// become blobs without its entry in `StoreCatalog.binaryIDColumns` fails here, not in a copy.
    @Test func theColumnsStoreCopyConverts_areTheStoresBlobIDColumns_andTheyRefuseOtherValues() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let declared = try db.query(
            "SELECT m.name AS t, p.name AS c FROM sqlite_schema m, pragma_table_info(m.name) p"
                + " WHERE m.type = 'table' AND p.type = 'ANY' ORDER BY 1, 2"
        ).map { "\(try $0.string("t")).\(try $0.string("c"))" }
        let converted = StoreCatalog.binaryIDColumns.flatMap { table, columns in columns.map { "\(table).\($0)" } }
        #expect(declared == converted.sorted())
        // What TEXT promised still holds, and a blob is a UUID's 16 bytes.
        for (column, value) in [("entity_id", "42"), ("family_id", "X'0102'"), ("device_id", "4.5")] {
            let values = ["entity_id": "'e'", "family_id": "'f'", "device_id": "NULL"].merging([column: value]) { $1 }
            #expect(throws: SQLiteError.self) {
                try db.execute(
                    "INSERT INTO changes(entity, entity_id, family_id, op, device_id) VALUES(2,"
                        + " \(values["entity_id"]!), \(values["family_id"]!), 0, \(values["device_id"]!))")
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM changes") == .integer(0))
    }

    /// PostgreSQL keeps text: `kid`/`ktext` are SQL identity functions the planner inlines, so the
    /// feed query's plan names neither and still reads the feed's indexes.
    @Test func feedQuery_onPostgreSQL_inlinesTheFunctions_andReadsTheIndexes() throws {
        try PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            let plan = try engine.writeSync { db in
                _ = try db.run("SET enable_seqscan = off")
                return try db.query(
                    "EXPLAIN (VERBOSE) " + SyncFeed.entriesSQL(db.dialect),
                    values: [.integer(0), .integer(9), .text(Feed.id()), .text(Feed.id()), .integer(9)]
                ).map { row in row.values.map { "\($0)" }.joined() }.joined(separator: "\n")
            }
            #expect(!plan.contains("kid(") && !plan.contains("ktext("), "\(plan)")
            #expect(plan.contains("changes_family") && plan.contains("changes_device"), "\(plan)")
        }
    }
}

extension SQLValue {
    fileprivate var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    fileprivate var isUppercaseID: Bool {
        if case .text(let text) = self { return text.count == 36 && text == text.uppercased() }
        return false
    }
}
