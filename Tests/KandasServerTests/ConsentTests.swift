import Foundation
import KandasDomain
import KandasTestSupport
import Testing

/// Rules 2, paras 6, 12 and Annex 2: consent to personal-data processing per adult member with the
/// signed form; publication of a plan needs every adult's current consent; Annex 2 categories.
@Suite(.serialized) final class ConsentTests {
    let f: Fixture

    let mobility: TestHTTPClient

    init() throws {
        f = try Fixture()
        mobility = try f.server.login("mobility1")
    }
    deinit { f.server.cleanup() }

    static let pdf = Array("%PDF-1.4\n% signed consent, Annex 2\n%%EOF\n".utf8)

    /// The domain tables (a refusal's stored replay for its Idempotency-Key is not a change).
    func domain() throws -> String {
        try ServerProcess.databaseDigest(
            f.server.databasePath, excluding: Fixture.activityTables.union(["idempotency"]))
    }

    func post(_ path: String, _ body: String, _ client: TestHTTPClient? = nil) throws -> TestResponse {
        try (client ?? f.admin).json("POST", path, body, idempotencyKey: f.key())
    }

    static func consent(_ bytes: [UInt8] = pdf, type: String = "application/pdf", on: String = "2026-11-02") -> String {
        #"{"given_on":"\#(on)","form":{"content_type":"\#(type)","file_name":"scan.pdf","data":"\#(Data(bytes).base64EncodedString())"}}"#
    }

