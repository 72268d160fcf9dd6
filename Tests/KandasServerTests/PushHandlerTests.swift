import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

/// `POST /v1/sync/push` against the live server (Protocol §6).
@Suite(.serialized) struct PushHandlerTests {
    @Test(arguments: StoreEngine.allCases) func completeThenResend_isAcceptedThenDuplicateWithStoredOutcome(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let event = SyncFixture.complete(d, item: item, member: member)
        let first = try s.results(d, [event])
        #expect(first.first?["outcome"] as? String == "accepted")
        #expect(first.first?["completion_rev"] as? Int == 1)
        for _ in 0..<3 {
            let again = try s.results(d, [event])
            #expect(again.first?["outcome"] as? String == "duplicate")
            #expect(again.first?["stored_outcome"] as? String == "accepted")
            #expect(again.first?["completion_id"] as? String == first.first?["completion_id"] as? String)
        }
        let list = try s.base.admin.get("/v1/admin/completions?family_id=\(try familyOf(s, item))")
        #expect((list.object["items"] as? [[String: Any]])?.count == 1)
    }

    func familyOf(_ s: SyncFixture, _ item: String) throws -> String {
        try #require(try s.base.admin.get("/v1/admin/plan-items/\(item)").object["family_id"] as? String)
    }

    @Test(arguments: StoreEngine.allCases) func eventPastTheNextSeq_isAGapAndNothingLaterApplies(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        d.seq = 4
        let events = [
            SyncFixture.complete(d, item: item, member: member), SyncFixture.complete(d, item: item, member: member),
        ]
        let r = try s.push(d, events)
        #expect(r.status == 200)
        let results = r.object["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["outcome"] as? String } == ["gap", "gap"])
        #expect(results.map { $0["expected_device_seq"] as? Int } == [1, 1])
        #expect(r.object["last_device_seq"] as? Int == 0)
    }

    @Test(arguments: StoreEngine.allCases) func sameSeqWithAnotherEventID_isDeviceSeqReusedAndNotStored(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        _ = try s.results(d, [SyncFixture.complete(d, item: item, member: member)])
        d.seq = 0
        let r = try s.results(d, [SyncFixture.complete(d, item: item, member: member)])
        #expect(r.first?["outcome"] as? String == "rejected")
        #expect(r.first?["code"] as? String == "device_seq_reused")
    }

    @Test(arguments: StoreEngine.allCases) func eventIDOfAnotherUser_isRejectedButConsumesTheSeq(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker112")
        let (item, member) = try s.addItem(service: 21)
        let event = SyncFixture.complete(a, item: item, member: member)
        _ = try s.results(a, [event])
        var copy = event
        copy["device_seq"] = b.nextSeq()
        let r = try s.push(b, [copy])
        let result = (r.object["results"] as? [[String: Any]])?.first
        #expect(result?["outcome"] as? String == "rejected")
        #expect(result?["code"] as? String == "event_id_reused")
        #expect(r.object["last_device_seq"] as? Int == 1)
        let again = try s.results(b, [copy])
        #expect(again.first?["outcome"] as? String == "duplicate")
        #expect(again.first?["stored_outcome"] as? String == "rejected")
    }

    @Test(arguments: StoreEngine.allCases) func eventIDResentByAReEnrolledDeviceOfTheSameUser_isDuplicate(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let event = SyncFixture.complete(a, item: item, member: member)
        let first = try s.results(a, [event])
        let b = try s.enroll("worker111")
        var copy = event
        copy["device_seq"] = b.nextSeq()
        let r = try s.results(b, [copy])
        #expect(r.first?["outcome"] as? String == "duplicate")
        #expect(r.first?["stored_outcome"] as? String == "accepted")
        #expect(r.first?["completion_id"] as? String == first.first?["completion_id"] as? String)
    }

    @Test(arguments: StoreEngine.allCases) func badEvents_areRejectedWithStableCodesAndStillAdvance(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let otherWorkersItem = try s.addItem(worker: "worker112", service: 21)
        func withPayload(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
            var e = SyncFixture.complete(d, item: item, member: member)
            var payload = e["payload"] as? [String: Any] ?? [:]
            change(&payload)
            e["payload"] = payload
            return e
        }
        var events: [[String: Any]] = []
        events.append(SyncFixture.complete(d, item: SyncFixture.uuid(), member: member))
        events.append(SyncFixture.complete(d, item: otherWorkersItem.0, member: otherWorkersItem.1))
        events.append(SyncFixture.complete(d, item: item, member: SyncFixture.uuid()))
        events.append(SyncFixture.complete(d, item: item, member: otherWorkersItem.1))
        events.append(SyncFixture.event(d, "teleport", item: item, payload: [:]))
        events.append(withPayload { $0["colour"] = "red" })
        events.append(withPayload { $0["performed_at"] = nil })
        events.append(
            SyncFixture.complete(d, item: item, member: member, files: [SyncFixture.file(type: "text/plain")]))
        // U+0000 in free text: PostgreSQL text cannot hold it (it was a 500 there, and the device re-sent forever).
        events.append(SyncFixture.complete(d, item: item, member: member, note: "a\u{0}b"))
        events.append(SyncFixture.complete(d, item: item, member: member))
        let r = try s.results(d, events)
        #expect(
            r.map { $0["code"] as? String } == [
                "unknown_item", "unknown_item", "unknown_member", "member_mismatch", "unknown_event_type",
                "unknown_field", "invalid_payload", "invalid_payload", "invalid_payload", nil,
            ])
        #expect((r.dropLast().last?["detail"] as? String)?.hasPrefix("/payload/note") == true)
        #expect(r.last?["outcome"] as? String == "accepted")
    }

