import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Issue 15: an accepted `complete` without files stores no body (`EventBodies`, migration 0026);
/// the event is rebuilt from its completion, equal to the one received, also after an amend changed
/// the completion, and a store from before the migration keeps every row.
@Suite(.serialized) struct EventBodyTests {
    func storedEvents(_ s: SyncFixture, _ completion: String) throws -> [StoredEvent] {
        let r = try s.base.admin.get("/v1/admin/completions/\(completion)/events")
        #expect(r.status == 200, "\(r)")
        return try JSONCoding.decodeStrict(Page<StoredEvent>.self, from: Data(r.body)).items
    }

    func bodies(_ s: SyncFixture) throws -> [String: String] {
        let db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        var out: [String: String] = [:]
        for row in try db.query("SELECT ktext(event_id) AS event_id, body FROM device_events") {
            out[try row.string("event_id")] = try row.string("body")
        }
        return out
    }

    static func decoded(_ event: [String: Any]) throws -> DeviceEvent {
        try JSONCoding.decodeStrict(DeviceEvent.self, from: Data(SyncFixture.json(event).utf8))
    }

    @Test func acceptedCompleteWithoutFiles_storesNoBody_andItsEventIsTheOneReceived_evenAfterAnAmend() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let completion = SyncFixture.uuid()
        var complete = SyncFixture.complete(
            d, item: item, member: member, note: "«Жұмыс» done \"ok\"", completion: completion)
        complete["base_version"] = 1
        let withFiles = SyncFixture.complete(d, item: item, member: member, files: [SyncFixture.file()])
        let results = try s.results(d, [complete, withFiles])
        #expect(results.map { $0["outcome"] as? String } == ["accepted", "accepted"])
        var stored = try bodies(s)
        #expect(stored[complete["event_id"] as? String ?? ""] == "")
        #expect(stored[withFiles["event_id"] as? String ?? ""]?.isEmpty == false)
        #expect(try storedEvents(s, completion).map(\.event) == [try Self.decoded(complete)])
        // An amend changes the completion's note and location: the complete event stays as received.
        let amend = SyncFixture.amend(
            d, item: item, completion: completion, baseRev: 1,
            changes: ["note": "changed", "location": NSNull()])
        #expect(try s.results(d, [amend]).first?["outcome"] as? String == "accepted")
        stored = try bodies(s)
        #expect(stored[complete["event_id"] as? String ?? ""]?.isEmpty == false)
        #expect(try storedEvents(s, completion).map(\.event) == [try Self.decoded(complete), try Self.decoded(amend)])
        // A resend is still a duplicate with the stored outcome.
        let again = try s.push(d, [complete])
        let result = try #require((again.object["results"] as? [[String: Any]])?.first)
        #expect(result["outcome"] as? String == "duplicate" && result["stored_outcome"] as? String == "accepted")
        #expect(result["completion_id"] as? String == completion)
    }

    @Test func aConflictShowsARebuiltCompleteEvent() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 9)
        let first = SyncFixture.complete(a, item: item, member: member, note: "first")
        let second = SyncFixture.complete(b, item: item, member: member, note: "second")
        _ = try s.results(a, [first])
        let conflictID = try #require((try s.results(b, [second]).first?["conflict_ids"] as? [String])?.first)
        #expect(try bodies(s).values.allSatisfy(\.isEmpty))
        let r = try s.base.admin.get("/v1/admin/conflicts/\(conflictID)")
        let conflict = try JSONCoding.decodeStrict(Conflict.self, from: Data(r.body))
        #expect(conflict.eventIDs.map(\.description) == [first["event_id"] as? String, second["event_id"] as? String])
        #expect(conflict.versions.map(\.userID.description) == [s.base.user("worker111"), s.base.user("worker111")])
    }

    @Test(arguments: StoreEngine.allCases) func aVoidFromRevZero_listsTheCompleteEventAmongTheLaterOnes(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let completion = SyncFixture.uuid()
        let complete = SyncFixture.complete(d, item: item, member: member, completion: completion)
        _ = try s.results(d, [complete])
        let void = SyncFixture.event(
            d, "void", item: item, payload: ["completion_id": completion, "base_completion_rev": 0, "reason": "wrong"])
        let result = try #require(try s.results(d, [void]).first)
        let conflictID = try #require((result["conflict_ids"] as? [String])?.first, "\(result)")
        let r = try s.base.admin.get("/v1/admin/conflicts/\(conflictID)")
        let conflict = try JSONCoding.decodeStrict(Conflict.self, from: Data(r.body))
        #expect(conflict.kind == .staleVoid)
        #expect(
            conflict.eventIDs.map(\.description) == [complete["event_id"] as? String, void["event_id"] as? String])
        #expect(try storedEvents(s, completion).map(\.event) == [try Self.decoded(complete), try Self.decoded(void)])
    }

    @Test func upgradeFromTheSchemaBefore0026_keepsEveryRowAndBody() throws {
        let store = try ScratchStore(before: "0026")
        defer { store.remove() }
        let db = store.db
        _ = try db.run(
            "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                + " updated_at) VALUES('u', 'w1', 'Worker', 'field_worker', 1, 'x', 1, 0, 0)")
        _ = try db.run(
            "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                + " VALUES('d', 'u', 'x', 'cli', '1.0.0', 'active', 0)")
        _ = try db.run(
            "INSERT INTO device_events(device_id, device_seq, event_id, user_id, original, type, item_id, body,"
                + " received_at, recorded_at, clock_skew_ms, outcome, completion_id, completion_rev)"
                + " VALUES('d', 1, 'e1', 'u', 1, 'complete', 'i', '{\"old\":1}', 1, 1, 0, 'accepted', 'c1', 1)")
        let before = try db.query("SELECT * FROM device_events").count
        try Schema.migrator.migrate(db)
        let rows = try db.query("SELECT body, base_version FROM device_events")
        #expect(rows.count == before)
        #expect(try rows.first?.string("body") == "{\"old\":1}")
        #expect(
            try db.queryOne("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'completions_received'")?.int("n")
                == 0)
    }
}

/// Migration 0028: `device_events_completion` leaves `complete` events out; every query of a
/// completion's events still reads an index, never the whole `device_events` table.
@Suite struct EventCompletionIndexTests {
    @Test func eventsOfACompletion_readTheIndexOrTheCompletionsEventSeq_neverAScan() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let queries: [(String, [SQLValue])] = [
            ("SELECT seq FROM device_events e WHERE \(EventBodies.ofCompletion("e", "?1")) ORDER BY seq", [.text("c")]),
            (
                "SELECT seq, body FROM device_events WHERE completion_id = kid(?) AND type <> 'complete'"
                    + " AND type = 'amend' AND outcome = 'accepted' AND original = 1 AND completion_rev > ? ORDER BY seq",
                [.text("c"), .integer(1)]
            ),
            (
                "SELECT seq FROM device_events WHERE completion_id = kid(?1) AND type <> 'complete'"
                    + " AND outcome = 'accepted' AND original = 1 AND completion_rev > ?2"
                    + " UNION SELECT event_seq AS seq FROM completions WHERE id = ?1 AND ?2 < 1 ORDER BY seq",
                [.text("c"), .integer(1)]
            ),
        ]
        for (sql, values) in queries {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values: values).map { try $0.string("detail") }.joined(
                separator: "; ")
            #expect(plan.contains("device_events_completion"), "\(plan)")
            #expect(!plan.contains("SCAN e") && !plan.contains("SCAN device_events"), "\(plan)")
        }
    }
}