    /// A new family of centre 1 with two adults and a child; returns (family, [member ids]).
    func newFamily(seed: UInt64) throws -> (String, [String]) {
        var generator = IINGenerator(seed: seed)
        let members = [("head", 1980), ("spouse", 1982), ("child", 2015)].map { relation, year in
            let born = try! LocalDate(year: year, month: 3, day: 9)
            let iin = generator.next(bornOn: born, sex: .male).digits
            return
                #"{"iin":"\#(iin)","last_name":"L","first_name":"F","birth_date":"\#(born)","relation":"\#(relation)"}"#
        }
        let r = try post(
            "/v1/admin/families",
            #"{"career_centre_id":"\#(f.seed.centres[0])","assigned_worker_ids":["\#(f.user("worker111"))"],"#
                + #""settlement":{"name":"S"},"quota_inclusion_date":"2026-10-01","members":["#
                + members.joined(separator: ",") + "]}")
        #expect(r.status == 201, "\(r)")
        let family = (r.object["family"] as? [String: Any])?["id"] as? String ?? ""
        let ids = (r.object["members"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        return (family, ids)
    }

    /// A draft plan moved to approved; returns its id.
    func approvedPlan(_ family: String) throws -> String {
        let plan = try post("/v1/admin/plans", #"{"family_id":"\#(family)","items":[]}"#)
        let id = (plan.object["plan"] as? [String: Any])?["id"] as? String ?? ""
        for step in ["agreed", "approved"] { #expect(try move(id, to: step).status == 200) }
        return id
    }

    func move(_ plan: String, to: String) throws -> TestResponse {
        let version = (try f.admin.get("/v1/admin/plans/\(plan)").object["plan"] as? [String: Any])?["version"] as? Int
        // Rules 2, para 34: approval is the receiving region's labour mobility centre's step.
        let client = to == "approved" ? mobility : f.admin
        return try post(
            "/v1/admin/plans/\(plan)/transition", #"{"to":"\#(to)","version":\#(version ?? 0)}"#, client)
    }

    @Test func para12_publicationNeedsEveryAdultsCurrentConsent_andTheFamilyFlagCannotBeFlipped() throws {
        let (family, members) = try newFamily(seed: 301)
        let detail = try f.admin.get("/v1/admin/families/\(family)").object["family"] as? [String: Any]
        #expect(detail?["consent_recorded"] as? Bool == false)
        let flip = try f.admin.json(
            "PATCH", "/v1/admin/families/\(family)", #"{"version":1,"consent_recorded":true}"#, idempotencyKey: f.key())
        #expect(flip.status == 422 && flip.code == "unknown_field", "\(flip)")
        let plan = try approvedPlan(family)
        let before = try domain()
        let refused = try move(plan, to: "published")
        #expect(refused.status == 409 && refused.code == "consent_missing", "\(refused)")
        #expect((refused.object["detail"] as? String ?? "").contains(members[1]))
        #expect(try domain() == before)
        let status = try f.admin.get("/v1/admin/families/\(family)/consents").object
        let missing = (status["members"] as? [[String: Any]] ?? []).filter { $0["missing"] as? Bool == true }
        #expect(status["complete"] as? Bool == false && missing.count == 2)
        let first = try post("/v1/admin/members/\(members[0])/consents", Self.consent())
        #expect(first.status == 201 && (first.object["form_sha256"] as? String)?.count == 64)
        #expect(try move(plan, to: "published").code == "consent_missing")
        // The child needs no consent of its own; the second adult does.
        let second = try post("/v1/admin/members/\(members[1])/consents", Self.consent())
        #expect(second.status == 201, "\(second)")
        // The same scan is kept once, by its SHA-256.
        #expect(second.object["form_sha256"] as? String == first.object["form_sha256"] as? String)
        let published = try move(plan, to: "published")
        #expect(published.status == 200, "\(published)")
        let after = try f.admin.get("/v1/admin/families/\(family)").object["family"] as? [String: Any]
        #expect(after?["consent_recorded"] as? Bool == true)
    }

    @Test func badConsentInput_isAClearError_andChangesNothing() throws {
        let (_, members) = try newFamily(seed: 302)
        let path = "/v1/admin/members/\(members[0])/consents"
        let region2 = try f.server.login("region2")
        let auditor = try f.server.login("auditor")
        let before = try domain()
        let cases: [(String, String)] = [
            (Self.consent(Array("GIF89a".utf8), type: "image/gif"), "/form/content_type"),
            // A PNG declared as a PDF.
            (Self.consent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), "/form/data"),
            (Self.consent([]), "/form/data"),
            (Self.consent(on: "2099-01-01"), "/given_on"),
            (Self.consent().replacingOccurrences(of: "\"data\":\"", with: "\"data\":\"***"), "/form/data"),
        ]
        for (body, pointer) in cases {
            let r = try post(path, body)
            let errors = r.object["errors"] as? [[String: Any]] ?? []
            #expect(r.status == 422 && r.code == "invalid_field", "\(pointer) → \(r)")
            #expect(errors.first?["pointer"] as? String == pointer, "\(pointer) → \(r)")
        }
        // Over 2 MiB decoded.
        var big = Self.pdf
        big += [UInt8](repeating: 0x20, count: 2 << 20)
        let tooBig = try post(path, Self.consent(big))
        #expect(tooBig.status == 422 && tooBig.code == "invalid_field", "\(tooBig.status) \(tooBig.code ?? "")")
        // Another region's administrator, an auditor: not found, forbidden.
        #expect(try post(path, Self.consent(), region2).status == 404)
        #expect(try post(path, Self.consent(), auditor).status == 403)
        #expect(try domain() == before)
        #expect(try post(path, Self.consent()).status == 201)
        let twice = try post(path, Self.consent())
        #expect(twice.status == 409 && twice.code == "conflict")
    }

    @Test func aWithdrawnConsent_noLongerCounts_andTheSignedFormIsKeptAsRecorded() throws {
        let (family, members) = try newFamily(seed: 303)
        for m in members.prefix(2) {
            #expect(try post("/v1/admin/members/\(m)/consents", Self.consent()).status == 201)
        }
        let status = try f.admin.get("/v1/admin/families/\(family)/consents").object
        #expect(status["complete"] as? Bool == true)
        let first = (status["members"] as? [[String: Any]])?.first?["consent"] as? [String: Any]
        let consent = try #require(first?["id"] as? String)
        let form = try f.server.login("super11").get("/v1/admin/consents/\(consent)/form")
        #expect(form.status == 200 && form.body == Self.pdf)
        #expect(form.headers["content-type"] == "application/pdf")
        #expect(form.headers["content-disposition"]?.hasPrefix("attachment") == true)
        #expect(try f.server.login("super12").get("/v1/admin/consents/\(consent)/form").status == 404)
        let early = try post("/v1/admin/consents/\(consent)/withdraw", #"{"withdrawn_on":"2026-11-01"}"#)
        #expect(early.status == 422 && early.code == "invalid_field")
        let withdrawn = try post(
            "/v1/admin/consents/\(consent)/withdraw", #"{"withdrawn_on":"2026-11-03","reason":"asked in writing"}"#)
        #expect(withdrawn.status == 200 && withdrawn.object["withdrawn_on"] as? String == "2026-11-03")
        let again = try post("/v1/admin/consents/\(consent)/withdraw", #"{"withdrawn_on":"2026-11-04"}"#)
        #expect(again.status == 409 && again.code == "invalid_transition")
        let family1 = try f.admin.get("/v1/admin/families/\(family)").object["family"] as? [String: Any]
        #expect(family1?["consent_recorded"] as? Bool == false)
        let plan = try approvedPlan(family)
        #expect(try move(plan, to: "published").code == "consent_missing")
        // Consent given again: a new record; the withdrawn one stays in the history.
        #expect(try post("/v1/admin/members/\(members[0])/consents", Self.consent(on: "2026-11-05")).status == 201)
        let history = try f.admin.get("/v1/admin/families/\(family)/consents").object["members"] as? [[String: Any]]
        #expect((history?.first?["history"] as? [Any])?.count == 2)
        #expect(try move(plan, to: "published").status == 200)
    }

    @Test func annex2_aMembersCategoryIsRecorded_andAnUnknownOneRefused() throws {
        let (family, members) = try newFamily(seed: 304)
        let before = try domain()
        let bad = try post("/v1/admin/members/\(members[1])/category", #"{"category":"cousin","rk_citizen":false}"#)
        #expect(bad.status == 422 && bad.code == "invalid_field")
        #expect(try domain() == before)
        let ok = try post("/v1/admin/members/\(members[1])/category", #"{"category":"spouse","rk_citizen":false}"#)
        #expect(ok.status == 200, "\(ok)")
        let list = try f.admin.get("/v1/admin/families/\(family)/consents").object["members"] as? [[String: Any]]
        #expect(list?[1]["category"] as? String == "spouse" && list?[1]["rk_citizen"] as? Bool == false)
        #expect(list?[2]["adult"] as? Bool == false && list?[2]["missing"] as? Bool == false)
    }

    /// End to end through the real server: a family recorded by the centre, each adult's signed
    /// consent, the plan published, and the worker's device pulls it (the form never leaves the server).
    @Test func endToEnd_consentsThenPublication_thenTheDevicePullsThePlan_withoutTheForms() throws {
        let (family, members) = try newFamily(seed: 305)
        for m in members.prefix(2) {
            #expect(try post("/v1/admin/members/\(m)/consents", Self.consent()).status == 201)
        }
        let plan = try approvedPlan(family)
        #expect(try move(plan, to: "published").status == 200)
        let device = try f.enroll("worker111")
        let client = f.server.client.authorized(device["access_token"] as? String ?? "")
        var cursor = ""
        var text = ""
        for _ in 0..<50 {
            let r = try client.get("/v1/sync/pull" + (cursor.isEmpty ? "" : "?cursor=\(cursor)"))
            #expect(r.status == 200)
            text += r.text
            cursor = r.object["cursor"] as? String ?? ""
            if r.object["has_more"] as? Bool != true { break }
        }
        #expect(text.contains(plan) && text.contains(family))
        #expect(!text.contains("form_sha256") && !text.contains(Data(Self.pdf).base64EncodedString()))
    }
}