    @Test func completesOfOneItem_writeOnePlanItemFeedRowPerPush_andRejectedOnesWriteNothing() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let db = try Connection(path: s.server.databasePath)
        func count(_ sql: String, _ values: any SQLBindable...) throws -> Int64 {
            try db.queryOne(sql, values)?.int("n") ?? -1
        }
        let before = try count("SELECT max(seq) AS n FROM changes")
        let reused = SyncFixture.uuid()
        // Rejected before any write: another member, then a completion ID the batch already used.
        let events = [
            SyncFixture.complete(d, item: item, member: member),
            SyncFixture.complete(d, item: item, member: member, completion: reused),
            SyncFixture.complete(d, item: item, member: SyncFixture.uuid()),
            SyncFixture.complete(d, item: item, member: member, completion: reused),
            SyncFixture.complete(d, item: item, member: member),
            SyncFixture.complete(d, item: item, member: member),
            SyncFixture.complete(d, item: item, member: member),
        ]
        let r = try s.results(d, events)
        #expect(
            r.map { $0["outcome"] as? String } == [
                "accepted", "accepted", "rejected", "rejected", "accepted", "accepted", "accepted",
            ])
        #expect(try count("SELECT count(*) AS n FROM completions WHERE item_id = kid(?)", item) == 5)
        #expect(try count("SELECT completion_count AS n FROM plan_items WHERE id = ?", item) == 5)
        let feed = "SELECT count(*) AS n FROM changes WHERE seq > ? AND entity = ?"
        #expect(try count(feed, before, FeedCodes.code(.planItem)) == 1)
        #expect(try count(feed, before, FeedCodes.code(.completion)) == 5)
        #expect(try count(feed, before, FeedCodes.code(.eventOutcome)) == 7)
        // The next push writes its own row for the item, so pulls after the first push see the new count.
        let middle = try count("SELECT max(seq) AS n FROM changes")
        _ = try s.results(d, [SyncFixture.complete(d, item: item, member: member)])
        #expect(try count(feed, middle, FeedCodes.code(.planItem)) == 1)
        let puller = try s.enroll("worker111")
        let items = try s.pull(puller).changes.filter {
            $0["entity"] as? String == "plan_item" && $0["id"] as? String == item
        }
        #expect(items.count == 1)
        #expect((items.first?["data"] as? [String: Any])?["completion_count"] as? Int == 6)
    }

    @Test(arguments: StoreEngine.allCases) func itemOfUnpublishedPlan_isItemNotPublished(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (_, member) = try s.addItem(service: 21)
        let detail = try s.base.admin.get("/v1/admin/members/\(member)")
        _ = detail
        let families = try s.base.admin.get("/v1/admin/families?limit=500")
        let family = try #require(
            ((families.object["items"] as? [[String: Any]]) ?? []).first {
                ($0["assigned_worker_ids"] as? [String])?.contains(s.base.user("worker111")) == true
            }?["id"] as? String)
        let plan = try s.base.admin.json(
            "POST", "/v1/admin/plans", "{\"family_id\":\"\(family)\",\"items\":[]}", idempotencyKey: s.base.key())
        let planID = try #require((plan.object["plan"] as? [String: Any])?["id"] as? String, "\(plan)")
        let item = try s.base.admin.json(
            "POST", "/v1/admin/plans/\(planID)/items",
            SyncFixture.json(["member_id": member, "service_code": 21, "due_date": "2026-12-20"]),
            idempotencyKey: s.base.key())
        let itemID = try #require(item.object["id"] as? String, "\(item)")
        let r = try s.results(d, [SyncFixture.complete(d, item: itemID, member: member)])
        #expect(r.first?["code"] as? String == "item_not_published")
    }

    @Test(arguments: StoreEngine.allCases) func malformedEnvelopes_are4xxAndChangeNothing(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let before = try s.base.digest()
        let good = SyncFixture.complete(d, item: item, member: member)
        d.seq = 0
        var noSeq = good
        noSeq["device_seq"] = nil
        var unsorted = [good, good]
        unsorted[1]["event_id"] = SyncFixture.uuid()
        unsorted[1]["device_seq"] = 1
        let big = (1...501).map { n -> [String: Any] in
            var e = good
            e["event_id"] = SyncFixture.uuid()
            e["device_seq"] = n
            return e
        }
        let cases: [(String, Int, String)] = [
            (
                SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": [noSeq]]), 422,
                "missing_field"
            ),
            (
                SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": unsorted]), 422,
                "invalid_field"
            ),
            (
                SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": []]), 422,
                "invalid_field"
            ),
            (
                SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": big]), 413,
                "batch_too_large"
            ),
            (
                SyncFixture.json([
                    "device_id": SyncFixture.uuid(), "sent_at": "2026-11-25T04:20:12.904Z", "events": [good],
                ]), 403, "forbidden"
            ),
            (
                SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": [good], "x": 1]),
                422, "unknown_field"
            ),
            ("{not json", 400, "malformed_json"),
        ]
        for (body, status, code) in cases {
            let r = try d.client.json("POST", "/v1/sync/push", body)
            #expect(r.status == status && r.code == code, "\(code): \(r)")
        }
        #expect(try s.base.digest() == before)
    }

    @Test(arguments: StoreEngine.allCases) func userSession_isForbiddenOnSyncEndpoints(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        #expect(try s.base.admin.get("/v1/sync/pull").status == 403)
        #expect(try s.base.admin.json("POST", "/v1/sync/push", "{}").code == "forbidden")
    }

    @Test(arguments: StoreEngine.allCases) func clockSkewAndClientStatus_areStored(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let ahead = Date().addingTimeInterval(3600)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let body: [String: Any] = [
            "device_id": d.id, "sent_at": formatter.string(from: ahead),
            "client_status": [
                "outbox_events": 3, "outbox_bytes": 10, "files_pending": 1, "bytes_pending": 5, "app_version": "1.0.3",
            ], "events": [SyncFixture.complete(d, item: item, member: member)],
        ]
        let r = try d.client.json("POST", "/v1/sync/push", SyncFixture.json(body))
        let completion = try #require((r.object["results"] as? [[String: Any]])?.first?["completion_id"] as? String)
        let c = try s.base.admin.get("/v1/admin/completions/\(completion)")
        let skew = try #require(c.object["clock_skew_ms"] as? Int)
        #expect(skew > 3_000_000 && skew < 3_700_000)
        #expect((c.object["evidence_flags"] as? [String])?.contains("clock_skew") == true)
        let device = try s.base.admin.get("/v1/admin/devices/\(d.id)")
        #expect((device.object["client_status"] as? [String: Any])?["app_version"] as? String == "1.0.3", "\(device)")
    }

    @Test func storeBusy_is503WithRetryAfterAndNothingApplied() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let before = try s.base.digest()
        let event = SyncFixture.complete(d, item: item, member: member)
        do {
            // Another writer holds the store past the server's busy timeout.
            let blocker = try Connection(path: s.server.databasePath, options: .init(journalMode: nil))
            try blocker.execute("BEGIN IMMEDIATE")
            let r = try s.push(d, [event])
            #expect(r.status == 503 && r.code == "unavailable", "\(r)")
            #expect(r.headers["retry-after"] != nil)
            try blocker.execute("ROLLBACK")
        }
        #expect(try s.base.digest() == before, "a failed push changed the store")
        #expect(try s.results(d, [event]).first?["outcome"] as? String == "accepted")
    }
}
