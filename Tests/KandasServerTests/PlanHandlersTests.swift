import Foundation
import KandasProtocol
import KandasTestSupport
import Testing

/// Plan lifecycle and item changes (Protocol §4.7, Rules 2 paras 32-34).
struct PlanHandlersTests {
    /// A family of the first centre with a new draft plan of one item; returns (plan id, item id).
    func draft(_ f: Fixture) throws -> (String, String, String) {
        let family = f.seed.families[0]
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
        // Rules 2, para 34: approval is the receiving region's labour mobility centre's step.
        let client = to == "approved" ? try f.server.login("mobility1") : f.admin
        return try client.json(
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
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-01-01\","
                + "\"members\":[{\"iin\":\"\(ImportHandlersTests.iins(1, seed: 77)[0].0)\",\"last_name\":\"L\","
                + "\"first_name\":\"F\",\"birth_date\":\"\(ImportHandlersTests.iins(1, seed: 77)[0].1)\",\"relation\":\"head\"}]}",
            idempotencyKey: f.key())
        #expect(created.status == 201, "\(created)")
        _ = member
        let newFamily = (created.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let newMember = ((created.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        // Rules 2 para 12: the adult head's signed consent before publication.
        let pdf = Data("%PDF-1.4\n%%EOF\n".utf8).base64EncodedString()
        let consent = try f.admin.json(
            "POST", "/v1/admin/members/\(newMember)/consents",
            #"{"given_on":"2026-11-01","form":{"content_type":"application/pdf","data":"\#(pdf)"}}"#,
            idempotencyKey: f.key())
        #expect(consent.status == 201, "\(consent)")
        let plan = try f.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(newFamily)\",\"items\":[{\"member_id\":\"\(newMember)\",\"service_code\":1,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: f.key())
        let id = (plan.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        // The server's clock on 6 November 2026: the steps below are within the 7-day backdating tolerance.
        try f.server.setClockOffset(seconds: Int(Date(timeIntervalSince1970: 1_793_966_400).timeIntervalSinceNow))
        defer { try? f.server.setClockOffset(seconds: 0) }
        #expect(try move(f, id, to: "agreed", at: "2026-11-02T09:00:00.000Z").status == 200)
        // Approved on Monday 2 November 2026: due by the end of Tuesday 3 November (Almaty time).
        let approved = try move(f, id, to: "approved", at: "2026-11-02T10:00:00.000Z")
        #expect(approved.object["publication_due"] as? String == "2026-11-03T18:59:59.999Z")
        let published = try move(f, id, to: "published", at: "2026-11-05T10:00:00.000Z")
        #expect(published.status == 200 && published.object["publication_late"] as? Bool == true)
    }

    @Test func publishing_withoutEveryAdultsConsent_isConsentMissing() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let created = try f.admin.json(
            "POST", "/v1/admin/families",
            "{\"career_centre_id\":\"\(f.seed.centres[0])\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-01-01\","
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
        #expect(r.status == 409 && r.code == "consent_missing")
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

    /// A fresh family (quota inclusion 2026-03-01) with a draft plan of one item; returns the plan ID.
    func freshDraft(_ f: Fixture, seed: UInt64) throws -> (plan: String, family: String, member: String) {
        let person = ImportHandlersTests.iins(1, seed: seed)[0]
        let created = try f.admin.json(
            "POST", "/v1/admin/families",
            "{\"career_centre_id\":\"\(f.seed.centres[0])\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-03-01\","
                + "\"members\":[{\"iin\":\"\(person.0)\",\"last_name\":\"L\",\"first_name\":\"F\","
                + "\"birth_date\":\"\(person.1)\",\"relation\":\"head\"}]}", idempotencyKey: f.key())
        #expect(created.status == 201, "\(created)")
        let family = (created.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let member = ((created.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        let plan = try f.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(family)\",\"items\":[{\"member_id\":\"\(member)\",\"service_code\":1,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: f.key())
        #expect(plan.status == 201, "\(plan)")
        return ((plan.object["plan"] as? [String: Any])?["id"] as? String ?? "", family, member)
    }

    @Test func paras28and34_stepTimesCannotGoBackwards_norBeBackdatedBeyondSevenDays() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, _, _) = try freshDraft(f, seed: 81)
        let now = Date()
        func iso(_ d: Date) -> String {
            Timestamp(millisecondsSince1970: Int64(d.timeIntervalSince1970 * 1000)).description
        }
        let tooOld = try move(f, plan, to: "agreed", at: iso(now.addingTimeInterval(-8 * 86_400)))
        #expect(tooOld.status == 422 && tooOld.code == "invalid_field", "\(tooOld)")
        #expect(try move(f, plan, to: "agreed", at: iso(now.addingTimeInterval(-2 * 86_400))).status == 200)
        // Approval before the agreement: refused, nothing changed.
        let backwards = try move(f, plan, to: "approved", at: iso(now.addingTimeInterval(-3 * 86_400)))
        #expect(backwards.status == 422 && backwards.code == "invalid_field", "\(backwards)")
        #expect(
            (try f.admin.get("/v1/admin/plans/\(plan)").object["plan"] as? [String: Any])?["status"] as? String
                == "agreed")
        #expect(try move(f, plan, to: "approved", at: iso(now.addingTimeInterval(-86_400))).status == 200)
        // Publication before the approval: refused.
        let early = try move(f, plan, to: "published", at: iso(now.addingTimeInterval(-1.5 * 86_400)))
        #expect(early.status == 422 && early.code == "invalid_field", "\(early)")
    }

    @Test func para34_approvedButUnpublishedPastTheDeadline_isFlaggedBeforePublication() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, family, _) = try freshDraft(f, seed: 82)
        #expect(try move(f, plan, to: "agreed").status == 200)
        #expect(try move(f, plan, to: "approved").status == 200)
        let none = try f.admin.get("/v1/admin/plan-deadlines/publication-overdue").object["items"] as? [Any]
        #expect(none?.isEmpty == true)
        // Five days later (at least one working day has passed), still unpublished: flagged.
        try f.server.setClockOffset(seconds: 5 * 86_400)
        defer { try? f.server.setClockOffset(seconds: 0) }
        let admin = try f.server.login("admin")
        let flagged = try admin.get("/v1/admin/plan-deadlines/publication-overdue").object["items"] as? [[String: Any]]
        #expect(flagged?.first?["plan_id"] as? String == plan)
        #expect(flagged?.first?["family_id"] as? String == family)
        var c = ConsoleClient(port: f.server.port)
        try c.login("admin")
        let dashboard = try c.get("/console/dashboard").text
        #expect(dashboard.contains("id=\"unpublished-table\"") && dashboard.contains(family.prefix(8)))
        #expect(DashboardPageTests.counters(dashboard)[8] == 1)
    }

    @Test func para33_anItemCannotBeDueBeforeTheQuotaInclusionDate() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, _, member) = try freshDraft(f, seed: 83)
        let early = try f.admin.json(
            "POST", "/v1/admin/plans/\(plan)/items",
            "{\"member_id\":\"\(member)\",\"service_code\":7,\"due_date\":\"2026-02-28\"}", idempotencyKey: f.key())
        #expect(early.status == 422 && early.code == "invalid_field", "\(early)")
        #expect(early.text.contains("/due_date"))
        let onTheDay = try f.admin.json(
            "POST", "/v1/admin/plans/\(plan)/items",
            "{\"member_id\":\"\(member)\",\"service_code\":7,\"due_date\":\"2026-03-01\"}", idempotencyKey: f.key())
        #expect(onTheDay.status == 201, "\(onTheDay)")
    }

    @Test func para34_approval_isRecordedByTheLabourMobilityCentre_notTheCareerCentre() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (plan, _, _) = try draft(f)
        let supervisor = try f.server.login("super11")
        let region = try f.server.login("region1")
        let mobility = try f.server.login("mobility1")
        let other = try f.server.login("mobility2")
        let before = try f.digest()
        for client in [supervisor, f.admin, region] {
            let r = try client.json(
                "POST", "/v1/admin/plans/\(plan)/transition", "{\"to\":\"approved\",\"version\":1}",
                idempotencyKey: f.key())
            #expect(r.status == 403 && r.code == "forbidden", "\(r)")
        }
        #expect(try f.digest() == before)
        // The centre records no other step, and sees no other region's plans.
        let agree = try mobility.json(
            "POST", "/v1/admin/plans/\(plan)/transition", "{\"to\":\"agreed\",\"version\":1}", idempotencyKey: f.key())
        #expect(agree.status == 403 && agree.code == "forbidden")
        #expect(try other.get("/v1/admin/plans/\(plan)").status == 404)
        #expect(try mobility.get("/v1/admin/plans/\(plan)").status == 200)
        // It reads the region's families and plans, but no users, devices or completions.
        #expect(((try mobility.get("/v1/admin/families?limit=500")).object["items"] as? [Any])?.count == 10)
        #expect(try mobility.get("/v1/admin/users").status == 403)
        #expect(try mobility.get("/v1/admin/completions").status == 403)
    }

