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
        // Through every later migration: 0035 retires with the SQL of its time (text kinds), 0048 then
        // turns the kinds into codes.
        let applied = try Schema.migrator.migrate(db)
        #expect(applied.first == "0035-feed-outcomes-unindexed" && applied.contains("0048-feed-rows-compact"))
        let seqs = try db.query("SELECT seq FROM changes ORDER BY seq").map { try $0.int("seq") }
        #expect(seqs == [1, 2, 3, 4, 5, 6, 7, 8])
        let retired = try db.query("SELECT seq FROM changes WHERE device_id = ''").map { try $0.int("seq") }
        #expect(retired == [1])
        let kinds = try db.query("SELECT entity, op FROM changes ORDER BY seq").map {
            "\(FeedCodes.entity(try $0.int("entity"))?.rawValue ?? "?") \(FeedOp(rawValue: try $0.int("op"))?.name ?? "?")"
        }
        #expect(
            kinds
                == [
                    "event_outcome", "event_outcome", "event_outcome", "completion", "event_outcome", "completion",
                    "receipt", "receipt",
                ].map { $0 + " upsert" })
        let sql = try #require(
            try db.queryOne("SELECT sql FROM sqlite_schema WHERE name = 'changes_entity'")?.string("sql"))
        #expect(sql.contains("WHERE entity <> 1") && FeedCodes.code(.eventOutcome) == 1)
    }

    @Test func feedQueriesByEntity_readTheIndex() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let queries: [(String, [SQLValue], String)] = [
            (CompletionStore.laterItemRowSQL, [.text("i"), .integer(0)], "changes_entity"),
            (PushHandler.earlierEventSQL, [.text("e"), .text("d"), .integer(9)], "device_events_event"),
        ]
        for (sql, values, index) in queries {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values).map { try $0.string("detail") }
            #expect(plan.allSatisfy { !$0.hasPrefix("SCAN") }, "\(sql): \(plan)")
            #expect(plan.contains { $0.contains("INDEX " + index) }, "\(sql): \(plan)")
        }
    }
}
