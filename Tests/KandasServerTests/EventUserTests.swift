import Foundation
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0039 (issue 15, bytes written per pushed event): `device_events` loses `user_id`; an
/// event's user is its device's (`EventBodies.userSQL`), the same for every row of a store from before.
@Suite struct EventUserTests {
    @Test func upgradeFromTheSchemaBefore0039_keepsEveryEvent_andEachEventsUser() throws {
        let store = try ScratchStore(before: "0039")
        defer { store.remove() }
        let db = store.db
        for (user, device) in [("u1", "d1"), ("u2", "d2"), ("u1", "d3")] {
            if try db.queryOne("SELECT 1 AS x FROM users WHERE id = ?", user) == nil {
                _ = try db.run(
                    "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                        + " updated_at) VALUES(?, ?, 'Worker', 'field_worker', 1, 'x', 1, 0, 0)", user, "w" + user)
            }
            _ = try db.run(
                "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                    + " VALUES(?, ?, 'x', 'cli', '1.0.0', 'active', 0)", device, user)
        }
        // An original on d1, its duplicate from d3 (same user, enrolled again), another user's reuse on d2.
        for (seq, device, original, outcome) in [
            (1, "d1", 1, "accepted"), (1, "d3", 0, "duplicate"), (1, "d2", 0, "rejected"),
        ] {
            _ = try db.run(
                "INSERT INTO device_events(device_id, device_seq, event_id, user_id, original, type, item_id, body,"
                    + " received_at, recorded_at, clock_skew_ms, outcome) VALUES(?, ?, 'e1',"
                    + " (SELECT user_id FROM devices WHERE id = ?), ?, 'complete', 'i', '{}', 1, 1, 0, ?)",
                device, seq, device, original, outcome)
        }
        let stored = try db.query("SELECT seq, user_id FROM device_events ORDER BY seq").map {
            "\(try $0.int("seq")) \(try $0.string("user_id"))"
        }
        #expect(try Schema.migrator.migrate(db).first == "0039-event-user-from-device")
        #expect(
            try db.queryOne("SELECT count(*) AS n FROM pragma_table_info('device_events') WHERE name = 'user_id'")?
                .int("n") == 0)
        let read = try db.query("SELECT e.seq, \(EventBodies.userSQL) FROM device_events e ORDER BY e.seq").map {
            "\(try $0.int("seq")) \(try $0.string("user_id"))"
        }
        #expect(read == stored && read == ["1 u1", "2 u1", "3 u2"])
        #expect(try db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }
}
