import Foundation
import KandasProtocol
import KandasTestSupport
import Testing

/// Every admin-API request example in `Protocol/examples` sent to the live server, with the
/// example's IDs mapped to live ones; each answer must decode strictly as its protocol type.
@Suite(.serialized) struct ExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/examples")

    /// The example's text with IDs replaced and top-level fields overridden.
    func example(
        _ name: String, _ ids: [String: String], set: [String: Any] = [:],
        drop: (inout [String: Any]) -> Void = { _ in }
    )
        throws -> String
    {
        var text = try String(contentsOf: Self.examples.appendingPathComponent(name + ".json"), encoding: .utf8)
        for (from, to) in ids { text = text.replacingOccurrences(of: from, with: to) }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for (key, value) in set { object[key] = value }
        drop(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Sends, expects `status`, and decodes the body strictly as `T`.
    @discardableResult
    func call<T: Codable>(
        _ client: TestHTTPClient, _ method: String, _ path: String, _ body: String?, _ status: Int, as: T.Type,
        key: String = UUID().uuidString.lowercased()
    ) throws -> T {
        let r = body.map { try? client.json(method, path, $0, idempotencyKey: key) } ?? (try? client.get(path))
        let response = try #require(r)
        #expect(response.status == status, "\(method) \(path) → \(response)")
        do {
            return try JSONCoding.decodeStrict(T.self, from: Data(response.body))
        } catch {
            Issue.record("\(method) \(path): \(error) in \(response.text.prefix(300))")
            throw error
        }
    }

    @Test func everyAdminExample_isAcceptedAndAnsweredInProtocolTypes() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let a = f.admin
        let ex = "5f0c1a2e-3b4d-4e6f-8a9b-000000000"
        var ids = [ex + "201": f.seed.centres[0], ex + "301": f.user("worker111"), ex + "303": f.user("worker112")]

        let centre = try call(
            a, "POST", "/v1/admin/career-centres",
            try example("career-centre-create", ids, set: ["region_id": f.seed.regions[0]]),
            201, as: CareerCentre.self)
        try call(
            a, "PATCH", "/v1/admin/career-centres/\(centre.id)",
            try example("career-centre-update", ids, set: ["version": 1]),
            200, as: CareerCentre.self)
        let user = try call(
            a, "POST", "/v1/admin/users",
            try example("user-create", ids, set: ["career_centre_id": centre.id.description]),
            201, as: User.self)
        try call(
            a, "PATCH", "/v1/admin/users/\(user.id)", try example("user-update", ids, set: ["version": 1]), 200,
            as: User.self)

        // The family example's last member is added afterwards by the member-create example.
        let family = try call(
            a, "POST", "/v1/admin/families",
            try example("family-create", ids) { o in o["members"] = (o["members"] as? [Any])?.dropLast().map { $0 } },
            201, as: FamilyDetail.self)
        ids[ex + "501"] = family.family.id.description
        for (i, m) in family.members.enumerated() { ids[ex + "60\(i + 1)"] = m.id.description }
        try call(
            a, "PATCH", "/v1/admin/families/\(family.family.id)",
            try example("family-update", ids, set: ["version": 1]),
            200, as: Family.self)
        let member = try call(
            a, "POST", "/v1/admin/families/\(family.family.id)/members", try example("member-create", ids), 201,
            as: Member.self)
        ids[ex + "604"] = member.id.description
        try call(
            a, "PATCH", "/v1/admin/members/\(member.id)", try example("member-update", ids), 200, as: Member.self)

        // Rules 2 para 12, Annex 2: the two adults' signed consents and a category before publication.
        let family501 = family.family.id.description
        let consent = try call(
            a, "POST", "/v1/admin/members/\(ids[ex + "601"] ?? "")/consents",
            try example("member-consent-request", ids),
            201, as: MemberConsent.self)
        try call(
            a, "POST", "/v1/admin/members/\(ids[ex + "602"] ?? "")/consents",
            try example("member-consent-request", ids),
            201, as: MemberConsent.self)
        try call(
            a, "POST", "/v1/admin/members/\(ids[ex + "602"] ?? "")/category",
            try example("member-category-request", ids),
            200, as: FamilyConsents.self)
        let consents = try call(a, "GET", "/v1/admin/families/\(family501)/consents", nil, 200, as: FamilyConsents.self)
        #expect(consents.complete)
        // Rules 2 paras 46-51: residence, and a quarter's evaluation with its conclusion and follow-up.
        try call(
            a, "POST", "/v1/admin/families/\(family501)/residence", try example("residence-change-request", ids), 200,
            as: FamilyResidence.self)
        try call(a, "GET", "/v1/admin/families/\(family501)/residence", nil, 200, as: FamilyResidence.self)
        let evaluation = try call(
            a, "POST", "/v1/admin/career-centres/\(f.seed.centres[0])/evaluations",
            try example("evaluation-request", ids),
            201, as: EvaluationRecord.self)
        try call(
            a, "POST", "/v1/admin/evaluations/\(evaluation.id)/conclusion",
            try example("evaluation-conclusion-request", ids), 200, as: EvaluationRecord.self)
        try call(
            a, "POST", "/v1/admin/evaluations/\(evaluation.id)/follow-up",
            try example("evaluation-follow-up-request", ids), 200, as: EvaluationRecord.self)
        try call(
            a, "GET", "/v1/admin/career-centres/\(f.seed.centres[0])/evaluations", nil, 200, as: EvaluationHistory.self)

        let plan = try call(a, "POST", "/v1/admin/plans", try example("plan-create", ids), 201, as: PlanDetail.self)
        let item = try call(
            a, "POST", "/v1/admin/plans/\(plan.plan.id)/items", try example("plan-item-create", ids), 201,
            as: PlanItem.self)
        var version = plan.plan.version
        // Rules 2, para 34: the receiving region's labour mobility centre approves; the career centre the rest.
        let mobility = try f.server.login("mobility1")
        for step in ["agreed", "approved", "published"] {
            let moved = try call(
                step == "approved" ? mobility : a, "POST", "/v1/admin/plans/\(plan.plan.id)/transition",
                try example("plan-transition-request", ids, set: ["to": step, "version": version]) { $0["at"] = nil },
                200, as: Plan.self)
            version = moved.version
        }
        try call(
            a, "POST", "/v1/admin/plan-items/\(item.id)/changes", try example("plan-item-change-request", ids), 200,
            as: PlanItem.self)
        try call(a, "GET", "/v1/admin/plan-items/\(item.id)/versions", nil, 200, as: Page<PlanItemVersion>.self)
        try call(
            a, "POST", "/v1/admin/consents/\(consent.id)/withdraw", try example("consent-withdraw-request", ids), 200,
            as: MemberConsent.self)

        let code = try call(
            a, "POST", "/v1/admin/enrollment-codes", try example("enrollment-code-request", ids), 201,
            as: EnrollmentCodeCreated.self)
        let tokens = try call(
            f.server.client, "POST", "/v1/auth/enroll", try example("enroll-request", ids, set: ["code": code.code]),
            200,
            as: TokenResponse.self)
        try call(
            f.server.client, "POST", "/v1/auth/refresh",
            try example("refresh-request", ids, set: ["refresh_token": tokens.refreshToken]), 200,
            as: TokenResponse.self)
        try call(
            a, "POST", "/v1/admin/devices/\(tokens.deviceID)/revoke", try example("device-revoke-request", ids), 200,
            as: Device.self)
        try call(
            f.server.client, "POST", "/v1/auth/login",
            try example("login-request", ids, set: ["username": "admin", "password": f.seed.password]), 200,
            as: LoginResponse.self)

        // The import example's second family has an IIN with a wrong check digit: the report must
        // say exactly what import-report.json says (IDs, times and prose aside).
        let report = try call(
            a, "POST", "/v1/admin/imports", try example("import-request", ids), 200, as: ImportReport.self)
        var expected = try JSONCoding.decode(
            ImportReport.self, from: try Data(contentsOf: Self.examples.appendingPathComponent("import-report.json")))
        expected.id = report.id
        expected.createdAt = report.createdAt
        for i in expected.rows.indices {
            for j in expected.rows[i].errors.indices { expected.rows[i].errors[j].detail = nil }
        }
        var got = report
        for i in got.rows.indices {
            for j in got.rows[i].errors.indices { got.rows[i].errors[j].detail = nil }
        }
        #expect(got == expected)

        try call(a, "GET", "/v1/admin/regions", nil, 200, as: Page<RegionInfo>.self)
        try call(a, "GET", "/v1/admin/families", nil, 200, as: Page<Family>.self)
        try call(a, "GET", "/v1/admin/plans/\(plan.plan.id)", nil, 200, as: PlanDetail.self)
        try call(a, "GET", "/v1/admin/devices", nil, 200, as: Page<Device>.self)
        try call(a, "GET", "/v1/admin/enrollment-codes", nil, 200, as: Page<EnrollmentCode>.self)
        try call(a, "GET", "/v1/admin/users", nil, 200, as: Page<User>.self)
        try call(a, "GET", "/v1/auth/me", nil, 200, as: WhoAmI.self)
        try call(f.server.client, "GET", "/healthz", nil, 200, as: Health.self)
        try call(f.server.client, "GET", "/readyz", nil, 200, as: Readiness.self)
        let audit = try call(a, "GET", "/v1/admin/audit?limit=500", nil, 200, as: Page<AuditEntry>.self)
        #expect(audit.items.count > 15)
        let limits = try call(f.server.client, "GET", "/v1/limits", nil, 200, as: Limits.self)
        let published = try JSONCoding.decode(
            Limits.self, from: try Data(contentsOf: Self.examples.appendingPathComponent("limits.json")))
        #expect(limits == published)
    }

    @Test func auditChain_verifies() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        _ = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker111"))\"}", idempotencyKey: f.key())
        let page = try JSONCoding.decode(
            Page<AuditEntry>.self, from: Data(try f.admin.get("/v1/admin/audit?limit=500").body))
        var previous = String(repeating: "0", count: 64)
        for entry in page.items {
            #expect(entry.previousHash == previous)
            var value = try JSONCoding.decode(JSONValue.self, from: JSONCoding.encode(entry))
            if case .object(var fields) = value {
                fields["hash"] = nil
                value = .object(fields)
            }
            let canonical = try JSONCoding.encode(value)
            let digest = ServerProcessDigest.sha256(Array((previous + "\n").utf8) + [UInt8](canonical))
            #expect(entry.hash == digest)
            previous = entry.hash
        }
        #expect(page.items.count >= 3)
    }
}
