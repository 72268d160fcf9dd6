import Foundation
import KandasTestSupport
import Testing

/// Plan lifecycle and item changes (Protocol §4.7, Rules 2 paras 32-34).
struct PlanHandlersTests {
    /// A family of the first centre with a new draft plan of one item; returns (plan id, item id).
    func draft(_ f: Fixture, consent: Bool = true) throws -> (String, String, String) {
        let family = f.seed.families[0]
        if !consent {
            let current = try f.admin.get("/v1/admin/families/\(family)")
            let version = ((current.object["family"] as? [String: Any])?["version"] as? Int) ?? 1
            let r = try f.admin.json(
                "PATCH", "/v1/admin/families/\(family)", "{\"version\":\(version),\"consent_recorded\":false}",
                idempotencyKey: f.key())
            #expect(r.status == 200)
        }
        let detail = try f.admin.get("/v1/admin/families/\(family)")
        let member = ((detail.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        let r = try f.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(family)\",\"items\":[{\"member_id\":\"\(member)\",\"service_code\":5,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: f.key())
        #expect(r.status == 201, "\(r)")
        let plan = (r.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        let item = ((r.object["items"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        return (plan, item, member)
    }

    func move(_ f: Fixture, _ plan: String, to: String, at: String? = nil) throws -> TestResponse {
        let version =
            try f.admin.get("/v1/admin/plans/\(plan)").object["plan"].flatMap { $0 as? [String: Any] }?[
                "version"] as? Int ?? 0
        let atField = at.map { ",\"at\":\"\($0)\"" } ?? ""
        return try f.admin.json(
            "POST", "/v1/admin/plans/\(plan)/transition", "{\"to\":\"\(to)\",\"version\":\(version)\(atField)}",
            idempotencyKey: f.key())
    }

    @Test func lifecycle_movesOneStepAtATime() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, _, _) = try draft(f)
        let skip = try move(f, plan, to: "approved")
        #expect(skip.status == 409 && skip.code == "invalid_transition")
        // The family's seeded plan is already published: only one plan beyond draft per family.
        let agree = try move(f, plan, to: "agreed")
        #expect(agree.status == 409 && agree.code == "conflict")
    }

    @Test func latePublication_isFlagged_notRefused() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let family = f.seed.families[1]
        let detail = try f.admin.get("/v1/admin/families/\(family)")
        let member = ((detail.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        // A fresh family without a published plan: create one through the API.
        let created = try f.admin.json(
            "POST", "/v1/admin/families",
            "{\"career_centre_id\":\"\(f.seed.centres[0])\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-01-01\",\"consent_recorded\":true,"
                + "\"members\":[{\"iin\":\"\(ImportHandlersTests.iins(1, seed: 77)[0].0)\",\"last_name\":\"L\","
                + "\"first_name\":\"F\",\"birth_date\":\"\(ImportHandlersTests.iins(1, seed: 77)[0].1)\",\"relation\":\"head\"}]}",
            idempotencyKey: f.key())
        #expect(created.status == 201, "\(created)")
        _ = member
        let newFamily = (created.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let newMember = ((created.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        let plan = try f.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(newFamily)\",\"items\":[{\"member_id\":\"\(newMember)\",\"service_code\":1,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: f.key())
        let id = (plan.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        #expect(try move(f, id, to: "agreed", at: "2026-11-02T09:00:00.000Z").status == 200)
        // Approved on Monday 2 November 2026: due by the end of Tuesday 3 November (Almaty time).
        let approved = try move(f, id, to: "approved", at: "2026-11-02T10:00:00.000Z")
        #expect(approved.object["publication_due"] as? String == "2026-11-03T18:59:59.999Z")
        let published = try move(f, id, to: "published", at: "2026-11-05T10:00:00.000Z")
        #expect(published.status == 200 && published.object["publication_late"] as? Bool == true)
    }

    @Test func publishing_withoutConsent_isInvalidTransition() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let created = try f.admin.json(
            "POST", "/v1/admin/families",
            "{\"career_centre_id\":\"\(f.seed.centres[0])\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-01-01\",\"consent_recorded\":false,"
                + "\"members\":[{\"iin\":\"\(ImportHandlersTests.iins(1, seed: 78)[0].0)\",\"last_name\":\"L\","
                + "\"first_name\":\"F\",\"birth_date\":\"\(ImportHandlersTests.iins(1, seed: 78)[0].1)\",\"relation\":\"head\"}]}",
            idempotencyKey: f.key())
        let family = (created.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let plan = try f.admin.json(
            "POST", "/v1/admin/plans", "{\"family_id\":\"\(family)\",\"items\":[]}", idempotencyKey: f.key())
        let id = (plan.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        #expect(try move(f, id, to: "agreed").status == 200)
        #expect(try move(f, id, to: "approved").status == 200)
        let r = try move(f, id, to: "published")
        #expect(r.status == 409 && r.code == "invalid_transition")
    }

    @Test func itemChanges_bumpTheVersion_andAreRecorded() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (_, item, _) = try draft(f)
        let reschedule = try f.admin.json(
            "POST", "/v1/admin/plan-items/\(item)/changes",
            "{\"version\":1,\"action\":\"reschedule\",\"due_date\":\"2027-01-15\",\"reason\":\"clinic closed\"}",
            idempotencyKey: f.key())
        #expect(reschedule.status == 200 && reschedule.object["version"] as? Int == 2)
        let stale = try f.admin.json(
            "POST", "/v1/admin/plan-items/\(item)/changes", "{\"version\":1,\"action\":\"cancel\",\"reason\":\"x\"}",
            idempotencyKey: f.key())
        #expect(stale.status == 409 && stale.code == "conflict")
        let noReason = try f.admin.json(
            "POST", "/v1/admin/plan-items/\(item)/changes", "{\"version\":2,\"action\":\"cancel\"}",
            idempotencyKey: f.key())
        #expect(noReason.status == 422 && noReason.code == "missing_field")
        let cancel = try f.admin.json(
            "POST", "/v1/admin/plan-items/\(item)/changes",
            "{\"version\":2,\"action\":\"cancel\",\"reason\":\"moved\"}",
            idempotencyKey: f.key())
        #expect(cancel.object["status"] as? String == "cancelled" && cancel.object["version"] as? Int == 3)
        let versions = try f.admin.get("/v1/admin/plan-items/\(item)/versions")
        let actions = ((versions.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
        #expect(actions == ["create", "reschedule", "cancel"])
        let audit = try f.admin.get("/v1/admin/audit?entity_id=\(item)")
        #expect(((audit.object["items"] as? [[String: Any]]) ?? []).count == 2)
    }

    @Test func itemForAMemberOfAnotherFamily_isInvalid() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, _, _) = try draft(f)
        let other = try f.admin.get("/v1/admin/families/\(f.seed.families[1])")
        let stranger = ((other.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        let r = try f.admin.json(
            "POST", "/v1/admin/plans/\(plan)/items",
            "{\"member_id\":\"\(stranger)\",\"service_code\":26,\"due_date\":\"2026-12-01\"}", idempotencyKey: f.key())
        #expect(r.status == 422)
        let pointers = ((r.object["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers == ["/member_id", "/service_code"])
    }
}
