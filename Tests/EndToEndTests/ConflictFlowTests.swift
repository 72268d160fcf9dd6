import Foundation
import KandasTestSupport
import Testing

/// Two devices of one field worker record the same once-only item offline; the conflict reaches both
/// devices and the admin API, a device resolves it, and an administrator's review reaches the device.
@Suite(.serialized) struct ConflictFlowTests {
    @Test func twoDevicesCompletingOneOnceOnlyItem_conflictReachesBoth_resolveAndReviewFlowBack() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let a = try site.enrolledDevice("tablet-a", code: try #require(site.seed.codes["worker111"]))
        let b = try site.enrolledDevice("tablet-b", code: try site.newCode(for: "worker111"))
        let item = try a.onceOnlyItem()
        let itemID = try #require(item["id"] as? String)
        #expect(try b.items().contains { $0["id"] as? String == itemID }, "both devices see the same plan")

        // Both record offline, with every kind of evidence on one of them.
        let photoA = try site.evidence("a.jpg", .jpeg, size: 20_000, seed: 1)
        let video = try site.evidence("visit.mp4", .mp4, size: 300_000, seed: 2)
        let pdf = try site.evidence("receipt.pdf", .pdf, size: 8_000, seed: 3)
        let photoB = try site.evidence("b.jpg", .jpeg, size: 30_000, seed: 4)
        let recordedA = try a.ok([
            "complete", String(itemID.suffix(8)), "--photo", photoA, "--video", video, "--doc", pdf,
            "--geo", "43.2389,76.8897,12", "--note", "Done with the family", "--at", "2026-11-20 10:00", "--json",
        ]).object
        let recordedB = try b.ok([
            "complete", String(itemID.suffix(8)), "--photo", photoB, "--geo", "43.24,76.89", "--json",
        ]).object
        let completionA = try #require(recordedA["completion_id"] as? String)
        let eventA = try #require(recordedA["event_id"] as? String)
        let eventB = try #require(recordedB["event_id"] as? String)
        #expect((recordedA["files"] as? [Any])?.count == 3)

        // Sync A, then B (B's completion is the duplicate), then A again to learn of the conflict.
        #expect(try a.ok(["sync", "--json"]).object["events_pushed"] as? Int == 1)
        let syncB = try b.ok(["sync", "--json"]).object
        #expect(syncB["events_pushed"] as? Int == 1)
        #expect(syncB["open_conflicts"] as? Int == 1)
        #expect(try a.ok(["sync", "--json"]).object["open_conflicts"] as? Int == 1)

        let onA = try a.conflicts()
        let onB = try b.conflicts()
        try #require(onA.count == 1 && onB.count == 1, "A: \(onA), B: \(onB)")
        let conflictID = try #require(onA[0]["id"] as? String)
        #expect(onB[0]["id"] as? String == conflictID)
        #expect(onA[0]["kind"] as? String == "duplicate_completion")
        #expect(Set(onA[0]["event_ids"] as? [String] ?? []) == [eventA, eventB])

        let api = try site.adminAPI()
        let listed = try api.get("/v1/admin/conflicts?status=open")
        #expect(listed.status == 200)
        let openIDs = (listed.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(openIDs == [conflictID])

        // Device A resolves it by choosing its own version; both devices and the server see it closed.
        _ = try a.ok([
            "resolve", String(conflictID.suffix(8)), "--choose", String(eventA.suffix(8)), "--comment",
            "Tablet A recorded it first", "--json",
        ])
        #expect(try a.ok(["sync", "--json"]).object["open_conflicts"] as? Int == 0)
        #expect(try b.ok(["sync", "--json"]).object["open_conflicts"] as? Int == 0)
        #expect(try a.conflicts().isEmpty)
        #expect(try b.conflicts().isEmpty)
        let resolved = try api.get("/v1/admin/conflicts/\(conflictID)")
        #expect(resolved.object["status"] as? String == "resolved", "\(resolved)")
        #expect(resolved.object["displayed_event_id"] as? String == eventA)

        // An administrator's review of A's completion reaches A on its next sync.
        _ = try site.admin.ok([
            "admin", "review", completionA, "--has-issues", "--comment", "The receipt photo is unreadable", "--json",
        ])
        _ = try a.ok(["sync", "--json"])
        let reviews = try a.ok(["conflicts", "--json"]).object["reviews"] as? [[String: Any]] ?? []
        #expect(reviews.count == 1)
        #expect(reviews.first?["completion_id"] as? String == completionA)
        #expect(reviews.first?["decision"] as? String == "has_issues")
        #expect(reviews.first?["comment"] as? String == "The receipt photo is unreadable")
        let completions = try a.items().flatMap { $0["completions"] as? [[String: Any]] ?? [] }
        #expect(completions.first { $0["id"] as? String == completionA }?["review_state"] as? String == "has_issues")
    }
}