    /// A new family of the first centre (seeded ones already have a published plan) with an agreed
    /// plan of one item; returns (family id, plan id).
    static func agreedPlan(_ f: Fixture, seed: UInt64) throws -> (String, String) {
        let person = ImportHandlersTests.iins(1, seed: seed)[0]
        let created = try f.admin.json(
            "POST", "/v1/admin/families",
            "{\"career_centre_id\":\"\(f.seed.centres[0])\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"Auyl\"},\"quota_inclusion_date\":\"2026-01-01\","
                + "\"members\":[{\"iin\":\"\(person.0)\",\"last_name\":\"L\",\"first_name\":\"F\","
                + "\"birth_date\":\"\(person.1)\",\"relation\":\"head\"}]}", idempotencyKey: f.key())
        #expect(created.status == 201, "\(created)")
        let family = (created.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let member = ((created.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        // Rules 2 para 12: the adult's signed consent, so the plan can be published later.
        let pdf = Data("%PDF-1.4\n%%EOF\n".utf8).base64EncodedString()
        let consent = try f.admin.json(
            "POST", "/v1/admin/members/\(member)/consents",
            #"{"given_on":"2026-11-01","form":{"content_type":"application/pdf","data":"\#(pdf)"}}"#,
            idempotencyKey: f.key())
        #expect(consent.status == 201, "\(consent)")
        let plan = try f.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(family)\",\"items\":[{\"member_id\":\"\(member)\",\"service_code\":5,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: f.key())
        #expect(plan.status == 201, "\(plan)")
        let planID = (plan.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        let agree = try f.admin.json(
            "POST", "/v1/admin/plans/\(planID)/transition", "{\"to\":\"agreed\",\"version\":1}", idempotencyKey: f.key()
        )
        #expect(agree.status == 200, "\(agree)")
        return (family, planID)
    }

    @Test func para34_approvedPlan_namesItsApprover() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (_, plan) = try Self.agreedPlan(f, seed: 341)
        let approved = try move(f, plan, to: "approved")
        #expect(approved.status == 200, "\(approved)")
        #expect(approved.object["approved_by"] as? String == f.user("mobility1"))
        let audit = try f.admin.get("/v1/admin/audit?action=plan.approved")
        let actors = ((audit.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["actor_id"] as? String }
        #expect(actors == [f.user("mobility1")])
        #expect(try move(f, plan, to: "published").status == 200)
    }
}
