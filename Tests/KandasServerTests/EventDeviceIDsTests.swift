import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0049 (issue 15, bytes written per pushed event): `device_events.device_id` is a 16-byte
/// blob on SQLite, written through `kid(?)` and read through `ktext(device_id)`, and still a foreign key:
/// to `devices.bin_id`, the device's ID as a blob, which every device insert writes. Push, pull, the
/// events list and conflict views answer as they did with text, through the same indexes; PostgreSQL
/// keeps text (its `bin_id` is the ID's text) and `store copy` carries both columns both ways.
@Suite(.serialized) struct EventDeviceIDsTests {
    static let migration = "0049-event-device-ids-as-blobs"

    /// Every `device_events` row in `seq` order, its IDs as text whatever their form (`ktext` leaves text as it is).
    static func rows(_ db: Connection) throws -> [[SQLValue]] {
        try db.query(
            "SELECT seq, ktext(device_id), device_seq, ktext(event_id), original, type, ktext(item_id), body,"
                + " received_at, recorded_at, clock_skew_ms, outcome, code, detail, ktext(completion_id),"
                + " completion_rev, conflict_ids, base_version FROM device_events ORDER BY seq"
        ).map(\.values)
    }

    /// Every `devices` column but `bin_id`, by ID.
    static func devices(_ db: Connection) throws -> [[SQLValue]] {
        try db.query(
            "SELECT id, user_id, device_uuid, platform, app_version, device_name, status, enrolled_at, revoked_at,"
                + " revoke_reason, last_device_seq, client_status FROM devices ORDER BY id"
        ).map(\.values)
    }

    /// The store back in its form before 0049 (the `device_events` table and index SQL of a store built
    /// up to 0046, `device_id` as text; `devices` without `bin_id`) and 0049 unrecorded: what a store of
    /// the previous release holds. ``EventBinaryIDsTests`` goes on from here to the form before 0046.
    static func downgrade(_ db: Connection) throws {
        let (table, indexes) = try ScratchStore.schema(of: "device_events", before: "0049")
        #expect(indexes.count == 2 && table.contains("device_id TEXT NOT NULL REFERENCES devices(id)"), "\(table)")
        try db.execute(
            """
            BEGIN;
            ALTER TABLE device_events RENAME TO device_events_blob;
            \(table);
            INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,
                received_at, recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev,
                conflict_ids, base_version)
              SELECT seq, ktext(device_id), device_seq, event_id, original, type, item_id, body, received_at,
                recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev, conflict_ids,
                base_version FROM device_events_blob ORDER BY seq;
            UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'device_events_blob')
              WHERE name = 'device_events';
            DELETE FROM sqlite_sequence WHERE name = 'device_events_blob';
            DROP TABLE device_events_blob;
            \(indexes.joined(separator: ";\n"));
            DROP INDEX devices_bin;
            ALTER TABLE devices DROP COLUMN bin_id;
            DELETE FROM schema_migrations WHERE name = '\(migration)';
            COMMIT;
            """)
    }

    /// The store is filled by pushes of three devices (accepted, rejected and conflicting events, a
    /// device's own and its user's other device's duplicates, another user's reused ID), taken back to
    /// the previous release's form and migrated: every row and device kept, `seq` and the counter
    /// kept, the indexes the same, every `device_id` a blob that references its device's `bin_id`, and
    /// the server answers exactly as before (events lists, conflicts, pulls, every event resent).
    @Test func upgradeFromTheSchemaBefore0049_keepsEveryRow_theSameAnswers_andTheIndexes() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let pushed = try EventBinaryIDsTests.fill(s)
        let answersBefore = try EventBinaryIDsTests.answers(s, pushed)
        #expect(answersBefore.count > 20 && answersBefore.contains { $0.contains("\"duplicate\"") })
        #expect(answersBefore.contains { $0.contains("event_id_reused") })
        s.server.stop()
        let db = try Connection(path: s.server.databasePath)
        let pushedRows = try Self.rows(db)
        let devicesBefore = try Self.devices(db)
        try Self.downgrade(db)
        _ = try db.run("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'device_events'")
        let counter = try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'device_events'")
        let rowsBefore = try Self.rows(db)
        #expect(rowsBefore == pushedRows)
        #expect(try Self.devices(db) == devicesBefore)
        #expect(Set(rowsBefore.map { "\($0[1])" }).count == 3, "three devices' events")
        #expect(Set(rowsBefore.map { "\($0[11])" }).count == 3, "accepted, rejected and duplicate rows")
        #expect(try db.scalar("SELECT count(*) FROM device_events WHERE typeof(device_id) <> 'text'") == .integer(0))
        let indexes = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'device_events'"
        let indexesBefore = try db.query(indexes + " ORDER BY name").map(\.values)
        #expect(indexesBefore.count == 3, "the two indexes and UNIQUE(device_id, device_seq): \(indexesBefore)")

