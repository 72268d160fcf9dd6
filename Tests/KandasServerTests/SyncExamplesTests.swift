import Foundation
import KandasProtocol
import KandasTestSupport
import Testing

/// Every sync example in `Protocol/examples` sent to (or compared with) the live server, with the
/// example's IDs mapped to live ones; every answer decodes strictly as its protocol type.
@Suite(.serialized) struct SyncExamplesTests {
    static let ex = "5f0c1a2e-3b4d-4e6f-8a9b-000000000"

    func example(
        _ name: String, _ ids: [String: String], edit: (inout [String: Any]) -> Void = { _ in }
    ) throws
        -> String
    {
        var text = try String(
            contentsOf: ExamplesTests.examples.appendingPathComponent(name + ".json"), encoding: .utf8)
        for (from, to) in ids { text = text.replacingOccurrences(of: from, with: to) }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        edit(&object)
        return SyncFixture.json(object)
    }

    func strict<T: Codable>(_ r: TestResponse, _ status: Int, as: T.Type) throws -> T {
        #expect(r.status == status, "\(r)")
        return try JSONCoding.decodeStrict(T.self, from: Data(r.body))
    }

    @Test(arguments: StoreEngine.allCases) func everySyncExample_isAcceptedAndAnsweredInProtocolTypes(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 9)
        let ex = Self.ex
        let ids = [ex + "401": d.id, ex + "801": item, ex + "802": item, ex + "603": member]
        // push-request: the example's events renumbered from this device's first device_seq.
        let body = try example("push-request", ids) { object in
            var events = object["events"] as? [[String: Any]] ?? []
            for i in events.indices {
                events[i]["device_seq"] = i + 1
                events[i]["base_version"] = 1
            }
            object["events"] = events
        }
        let push = try strict(try d.client.json("POST", "/v1/sync/push", body), 200, as: PushResponse.self)
        #expect(push.results.map(\.outcome) == [.accepted, .accepted, .rejected, .rejected])
        #expect(push.results.map(\.code) == [nil, nil, "unknown_conflict", "unknown_completion"])
        #expect(push.lastDeviceSeq == 4)
        let sample = try JSONCoding.decodeStrict(
            PushResponse.self,
            from: Data(contentsOf: ExamplesTests.examples.appendingPathComponent("push-response.json")))
        #expect(sample.results.count == push.results.count)
        // push-response-gap: a batch that starts past the next device_seq.
        let gapBody = try example("push-request", ids) { object in
            var events = object["events"] as? [[String: Any]] ?? []
            events = [events[0]]
            events[0]["device_seq"] = 9
            events[0]["event_id"] = SyncFixture.uuid()
            object["events"] = events
        }
        let gap = try strict(try d.client.json("POST", "/v1/sync/push", gapBody), 200, as: PushResponse.self)
        #expect(gap.results.first?.outcome == .gap && gap.results.first?.expectedDeviceSeq == 5)
        // A second device completes the once-only item: a conflict for both.
        let other = try s.enroll("worker111")
        let dup = try s.results(other, [SyncFixture.complete(other, item: item, member: member)])
        let conflictID = try #require((dup.first?["conflict_ids"] as? [String])?.first)
        // pull-response-reset and pull-response: every page decodes strictly.
        var cursor: String? = nil
        var entities: Set<String> = []
        var first = true
        repeat {
            let r = try d.client.get("/v1/sync/pull?limit=7" + (cursor.map { "&cursor=" + $0 } ?? ""))
            let page = try strict(r, 200, as: PullResponse.self)
            #expect(page.reset == first)
            first = false
            entities.formUnion(page.changes.map(\.entity))
            cursor = page.hasMore ? page.cursor : nil
            d.cursor = page.cursor
        } while cursor != nil
        #expect(
            entities.isSuperset(of: [
                "family", "member", "plan", "plan_item", "completion", "conflict", "event_outcome", "receipt",
            ]), "\(entities)")
        // completion, completions-page, completion-event, evidence-file.
        let completionID = try #require(push.results.first?.completionID).description
        let admin = s.base.admin
        let completion = try strict(try admin.get("/v1/admin/completions/\(completionID)"), 200, as: Completion.self)
        #expect(completion.filesDeclared == 3 && completion.rev == 2)
        _ = try strict(try admin.get("/v1/admin/completions?limit=1"), 200, as: Page<Completion>.self)
        let events = try strict(
            try admin.get("/v1/admin/completions/\(completionID)/events"), 200, as: Page<StoredEvent>.self)
        #expect(events.items.count >= 2)
        _ = try strict(try admin.get("/v1/admin/attachments/\(ex)b01"), 200, as: EvidenceFile.self)
        // review-request → review, reaching the device by pull.
        let review = try strict(
            try admin.json(
                "POST", "/v1/admin/completions/\(completionID)/reviews", try example("review-request", ids),
                idempotencyKey: s.base.key()), 201, as: Review.self)
        #expect(review.decision == .hasIssues)
        _ = try strict(try admin.get("/v1/admin/completions/\(completionID)/reviews"), 200, as: Page<Review>.self)
        // conflict, conflict-resolve-request.
        let conflict = try strict(try admin.get("/v1/admin/conflicts/\(conflictID)"), 200, as: Conflict.self)
        let chosen = try #require(conflict.eventIDs.first).description
        let resolved = try strict(
            try admin.json(
                "POST", "/v1/admin/conflicts/\(conflictID)/resolve",
                try example("conflict-resolve-request", [ex + "902": chosen]), idempotencyKey: s.base.key()),
            200, as: Conflict.self)
        #expect(resolved.status == .resolved)
        _ = try strict(try admin.get("/v1/admin/conflicts?status=resolved"), 200, as: Page<Conflict>.self)
        let later = try strict(
            try d.client.get("/v1/sync/pull?cursor=" + (d.cursor ?? "")), 200, as: PullResponse.self)
        #expect(Set(later.changes.map(\.entity)).isSuperset(of: ["review", "conflict", "completion"]))
    }
}
