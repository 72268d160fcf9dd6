import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0047 (issue 15, bytes written per pushed event): `completions`' item, region, centre and
/// user IDs are 16-byte blobs on SQLite, written through `kid(?)` and read through `ktext(col)`; the
/// item's foreign key names `plan_items.bin_id`. The API, the console's counters and the indexes the
/// lists read answer as they did with text.
@Suite(.serialized) struct CompletionBinaryIDsTests {
    static let migration = "0047-completion-ids-as-blobs"

    /// `completions` in `rowid` order, the four IDs as text (`text`: the store holds text).
    static func rows(_ db: Connection, text: Bool) throws -> [[SQLValue]] {
        let ids = ["item_id", "region_id", "career_centre_id", "user_id"].map { text ? $0 : "ktext(\($0))" }
        return try db.query(
            "SELECT rowid, id, \(ids.joined(separator: ", ")), service_code, state, rev, is_primary, performed_at,"
                + " recorded_at, received_at, clock_skew_ms, note, files_declared, files_verified, review_state,"
                + " open_conflicts, event_seq, updated_at, loc_latitude, loc_longitude, loc_accuracy_m, loc_altitude_m,"
                + " loc_fix_time, loc_provider, loc_mock, flag_bits, missing_bits FROM completions ORDER BY rowid"
        ).map(\.values)
    }

    /// The console's counters, in key order.
    static func counters(_ db: Connection) throws -> [[SQLValue]] {
        try db.query("SELECT * FROM console_counts ORDER BY metric, region_id, career_centre_id, bucket").map(\.values)
            + db.query("SELECT * FROM console_family_counts ORDER BY family_id").map(\.values)
    }

    /// What the admin API answers about the completions: the list (whole and by every ID filter),
    /// each completion, the CSV and GeoJSON exports, the console's list and map (a region admin's too).
    static func answers(_ s: SyncFixture, ids: [String: String]) throws -> [String] {
        let admin = try s.server.login("admin")
        var targets = ["/v1/admin/completions?limit=500", "/v1/admin/completions?limit=2"]
        for (name, value) in ids.sorted(by: { $0.key < $1.key }) {
            targets.append("/v1/admin/completions?\(name)=\(value)")
            targets.append("/v1/admin/exports/completions.csv?\(name)=\(value)")
        }
        targets += ["/v1/admin/exports/completions.csv", "/v1/admin/exports/completions.geojson"]
        var out: [String] = []
        for target in targets {
            let r = try admin.get(target)
            #expect(r.status == 200, "\(target): \(r)")
            // Each filter names a stored completion's ID: a statement binding it as text would find none.
            if target.hasPrefix("/v1/admin/completions?") {
                #expect(!((r.object["items"] as? [Any]) ?? []).isEmpty, "\(target)")
            }
            out.append(target + " " + String(decoding: r.body, as: UTF8.self))
        }
        let list = try admin.get("/v1/admin/completions?limit=500")
        for item in (list.object["items"] as? [[String: Any]]) ?? [] {
            let id = item["id"] as? String ?? ""
            let r = try admin.get("/v1/admin/completions/\(id)")
            #expect(r.status == 200)
            out.append(String(decoding: r.body, as: UTF8.self))
        }
        return out
    }