        #expect(try Schema.migrator.migrate(db).first == Self.migration)
        #expect(try Self.rows(db) == rowsBefore)
        #expect(try Self.devices(db) == devicesBefore)
        #expect(try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'device_events'") == counter)
        #expect(try db.query(indexes + " ORDER BY name").map(\.values) == indexesBefore)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        #expect(
            try db.scalar("SELECT count(*) FROM device_events WHERE typeof(device_id) = 'blob'")
                == .integer(Int64(rowsBefore.count)))
        #expect(
            try db.scalar("SELECT count(*) FROM devices WHERE typeof(bin_id) = 'blob' AND bin_id = kid(id)")
                == .integer(Int64(devicesBefore.count)))
        // Every event's device is found by `bin_id`, and it is the device the text named.
        #expect(
            try db.scalar(
                "SELECT count(*) FROM device_events e JOIN devices d ON d.bin_id = e.device_id"
                    + " WHERE d.id = ktext(e.device_id)") == .integer(Int64(rowsBefore.count)))

        try s.server.restart()
        #expect(try EventBinaryIDsTests.answers(s, pushed) == answersBefore)
    }

    /// A store at the current schema with one worker and `devices`: each with `bin_id` when `binary`.
    static func store(devices: [(id: String, binary: Bool)]) throws -> ScratchStore {
        let store = try ScratchStore()
        _ = try store.db.run(
            "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                + " updated_at) VALUES('u', 'w1', 'Worker', 'field_worker', 1, 'x', 1, 0, 0)")
        for device in devices {
            _ = try store.db.run(
                "INSERT INTO devices(id, bin_id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                    + " VALUES(?, \(device.binary ? "kid(?)" : "NULL"), 'u', 'x', 'cli', '1.0.0', 'active', 0)",
                values: device.binary ? [.text(device.id), .text(device.id)] : [.text(device.id)])
        }
        return store
    }

    /// An event row of `device` at `seq`, its device bound as `device` (SQL: `kid(?)` or `?`).
    static func insertEvent(_ db: Connection, device: String = "kid(?)", _ id: String, seq: Int) throws {
        _ = try db.run(
            "INSERT INTO device_events(device_id, device_seq, event_id, original, type, item_id, body, received_at,"
                + " recorded_at, clock_skew_ms, outcome) VALUES(\(device), ?, kid(?), 1, 'complete', kid(?), '', 0, 0,"
                + " 0, 'accepted')",
            values: [
                .text(id), .integer(Int64(seq)), .text(UUID().uuidString.lowercased()),
                .text(UUID().uuidString.lowercased()),
            ])
    }

    /// The foreign key holds with blobs: an event of a device that does not exist, or of a device row
    /// without `bin_id`, is refused and leaves nothing; a device row can get no `bin_id` other than
    /// text or a 16-byte blob; a text-bound device matches no blob (the push's statements bind `kid(?)`).
    @Test func eventsOfUnknownDevices_orDevicesWithoutBinID_areRefused_andTextMatchesNoBlob() throws {
        let known = UUID().uuidString.lowercased()
        let bare = UUID().uuidString.lowercased()
        let store = try Self.store(devices: [(known, true), (bare, false)])
        defer { store.remove() }
        let db = store.db
        try Self.insertEvent(db, known, seq: 1)
        #expect(try db.scalar("SELECT typeof(device_id) FROM device_events") == .text("blob"))
        #expect(throws: SQLiteError.self) { try Self.insertEvent(db, UUID().uuidString.lowercased(), seq: 1) }
        #expect(throws: SQLiteError.self) { try Self.insertEvent(db, bare, seq: 1) }
        #expect(throws: SQLiteError.self) { try Self.insertEvent(db, device: "?", known, seq: 2) }
        #expect(try db.scalar("SELECT count(*) FROM device_events") == .integer(1))
        #expect(throws: SQLiteError.self) { try db.run("UPDATE devices SET bin_id = X'0102' WHERE id = ?", bare) }
        #expect(throws: SQLiteError.self) { try db.run("UPDATE devices SET bin_id = 4.5 WHERE id = ?", bare) }
        #expect(throws: SQLiteError.self) { try db.run("UPDATE devices SET bin_id = kid(?) WHERE id = ?", known, bare) }

        // Each lookup by device finds the row with the device bound through `kid`, and none bound as text.
        let event = try #require(try db.queryOne("SELECT ktext(event_id) AS id FROM device_events")).string("id")
        let lookups: [(String, [SQLValue])] = [
            (PushHandler.resendSQL, [.text(known), .integer(1)]),
            (PushHandler.earlierEventSQL, [.text(event), .text(known), .integer(9)]),
            (EventOutcomes.resultSQL, [.text(known), .text(event)]),
            (ChangeLoader.outcomesSQL(SQLiteDialect()), [.text("[\"\(event)\"]"), .text(known)]),
        ]
        for (sql, values) in lookups {
            #expect(try db.query(sql, values: values).count == 1, "\(sql)")
            let textBound = sql.replacingOccurrences(of: "device_id = kid(", with: "device_id = (")
            #expect(textBound != sql)
            #expect(try db.query(textBound, values: values).isEmpty, "\(textBound): bound as text, no blob is found")
        }
        #expect(try db.queryOne(EventOutcomes.originalDeviceSQL, event)?.string("device_id") == known)
    }

    /// The push's hot lookups by device, and an event's user through its device, on a migrated store:
    /// each through an index, never a scan of `device_events` or `devices`.
    @Test func deviceStatements_readTheirIndexes_onSQLite() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let id = SQLValue.text(SyncFixture.uuid())
        let list = SQLValue.text("[\"\(SyncFixture.uuid())\"]")
        let pair = "sqlite_autoindex_device_events_1 (device_id=? AND device_seq=?"
        let user = "devices_bin (bin_id=?"
        let statements: [(String, [SQLValue], [String])] = [
            (PushHandler.resendSQL, [id, .integer(1)], [pair]),
            (PushHandler.earlierEventSQL, [id, id, .integer(9)], ["device_events_event (event_id=?"]),
            (PushHandler.originalUserSQL, [id], ["device_events_event (event_id=?", user]),
            (EventOutcomes.resultSQL, [id, id], ["device_events_event (event_id=?"]),
            (EventApplier.ItemCache.originalsSQL(SQLiteDialect()), [list], ["device_events_event (event_id=?", user]),
            (ChangeLoader.outcomesSQL(SQLiteDialect()), [list, id], ["sqlite_autoindex_device_events_1 (device_id=?"]),
            ("SELECT \(EventBodies.userSQL) FROM device_events e WHERE e.seq = ?", [.integer(1)], [user]),
        ]
        for (sql, values, indexes) in statements {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values: values).map { try $0.string("detail") }
            for index in indexes { #expect(plan.contains { $0.contains("INDEX " + index) }, "\(sql): \(plan)") }
            #expect(!plan.contains { $0.hasPrefix("SCAN e") || $0.hasPrefix("SCAN d") }, "\(sql): \(plan)")
        }
    }

    /// `store copy` of a pushed store to PostgreSQL and back: every table's rows and digests verify both
    /// ways, and the store that comes back is the one that left (blob device IDs and `bin_id` included).
    /// On PostgreSQL the IDs are text: `bin_id` is each device's ID and events reference `devices(id)`.
    @Test func pushedStore_copiesToPostgresAndBack_withTheDeviceColumns() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        _ = try EventBinaryIDsTests.fill(s)
        s.server.stop()
        let restored = TemporaryFolder(prefix: "kandas-copy")
        defer { restored.remove() }
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        defer { cluster.dropDatabase(url) }
        let target = "postgresql://kandas:copy-secret@127.0.0.1:\(cluster.port)/\(url.database)"
        let (forward, forwardOutput) = try ServerProcess.run(
            ["store", "copy", "--from", s.server.dataDirectory, "--to", target])
        #expect(forward == 0, "\(forwardOutput)")
        #expect(forwardOutput.contains("device_events: ") && forwardOutput.contains("devices: "), "\(forwardOutput)")
        let engine = try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
        let onPostgres = try engine.writeSync { db in
            try db.queryOne(
                "SELECT (SELECT count(*) FROM devices WHERE bin_id = id) AS same, (SELECT count(*) FROM devices) AS n,"
                    + " (SELECT count(*) FROM device_events e JOIN devices d ON d.id = e.device_id) AS events")
        }
        engine.close()
        #expect(try onPostgres?.int("same") == 3 && onPostgres?.int("n") == 3)
        let (back, backOutput) = try ServerProcess.run(["store", "copy", "--from", target, "--to", restored.path])
        #expect(back == 0, "\(backOutput)")
        let db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        #expect(try onPostgres?.int("events") == db.scalar("SELECT count(*) FROM device_events").integer)
        #expect(
            try ServerProcess.databaseDigest(s.server.databasePath, excluding: ["schema_migrations"])
                == ServerProcess.databaseDigest(restored.path + "/kandas.sqlite", excluding: ["schema_migrations"]))
        let copy = try Connection(
            path: restored.path + "/kandas.sqlite", options: .init(readOnly: true, journalMode: nil))
        #expect(try copy.scalar("SELECT count(*) FROM devices WHERE typeof(bin_id) = 'blob'") == .integer(3))
        #expect(try copy.query("PRAGMA foreign_key_check").isEmpty)
    }

    /// The same pushes on PostgreSQL, where the IDs stay text and `bin_id` is the device's ID: the
    /// shared SQL finds duplicates, other users' reuse and every event's user as on SQLite.
    @Test func pushesOnPostgres_answerAsOnSQLite() throws {
        let s = try SyncFixture(engine: .postgresql)
        defer { s.server.cleanup() }
        let pushed = try EventBinaryIDsTests.fill(s)
        let answers = try EventBinaryIDsTests.answers(s, pushed)
        #expect(answers.count > 20 && answers.contains { $0.contains("\"duplicate\"") })
        #expect(answers.contains { $0.contains("event_id_reused") })
        // The events lists name each event's user (through `devices.bin_id`).
        #expect(answers.prefix(4).allSatisfy { $0.contains("\"user_id\":\"") }, "\(answers.prefix(4))")
    }
}

extension SQLValue {
    fileprivate var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
