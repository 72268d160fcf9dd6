import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0035 (issue 15, bytes written per pushed event): `event_outcome` rows leave
/// `changes_entity`; a device has one live outcome row per event (the push retires the older one),
/// so pull returns what it did when it looked for a later row itself.
@Suite(.serialized) struct OutcomeFeedTests {
    @Test(arguments: StoreEngine.allCases) func sameEventAtANewDeviceSeq_leavesOneOutcomeRow_pulledOnce(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let event = SyncFixture.complete(d, item: item, member: member)
        let eventID = try #require(event["event_id"] as? String)
        #expect(try s.results(d, [event]).first?["outcome"] as? String == "accepted")
        _ = try s.pull(d)
        // The same event ID again at the next device_seq: consumed as a duplicate of the original.
        var again = event
        again["device_seq"] = d.nextSeq()
        #expect(try s.results(d, [again]).count == 1)
        // A device enrolled again for the same worker resends it: its own outcome row, the first
        // device's stays.
        let e = try s.enroll("worker111")
        var resent = event
        resent["device_seq"] = e.nextSeq()
        #expect(try s.results(e, [resent]).first?["outcome"] as? String == "duplicate")
        // The incremental pull sends the newer outcome; a full pull (a new cursor) sends it once.
        let newer = SyncFixture.entities(try s.pull(d).changes, "event_outcome")
        #expect(newer.count == 1 && newer.first?["id"] as? String == eventID)
        d.cursor = nil
        let full = try s.pull(d).changes
        let outcomes = SyncFixture.entities(full, "event_outcome").filter { $0["id"] as? String == eventID }
        #expect(outcomes.count == 1)
        #expect(outcomes.first?["seq"] as? Int == newer.first?["seq"] as? Int)
        #expect(SyncFixture.entities(try s.pull(e).changes, "event_outcome").count == 1)
    }

    @Test func upgradeFromTheSchemaBefore0035_keepsEveryRow_andRetiresADevicesOlderOutcomes() throws {
        let store = try ScratchStore(before: "0035")
        defer { store.remove() }
        let db = store.db
        // seq 1-8: an event's outcome twice for d1 (a duplicate at a new device_seq), once for d2,
        // another event's once for d1, a completion upserted twice, two receipts of one completion.
        for (entity, id, family, device) in [
            ("event_outcome", "e1", "", "d1"), ("event_outcome", "e1", "", "d2"), ("event_outcome", "e2", "", "d1"),
            ("completion", "c1", "f1", nil), ("event_outcome", "e1", "", "d1"), ("completion", "c1", "f1", nil),
            ("receipt", "c1", "f1", "d1"), ("receipt", "c1", "f1", "d1"),
        ] {
            _ = try db.run(
                "INSERT INTO changes(entity, entity_id, family_id, op, at, device_id) VALUES(?,?,?,'upsert',0,?)",
                entity, id, family, device)
        }
        try Schema.migrator.migrate(db)
        let seqs = try db.query("SELECT seq FROM changes ORDER BY seq").map { try $0.int("seq") }
        #expect(seqs == [1, 2, 3, 4, 5, 6, 7, 8])
        let retired = try db.query("SELECT seq FROM changes WHERE device_id = ''").map { try $0.int("seq") }
        #expect(retired == [1])
        let sql = try #require(
            try db.queryOne("SELECT sql FROM sqlite_schema WHERE name = 'changes_entity'")?.string("sql"))
        #expect(sql.contains("WHERE entity <> 'event_outcome'"))
    }

    @Test func feedQueriesByEntity_readTheIndex() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let queries: [(String, [SQLValue])] = [
            (
                "SELECT 1 FROM changes WHERE entity_id = kid(?) AND seq > ? AND entity = 'plan_item'"
                    + " AND entity <> 'event_outcome' AND device_id IS NULL", [.text("i"), .integer(0)]
            ),
            (
                "SELECT 1 FROM device_events WHERE event_id = kid(?) AND device_id = kid(?) AND seq < ?",
                [.text("e"), .text("d"), .integer(9)]
            ),
        ]
        for (sql, values) in queries {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values).map { try $0.string("detail") }
            #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") }, "\(sql): \(plan)")
        }
    }
}