    /// The store's `completions` and `plan_items` back in their form before 0047 (the table, index and
    /// trigger SQL of a store built up to 0046, text IDs, no `bin_id`) and 0047 unrecorded.
    static func downgrade(_ db: Connection) throws {
        let old = try ScratchStore(before: "0047")
        defer { old.remove() }
        let schema = try old.db.query(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND (tbl_name = 'completions'"
                + " OR name IN ('console_counts_file_insert', 'console_counts_file_update')) ORDER BY type DESC, name")
        let table = try #require(schema.first { (try? $0.string("type")) == "table" }).string("sql")
        let others = try schema.filter { try $0.string("type") != "table" }.map { try $0.string("sql") }
        #expect(table.contains("item_id TEXT NOT NULL REFERENCES plan_items(id)") && others.count == 11, "\(others)")
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute(
            """
            BEGIN;
            DROP TRIGGER console_counts_file_insert;
            DROP TRIGGER console_counts_file_update;
            \(table.replacingOccurrences(of: "CREATE TABLE completions(", with: "CREATE TABLE completions_text("));
            INSERT INTO completions_text(rowid, id, item_id, region_id, career_centre_id, service_code, user_id, state,
                rev, is_primary, performed_at, recorded_at, received_at, clock_skew_ms, note, files_declared,
                files_verified, review_state, open_conflicts, event_seq, updated_at, loc_latitude, loc_longitude,
                loc_accuracy_m, loc_altitude_m, loc_fix_time, loc_provider, loc_mock, flag_bits, missing_bits)
              SELECT rowid, id, ktext(item_id), ktext(region_id), ktext(career_centre_id), service_code, ktext(user_id),
                state, rev, is_primary, performed_at, recorded_at, received_at, clock_skew_ms, note, files_declared,
                files_verified, review_state, open_conflicts, event_seq, updated_at, loc_latitude, loc_longitude,
                loc_accuracy_m, loc_altitude_m, loc_fix_time, loc_provider, loc_mock, flag_bits, missing_bits
              FROM completions ORDER BY rowid;
            DROP TABLE completions;
            ALTER TABLE completions_text RENAME TO completions;
            DROP INDEX plan_items_bin;
            ALTER TABLE plan_items DROP COLUMN bin_id;
            \(others.joined(separator: ";\n"));
            DELETE FROM schema_migrations WHERE name = '\(migration)';
            COMMIT;
            """)
        try db.execute("PRAGMA foreign_keys = ON")
    }

    /// The store is filled by pushes of every kind (accepted with and without files, amended, voided,
    /// conflicting, reviewed), taken back to the previous release's form and migrated: every row, the
    /// indexes and triggers, the console's counters and the API's answers are the same.
    @Test func upgradeFromTheSchemaBefore0047_keepsEveryRow_theCounters_theAnswers_andTheIndexes() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let pushed = try EventBinaryIDsTests.fill(s)
        let admin = try s.server.login("admin")
        let review = try admin.json(
            "POST", "/v1/admin/completions/\(pushed.completions[0])/reviews",
            "{\"decision\":\"has_issues\",\"comment\":\"the photo is blurred\"}",
            idempotencyKey: SyncFixture.uuid())
        #expect(review.status == 201, "\(review)")
        var db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        let sample = try #require(
            try db.queryOne(
                "SELECT ktext(item_id) AS i, ktext(region_id) AS r, ktext(career_centre_id) AS c, ktext(user_id) AS u,"
                    + " (SELECT family_id FROM plan_items WHERE id = ktext(item_id)) AS f FROM completions LIMIT 1"))
        let ids = [
            "region_id": try sample.string("r"), "career_centre_id": try sample.string("c"),
            "worker_id": try sample.string("u"), "family_id": try sample.string("f"),
        ]
        let answersBefore = try Self.answers(s, ids: ids)
        #expect(answersBefore.count > 12)
        s.server.stop()
        db = try Connection(path: s.server.databasePath)
        let pushedRows = try Self.rows(db, text: false)
        let pushedCounters = try Self.counters(db)
        try Self.downgrade(db)
        let rowsBefore = try Self.rows(db, text: true)
        #expect(rowsBefore == pushedRows && rowsBefore.count == 2)
        #expect(rowsBefore.contains { $0[7] == .text("active") } && rowsBefore.contains { $0[7] == .text("voided") })
        #expect(try db.scalar("SELECT count(*) FROM completions WHERE typeof(item_id) = 'blob'") == .integer(0))
        #expect(try Self.counters(db) == pushedCounters)
        let objects =
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND (tbl_name = 'completions'"
            + " OR name LIKE 'console_counts_file_%') ORDER BY name"
        let objectsBefore = try db.query(objects).map(\.values)

        #expect(try Schema.migrator.migrate(db).first == Self.migration)
        #expect(try Self.rows(db, text: false) == rowsBefore)
        #expect(try Self.counters(db) == pushedCounters)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        let kinds = try db.query(
            "SELECT typeof(item_id) || typeof(region_id) || typeof(career_centre_id) || typeof(user_id) AS k"
                + " FROM completions GROUP BY k"
        ).map { try $0.string("k") }
        #expect(kinds == ["blobblobblobblob"])
        #expect(try db.scalar("SELECT count(*) FROM plan_items WHERE bin_id IS NOT kid(id)") == .integer(0))
        // The same indexes (names and columns) and triggers (by name: their SQL reads the blobs now).
        let objectsAfter = try db.query(objects).map(\.values)
        #expect(objectsAfter.map { "\($0[0]) \($0[1])" } == objectsBefore.map { "\($0[0]) \($0[1])" })
        for (after, before) in zip(objectsAfter, objectsBefore) where after[0] == .text("index") {
            #expect(after == before)
        }
        // Counters still follow: a void and a review after the migration, as a recount finds them.
        try s.server.restart()
        #expect(try Self.answers(s, ids: ids) == answersBefore)
        let device = pushed.devices[0]
        s.reconnect(device)
        let item = try #require(
            try db.queryOne("SELECT ktext(item_id) AS i FROM completions WHERE id = ?", pushed.completions[0])?
                .string("i"))
        let rev = try #require(
            try db.queryOne("SELECT rev FROM completions WHERE id = ?", pushed.completions[0])?.int("rev"))
        let void = SyncFixture.event(
            device, "void", item: item,
            payload: ["completion_id": pushed.completions[0], "base_completion_rev": rev, "reason": "mistake"])
        #expect(try s.results(device, [void]).first?["outcome"] as? String == "accepted")
        let kept = try ConsoleCountersTests.snapshot(SQLiteConnectionAdapter(db))
        #expect(try Self.counters(db) != pushedCounters)
        s.server.stop()
        try ConsoleRollups.recount(SQLiteConnectionAdapter(db))
        #expect(try ConsoleCountersTests.snapshot(SQLiteConnectionAdapter(db)) == kept)
    }

    /// The columns hold blobs: bound as text an ID matches nothing, through `kid` it matches (a statement
    /// that forgot `kid` finds no row, which the tests above would show as a different answer).
    @Test func textBoundIDs_matchNothing_kidBoundIDsMatch() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let device = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let completion = SyncFixture.uuid()
        let event = SyncFixture.complete(device, item: item, member: member, completion: completion)
        #expect(try s.results(device, [event]).first?["outcome"] as? String == "accepted")
        let db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        let row = try #require(
            try db.queryOne(
                "SELECT ktext(item_id) AS item_id, ktext(region_id) AS region_id,"
                    + " ktext(career_centre_id) AS career_centre_id, ktext(user_id) AS user_id FROM completions"))
        #expect(try row.string("item_id") == item && row.string("user_id") == s.base.user("worker111"))
        for column in ["item_id", "region_id", "career_centre_id", "user_id"] {
            let id = try row.string(column)
            #expect(try db.scalar("SELECT count(*) FROM completions WHERE \(column) = ?", id) == .integer(0))
            #expect(try db.scalar("SELECT count(*) FROM completions WHERE \(column) = kid(?)", id) == .integer(1))
            #expect(try db.scalar("SELECT typeof(\(column)) FROM completions") == .text("blob"))
        }
        #expect(try db.scalar("SELECT typeof(bin_id) FROM plan_items WHERE id = ?", item) == .text("blob"))
    }

    /// A completion's IDs keep what `TEXT` promised: text or a 16-byte blob; and its item must exist.
    @Test func theColumns_refuseOtherValues_andAnUnknownItem() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let insert =
            "INSERT INTO completions(id, item_id, region_id, career_centre_id, service_code, user_id, state, rev,"
            + " is_primary, performed_at, recorded_at, received_at, clock_skew_ms, event_seq, updated_at)"
            + " VALUES('c', %@, X'00112233445566778899aabbccddeeff', 'r', 1, 'u', 'active', 1, 1, 0, 0, 0, 0, 1, 0)"
        for value in ["42", "X'0102'", "4.5", "kid('00000000-0000-4000-8000-000000000001')"] {
            #expect(throws: SQLiteError.self) { try db.execute(insert.replacingOccurrences(of: "%@", with: value)) }
        }
        #expect(try db.scalar("SELECT count(*) FROM completions") == .integer(0))
    }

    /// `ConsoleRollups.uuidText` (the triggers' `ktext`, in plain SQL) answers as `ktext` does.
    @Test func triggerTextOfABlob_isKtext() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        for value in [
            "kid('\(SyncFixture.uuid())')", "kid('00000000-0000-0000-0000-000000000000')",
            "kid('ffffffff-ffff-ffff-ffff-ffffffffffff')", "'text'", "''", "NULL",
        ] {
            let row = try #require(
                try store.db.queryOne(
                    "SELECT \(ConsoleRollups.uuidText("v")) AS a, ktext(v) AS b FROM (SELECT \(value) AS v)"))
            #expect(row["a"] == row["b"], "\(value)")
        }
    }

    /// The statements that read completions by an ID, on a migrated store: each through its index.
    @Test func completionStatements_readTheirIndexes_onSQLite() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let id = DatabaseValue.text(SyncFixture.uuid())
        let region = Principal(
            kind: .user, userID: "u", role: .regionAdmin, regionID: SyncFixture.uuid(), careerCentreID: nil,
            deviceID: nil, tokenHash: "")
        let supervisor = Principal(
            kind: .user, userID: "s", role: .centreSupervisor, regionID: SyncFixture.uuid(),
            careerCentreID: SyncFixture.uuid(), deviceID: nil, tokenHash: "")
        var statements: [(String, [DatabaseValue], String)] = [
            (
                "SELECT id FROM completions WHERE item_id = kid(?) AND state = 'active' ORDER BY event_seq", [id],
                "completions_item (item_id=?"
            ),
            (
                "SELECT state, rev FROM completions WHERE id = ? AND item_id = kid(?)", [id, id],
                "sqlite_autoindex_completions_1 (id=?"
            ),
            (
                "SELECT \(CompletionStore.columns) FROM completions c WHERE c.id = ?", [id],
                "sqlite_autoindex_completions_1 (id=?"
            ),
            // A completion's item, plan, family and member: plan_items' key, from the blob.
            (
                "SELECT \(CompletionStore.columns) FROM completions c WHERE c.id = ?", [id],
                "sqlite_autoindex_plan_items_1 (id=?"
            ),
            (
                "SELECT \(ChangeLoader.completionColumns) FROM \(ChangeLoader.completionFrom) WHERE c.id = ?", [id],
                "sqlite_autoindex_plan_items_1 (id=?"
            ),
        ]
        for (p, values, index) in [
            (region, [:], "completions_region (region_id=?"),
            (CompletionFilterTests.admin, ["region_id": SyncFixture.uuid()], "completions_region (region_id=?"),
            (supervisor, [:], "completions_region (region_id=?"),
            (CompletionFilterTests.admin, ["worker_id": SyncFixture.uuid()], "devices_user (user_id=?"),
            (CompletionFilterTests.admin, ["family_id": SyncFixture.uuid()], "completions_item (item_id=?"),
        ] as [(Principal, [String: String], String)] {
            let filter = try CompletionFilter({ values[$0] }, for: p)
            statements.append(
                (
                    CompletionStore.consolePageSQL(filter),
                    filter.args + [.integer(Int64.max), .integer(50)], index
                ))
        }
        let (incomplete, values) = ReportStore.incompleteCountStatement(for: region)
        statements.append((incomplete, values, "completions_region (region_id=?"))
        for (sql, values, index) in statements {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values: values).map { try $0.string("detail") }
            #expect(plan.contains { $0.contains("INDEX " + index) }, "\(sql): \(plan)")
        }
    }
}
