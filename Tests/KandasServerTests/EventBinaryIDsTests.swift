import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0046 (issue 15, bytes written per pushed event): `device_events`' UUIDs without a foreign
/// key (`event_id`, `item_id`, `completion_id`) are 16-byte blobs on SQLite, written through `kid(?)`
/// and read through `ktext(col)`; `device_id` stayed text (a blob since 0049: ``EventDeviceIDsTests``). Push, pull, the events list and conflict
/// views answer as they did with text, duplicates are still found (§6.2), through the same indexes.
@Suite(.serialized) struct EventBinaryIDsTests {
    static let migration = "0046-event-ids-as-blobs"

    /// A store with events of every kind: accepted `complete`s (with and without files), amends and a
    /// void, rejected events, conflicts (same-field amend, stale void), duplicates of the same device
    /// (resent and consumed again at a new `device_seq`), of the user's other device, and another
    /// user's reuse of an event ID (rejected).
    struct Pushed {
        var devices: [SyncFixture.Device]
        var events: [[[String: Any]]]
        var completions: [String]
        var conflicts: [String]
    }

    static func fill(_ s: SyncFixture) throws -> Pushed {
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let other = try s.enroll("worker112")
        let (item, member) = try s.addItem(service: 21)
        let (item2, member2) = try s.addItem(service: 22)
        let (c1, c2) = (SyncFixture.uuid(), SyncFixture.uuid())
        let complete = SyncFixture.complete(a, item: item, member: member, note: "v1", completion: c1)
        let withFiles = SyncFixture.complete(
            a, item: item2, member: member2, files: [SyncFixture.file()], completion: c2)
        let amendA = SyncFixture.amend(a, item: item, completion: c1, baseRev: 1, changes: ["note": "from A"])
        let unknown = SyncFixture.amend(
            a, item: item, completion: SyncFixture.uuid(), baseRev: 1, changes: ["note": "nothing to amend"])
        var eventsA = [complete, withFiles, amendA, unknown]
        #expect(
            try s.results(a, eventsA).map { $0["outcome"] as? String } == [
                "accepted", "accepted", "accepted", "rejected",
            ])
        let amendB = SyncFixture.amend(b, item: item, completion: c1, baseRev: 1, changes: ["note": "from B"])
        let voidB = SyncFixture.event(
            b, "void", item: item2, payload: ["completion_id": c2, "base_completion_rev": 0, "reason": "mistake"])
        var againB = complete
        againB["device_seq"] = b.nextSeq()
        var eventsB = [amendB, voidB, againB]
        let resultsB = try s.results(b, eventsB)
        #expect(resultsB.map { $0["outcome"] as? String } == ["accepted", "accepted", "duplicate"], "\(resultsB)")
        let conflicts = resultsB.flatMap { $0["conflict_ids"] as? [String] ?? [] }
        #expect(conflicts.count == 2, "\(resultsB)")
        // a consumes its first event again at a new device_seq, and b's amend: stored as duplicates.
        var again = complete
        again["device_seq"] = a.nextSeq()
        var lost = amendB
        lost["device_seq"] = a.nextSeq()
        eventsA += [again, lost]
        #expect(try s.results(a, [again]).count == 1)
        #expect(try s.results(a, [lost]).first?["outcome"] as? String == "duplicate")
        var reused = withFiles
        reused["device_seq"] = other.nextSeq()
        let eventsOther = [reused]
        #expect(try s.results(other, eventsOther).first?["code"] as? String == "event_id_reused")
        eventsB.append(SyncFixture.amend(b, item: item, completion: c1, baseRev: 3, changes: ["note": "last"]))
        #expect(try s.results(b, [eventsB[3]]).first?["outcome"] as? String == "accepted")
        return Pushed(
            devices: [a, b, other], events: [eventsA, eventsB, eventsOther], completions: [c1, c2],
            conflicts: conflicts)
    }

    /// What the server answers about the stored events: each completion's events list (whole and in
    /// pages), each conflict, each device's full pull (outcomes, completions, conflicts), and every event
    /// resent (duplicates with the stored outcomes).
    static func answers(_ s: SyncFixture, _ pushed: Pushed) throws -> [String] {
        let admin = try s.server.login("admin")
        var out: [String] = []
        for completion in pushed.completions {
            for target in ["", "?limit=2"] {
                let r = try admin.get("/v1/admin/completions/\(completion)/events\(target)")
                #expect(r.status == 200, "\(r)")
                out.append(String(decoding: r.body, as: UTF8.self))
            }
        }
        for conflict in pushed.conflicts {
            let r = try admin.get("/v1/admin/conflicts/\(conflict)")
            #expect(r.status == 200, "\(r)")
            out.append(String(decoding: r.body, as: UTF8.self))
        }
        for (device, events) in zip(pushed.devices, pushed.events) {
            s.reconnect(device)
            device.cursor = nil
            let changes = try s.pull(device).changes.filter {
                ["event_outcome", "completion", "conflict"].contains($0["entity"] as? String ?? "")
            }
            out += changes.map(SyncFixture.json)
            // One push per event: a batch may not repeat an event ID.
            for event in events { out += try s.results(device, [event]).map(SyncFixture.json) }
        }
        return out
    }

    /// `device_events` as the pre-0046 store holds it, in `seq` order (IDs read back as text after it).
    static func rows(_ db: Connection, text: Bool) throws -> [[SQLValue]] {
        let ids = text ? "event_id, item_id, completion_id" : "ktext(event_id), ktext(item_id), ktext(completion_id)"
        return try db.query(
            "SELECT seq, ktext(device_id), device_seq, \(ids), original, type, body, received_at, recorded_at,"
                + " clock_skew_ms, outcome, code, detail, completion_rev, conflict_ids, base_version"
                + " FROM device_events ORDER BY seq"
        ).map(\.values)
    }

    /// The store's `device_events` back in its form before 0046 (the table and index SQL of a store
    /// built up to 0045, IDs as text) and 0046 unrecorded: what a store of the previous release holds.
    /// First back to the form before 0049 (``EventDeviceIDsTests/downgrade(_:)``), which 0046 leaves.
    static func downgrade(_ db: Connection) throws {
        try EventDeviceIDsTests.downgrade(db)
        let (table, indexes) = try ScratchStore.schema(of: "device_events", before: "0046")
        #expect(indexes.count == 2 && table.contains("event_id TEXT NOT NULL"), "\(table) \(indexes)")
        try db.execute(
            """
            BEGIN;
            ALTER TABLE device_events RENAME TO device_events_blob;
            \(table);
            INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,
                received_at, recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev,
                conflict_ids, base_version)
              SELECT seq, device_id, device_seq, ktext(event_id), original, type, ktext(item_id), body, received_at,
                recorded_at, clock_skew_ms, outcome, code, detail, ktext(completion_id), completion_rev,
                conflict_ids, base_version FROM device_events_blob ORDER BY seq;
            UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'device_events_blob')
              WHERE name = 'device_events';
            DELETE FROM sqlite_sequence WHERE name = 'device_events_blob';
            DROP TABLE device_events_blob;
            \(indexes.joined(separator: ";\n"));
            DELETE FROM schema_migrations WHERE name = '\(migration)';
            COMMIT;
            """)
    }

    /// The store is filled by pushes (IDs written as blobs), then taken back to the form the previous
    /// release stores (text IDs, 0046 unrecorded, every row as it was) and migrated: the server answers
    /// exactly as it did before, every row and the counter are kept, and the indexes are the same.
    @Test func upgradeFromTheSchemaBefore0046_keepsEveryRow_theSameAnswers_andTheIndexes() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let pushed = try Self.fill(s)
        let answersBefore = try Self.answers(s, pushed)
        #expect(answersBefore.count > 20 && answersBefore.contains { $0.contains("\"duplicate\"") })
        s.server.stop()
        let db = try Connection(path: s.server.databasePath)
        let pushedRows = try Self.rows(db, text: false)
        try Self.downgrade(db)
        // The AUTOINCREMENT counter ahead of the newest row (a rolled-forward store): kept, not recounted.
        _ = try db.run("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'device_events'")
        let counter = try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'device_events'")
        let rowsBefore = try Self.rows(db, text: true)
        #expect(rowsBefore == pushedRows)
        #expect(Set(rowsBefore.map { "\($0[12])" }).count == 3, "accepted, rejected and duplicate rows")
        #expect(Set(rowsBefore.map { "\($0[7])" }).count == 3, "complete, amend and void rows")
        #expect(try db.scalar("SELECT count(*) FROM device_events WHERE typeof(event_id) = 'blob'") == .integer(0))
        let indexes = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'device_events'"
        let indexesBefore = try db.query(indexes + " ORDER BY name").map(\.values)
        #expect(indexesBefore.count == 3, "the two indexes and UNIQUE(device_id, device_seq): \(indexesBefore)")

        #expect(try Schema.migrator.migrate(db).first == Self.migration)
        #expect(try Self.rows(db, text: false) == rowsBefore)
        #expect(try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'device_events'") == counter)
        #expect(try db.query(indexes + " ORDER BY name").map(\.values) == indexesBefore)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        // Every event and item ID is a blob now, completion IDs where there is one.
        let kinds = try db.query(
            "SELECT typeof(event_id) || ' ' || typeof(item_id) || ' ' || typeof(completion_id) AS k, count(*) AS n"
                + " FROM device_events GROUP BY k ORDER BY k"
        ).map { "\(try $0.string("k")) \(try $0.int("n"))" }
        let withCompletion = rowsBefore.filter { $0[5] != .null }.count
        #expect(kinds == ["blob blob blob \(withCompletion)", "blob blob null \(rowsBefore.count - withCompletion)"])

        try s.server.restart()
        #expect(try Self.answers(s, pushed) == answersBefore)
    }

    /// §6.2 after the migration: a resent event ID is a duplicate (same device or the user's other
    /// device, at a new `device_seq` or the same), another user's is rejected; one original row, one completion.
    /// The lookup binds through `kid`: bound as text, it would find no original and take the event.
    @Test func resentEventIDs_areDuplicates_afterTheMigration() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let other = try s.enroll("worker112")
        let (item, member) = try s.addItem(service: 21)
        let completion = SyncFixture.uuid()
        let event = SyncFixture.complete(a, item: item, member: member, completion: completion)
        #expect(try s.results(a, [event]).first?["outcome"] as? String == "accepted")
        #expect(try s.results(a, [event]).first?["outcome"] as? String == "duplicate")
        var again = event
        again["device_seq"] = a.nextSeq()
        // Stored as a duplicate (below); the answer is the device's stored result of the ID, as before 0046.
        #expect(try s.results(a, [again]).count == 1)
        var fromB = event
        fromB["device_seq"] = b.nextSeq()
        let duplicate = try #require(try s.results(b, [fromB]).first)
        #expect(duplicate["outcome"] as? String == "duplicate" && duplicate["stored_outcome"] as? String == "accepted")
        #expect(duplicate["completion_id"] as? String == completion)
        var fromOther = event
        fromOther["device_seq"] = other.nextSeq()
        #expect(try s.results(other, [fromOther]).first?["code"] as? String == "event_id_reused")

        let db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        let id = try #require(event["event_id"] as? String)
        let rows = try db.query(
            "SELECT original, outcome, typeof(event_id) AS kind FROM device_events WHERE event_id = kid(?)"
                + " ORDER BY seq", id
        ).map { "\(try $0.int("original")) \(try $0.string("outcome")) \(try $0.string("kind"))" }
        #expect(rows == ["1 accepted blob", "0 duplicate blob", "0 duplicate blob", "0 rejected blob"])
        #expect(try db.scalar("SELECT count(*) FROM completions WHERE id = ?", completion) == .integer(1))
        let user = try db.queryOne(PushHandler.originalUserSQL, id)?.string("user_id")
        #expect(user == s.base.user("worker111"))
        let textBound = PushHandler.originalUserSQL.replacingOccurrences(of: "kid(?)", with: "?")
        #expect(try db.queryOne(textBound, id) == nil, "bound as text, the blob IDs are never found")
    }

    /// The statements that read `device_events` by an ID, on a migrated store: each through an index.
    @Test func eventStatements_readTheirIndexes_onSQLite() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = store.db
        let id = SQLValue.text(SyncFixture.uuid())
        let list = SQLValue.text("[\"\(SyncFixture.uuid())\",\"\(SyncFixture.uuid())\"]")
        let event = "device_events_event (event_id=?"
        // Pull's outcomes read the device's rows (the plan they had with text IDs).
        let device = "sqlite_autoindex_device_events_1 (device_id=?"
        let statements: [(String, [SQLValue], String)] = [
            (PushHandler.originalUserSQL, [id], event),
            (PushHandler.earlierEventSQL, [id, id, .integer(9)], event),
            (PushHandler.resendSQL, [id, .integer(1)], device + " AND device_seq=?"),
            (EventOutcomes.resultSQL, [id, id], event),
            (EventOutcomes.originalDeviceSQL, [id], event),
            (EventApplier.ItemCache.originalsSQL(SQLiteDialect()), [list], event),
            (ChangeLoader.outcomesSQL(SQLiteDialect()), [list, id], device),
            (
                "SELECT e.seq FROM device_events e WHERE \(EventBodies.ofCompletion("e", "?1"))", [id],
                "device_events_completion (completion_id=?"
            ),
        ]
        for (sql, values, index) in statements {
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, values: values).map { try $0.string("detail") }
            #expect(plan.contains { $0.contains("INDEX " + index) }, "\(sql): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN e") || $0.hasPrefix("SCAN device_events") }, "\(sql): \(plan)")
        }
    }
}
