import Foundation
import KandasTestSupport
import Testing

/// The table of conflict scenarios (Protocol §8): each kind, the stored and displayed versions,
/// a resend of the triggering event (duplicate with the same stored outcome), and its resolution.
@Suite(.serialized) struct ConflictScenarioTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var kind: String
        var severity: String
        var service: Int
        var resolution: String
        var description: String { kind + "/" + severity }
    }

    static let table: [Scenario] = [
        Scenario(kind: "completed_after_cancel", severity: "hard", service: 21, resolution: "void_completion"),
        Scenario(kind: "plan_changed", severity: "hard", service: 21, resolution: "keep_displayed"),
        Scenario(kind: "plan_changed", severity: "soft", service: 21, resolution: "void_completion"),
        Scenario(kind: "duplicate_completion", severity: "hard", service: 9, resolution: "choose_event"),
        Scenario(kind: "amend_same_field", severity: "hard", service: 21, resolution: "choose_event"),
        Scenario(kind: "amend_merged", severity: "soft", service: 21, resolution: "keep_displayed"),
        Scenario(kind: "stale_void", severity: "soft", service: 21, resolution: "keep_displayed"),
    ]

    /// Sets up the scenario and returns the triggering event, the device that sends it and the earlier event.
    func trigger(
        _ t: Scenario, _ s: SyncFixture, _ a: SyncFixture.Device, _ b: SyncFixture.Device, item: String, member: String
    ) throws -> (event: [String: Any], earlier: [String: Any]?) {
        switch (t.kind, t.severity) {
        case ("completed_after_cancel", _):
            try s.changeItem(item, ["action": "cancel", "reason": "family moved"])
            return (SyncFixture.complete(b, item: item, member: member), nil)
        case ("plan_changed", "hard"):
            try s.changeItem(item, ["action": "edit", "instructions": "bring the certificate", "reason": "edit"])
            return (SyncFixture.complete(b, item: item, member: member), nil)
        case ("plan_changed", _):
            try s.changeItem(item, ["action": "reschedule", "due_date": "2026-12-30", "reason": "later"])
            return (SyncFixture.complete(b, item: item, member: member), nil)
        case ("duplicate_completion", _):
            let first = SyncFixture.complete(a, item: item, member: member, note: "first")
            _ = try s.results(a, [first])
            return (SyncFixture.complete(b, item: item, member: member, note: "second"), first)
        default:
            let completion = SyncFixture.uuid()
            let base = SyncFixture.complete(a, item: item, member: member, note: "v1", completion: completion)
            let first = SyncFixture.amend(
                a, item: item, completion: completion, baseRev: 1, changes: ["note": "from A"])
            _ = try s.results(a, [base, first])
            switch t.kind {
            case "amend_same_field":
                return (
                    SyncFixture.amend(b, item: item, completion: completion, baseRev: 1, changes: ["note": "from B"]),
                    first
                )
            case "amend_merged":
                return (
                    SyncFixture.amend(
                        b, item: item, completion: completion, baseRev: 1,
                        changes: ["performed_at": "2026-11-19T05:00:00.000Z"]), first
                )
            default:
                return (
                    SyncFixture.event(
                        b, "void", item: item,
                        payload: ["completion_id": completion, "base_completion_rev": 1, "reason": "mistake"]),
                    first
                )
            }
        }
    }

    @Test(arguments: table, StoreEngine.allCases) func conflict_isStoredFlaggedResentAsDuplicateAndResolved(
        _ t: Scenario, engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: t.service, instructions: "original")
        let (event, earlier) = try trigger(t, s, a, b, item: item, member: member)
        let result = try #require(try s.results(b, [event]).first)
        #expect(result["outcome"] as? String == "accepted", "\(t): \(result)")
        let conflictIDs = result["conflict_ids"] as? [String] ?? []
        #expect(conflictIDs.count == 1, "\(t): \(result)")
        let conflictID = try #require(conflictIDs.first)
        let conflict = try s.base.admin.get("/v1/admin/conflicts/\(conflictID)").object
        #expect(conflict["kind"] as? String == t.kind)
        #expect(conflict["severity"] as? String == t.severity)
        #expect(conflict["status"] as? String == "open")
        let eventIDs = conflict["event_ids"] as? [String] ?? []
        #expect(eventIDs.last == event["event_id"] as? String)
        if let earlier { #expect(eventIDs.first == earlier["event_id"] as? String, "\(t): every version kept") }
        if t.kind == "amend_same_field" {
            let completion = try s.base.admin.get("/v1/admin/completions/\(result["completion_id"] as? String ?? "")")
            #expect(completion.object["note"] as? String == "from B", "the value received last is displayed")
            let versions = conflict["versions"] as? [[String: Any]] ?? []
            #expect(
                versions.compactMap { ($0["values"] as? [String: Any])?["note"] as? String } == ["from A", "from B"])
        }
        if t.kind == "plan_changed" || t.kind == "completed_after_cancel" {
            #expect(!(conflict["item_changes"] as? [[String: Any]] ?? []).isEmpty)
        }
        let listed = try s.base.admin.get("/v1/admin/conflicts?status=open&kind=\(t.kind)")
        #expect((listed.object["items"] as? [[String: Any]])?.count == 1)
        let flagged = try s.base.admin.get("/v1/admin/completions?has_conflict=true")
        #expect(!((flagged.object["items"] as? [[String: Any]]) ?? []).isEmpty)

        // The same event again: duplicate, with the outcome and conflicts stored the first time.
        let again = try #require(try s.results(b, [event]).first)
        #expect(again["outcome"] as? String == "duplicate")
        #expect(again["stored_outcome"] as? String == "accepted")
        #expect(again["conflict_ids"] as? [String] == conflictIDs)

        // Resolve from the device; a second resolve is rejected; the resend stays a duplicate.
        var payload: [String: Any] = ["conflict_id": conflictID, "resolution": t.resolution, "comment": "checked"]
        if t.resolution == "choose_event" { payload["chosen_event_id"] = eventIDs.first }
        let resolve = SyncFixture.event(b, "resolve", item: item, payload: payload)
        let resolved = try #require(try s.results(b, [resolve]).first)
        #expect(resolved["outcome"] as? String == "accepted", "\(t): \(resolved)")
        let after = try s.base.admin.get("/v1/admin/conflicts/\(conflictID)").object
        #expect(after["status"] as? String == "resolved")
        #expect(after["resolution"] as? String == t.resolution)
        #expect((after["resolved_by"] as? [String: Any])?["actor_type"] as? String == "device")
        let second = SyncFixture.event(a, "resolve", item: item, payload: payload)
        #expect(try s.results(a, [second]).first?["code"] as? String == "conflict_already_resolved")
        let resent = try #require(try s.results(b, [resolve]).first)
        #expect(resent["outcome"] as? String == "duplicate" && resent["stored_outcome"] as? String == "accepted")
        let admin = try s.base.admin.json(
            "POST", "/v1/admin/conflicts/\(conflictID)/resolve",
            "{\"resolution\":\"keep_displayed\",\"comment\":\"late\"}", idempotencyKey: s.base.key())
        #expect(admin.status == 409 && admin.code == "conflict")
        if t.kind == "duplicate_completion" {
            let primary = try s.base.admin.get("/v1/admin/completions?state=active&family_id=")
            _ = primary
            let completions = try s.base.admin.get("/v1/admin/completions?service_code=9")
            let states = ((completions.object["items"] as? [[String: Any]]) ?? []).map {
                ($0["note"] as? String ?? "", $0["state"] as? String ?? "")
            }
            #expect(Set(states.map { "\($0.0)=\($0.1)" }) == ["first=active", "second=voided"], "\(states)")
        }
        // The device sees the resolved conflict by pull.
        let pulled = SyncFixture.entities(try s.pull(b).changes, "conflict")
        #expect(pulled.contains { ($0["data"] as? [String: Any])?["status"] as? String == "resolved" })
    }

    @Test(arguments: StoreEngine.allCases) func adminResolve_clearsTheConflictAndIsAudited(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 9)
        _ = try s.results(a, [SyncFixture.complete(a, item: item, member: member)])
        let second = try s.results(b, [SyncFixture.complete(b, item: item, member: member)])
        let conflictID = try #require((second.first?["conflict_ids"] as? [String])?.first)
        let supervisor = try s.server.login("super11")
        let missingComment = try supervisor.json(
            "POST", "/v1/admin/conflicts/\(conflictID)/resolve",
            "{\"resolution\":\"void_completion\",\"comment\":\"\"}",
            idempotencyKey: s.base.key())
        #expect(missingComment.status == 422)
        let notAllowed = try supervisor.json(
            "POST", "/v1/admin/conflicts/\(conflictID)/resolve", "{\"resolution\":\"choose_event\",\"comment\":\"x\"}",
            idempotencyKey: s.base.key())
        #expect(notAllowed.status == 422)
        let r = try supervisor.json(
            "POST", "/v1/admin/conflicts/\(conflictID)/resolve",
            "{\"resolution\":\"void_completion\",\"comment\":\"dup\"}",
            idempotencyKey: s.base.key())
        #expect(r.status == 200 && r.object["status"] as? String == "resolved", "\(r)")
        let other = try s.server.login("super12")
        #expect(try other.get("/v1/admin/conflicts/\(conflictID)").status == 404)
        let audit = try s.base.admin.get("/v1/admin/audit?action=conflict.resolve")
        #expect((audit.object["items"] as? [[String: Any]])?.count == 1)
    }
}
