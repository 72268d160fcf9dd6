import Foundation
import KandasTestSupport
import Testing

/// Rules 2, paras 46-51: quality evaluations on record per career centre and quarter, the
/// conclusion to the central body, the centre's follow-up, and the family status "left the
/// resettlement region" that criterion 3 counts.
@Suite(.serialized) final class EvaluationTests {
    let f: Fixture

    init() throws { f = try Fixture() }
    deinit { f.server.cleanup() }

    var centre: String { f.seed.centres[0] }

    /// The domain tables (a refusal's stored replay for its Idempotency-Key is not a change).
    func domain() throws -> String {
        try ServerProcess.databaseDigest(
            f.server.databasePath, excluding: Fixture.activityTables.union(["idempotency"]))
    }

    func post(_ path: String, _ body: String, _ client: TestHTTPClient? = nil) throws -> TestResponse {
        try (client ?? f.admin).json("POST", path, body, idempotencyKey: f.key())
    }

    func evaluate(_ body: String, _ client: TestHTTPClient? = nil) throws -> TestResponse {
        try post("/v1/admin/career-centres/\(centre)/evaluations", body, client)
    }

    static func body(
        year: Int = 2026, quarter: Int = 3, scores: (Int, Int, Int) = (4, 3, 5), on: String = "2026-10-20"
    ) -> String {
        #"{"year":\#(year),"quarter":\#(quarter),"relevance":\#(scores.0),"effectiveness":\#(scores.1),"#
            + #""social_impact":\#(scores.2),"evaluator":"ERDO, A. Seitkali","evaluated_on":"\#(on)"}"#
    }

    @Test func paras47to49_anEvaluationIsRecordedOncePerCentreAndQuarter_withItsBandDueDateAndEvaluator() throws {
        let r = try evaluate(Self.body())
        #expect(r.status == 201, "\(r)")
        #expect(r.object["total"] as? Int == 12 && r.object["band"] as? String == "medium")
        // Para 47: due by the 5th of the month after the quarter; evaluated on the 20th is late.
        #expect(r.object["due"] as? String == "2026-10-05" && r.object["late"] as? Bool == true)
        #expect(r.object["conclusion_due"] as? String == "2026-10-25")
        #expect(r.object["evaluator"] as? String == "ERDO, A. Seitkali")
        #expect(r.object["recorded_by"] as? String == f.user("admin"))
        #expect(r.object["stage"] as? String == "evaluated")
        let again = try evaluate(Self.body(scores: (5, 5, 5)))
        #expect(again.status == 409 && again.code == "conflict")
        let onTime = try evaluate(Self.body(quarter: 2, scores: (5, 5, 5), on: "2026-07-03"))
        #expect(onTime.object["band"] as? String == "high" && onTime.object["late"] as? Bool == false)
        // A history per centre, newest quarter first.
        let history = try f.admin.get("/v1/admin/career-centres/\(centre)/evaluations").object
        let quarters = (history["evaluations"] as? [[String: Any]] ?? []).compactMap { $0["quarter"] as? Int }
        #expect(quarters == [3, 2])
    }

    @Test func badInput_isAClearError_andChangesNothing() throws {
        let before = try domain()
        let cases: [(String, String)] = [
            (Self.body(scores: (6, 3, 3)), "/relevance"),
            (Self.body(scores: (3, 0, 3)), "/effectiveness"),
            (Self.body(quarter: 5), "/quarter"),
            // Before the quarter ended, or in the future.
            (Self.body(quarter: 4, on: "2026-12-01"), "/evaluated_on"),
            (Self.body(on: "2099-01-01"), "/evaluated_on"),
            (Self.body().replacingOccurrences(of: "ERDO, A. Seitkali", with: ""), "/evaluator"),
        ]
        for (body, pointer) in cases {
            let r = try evaluate(body)
            let errors = r.object["errors"] as? [[String: Any]] ?? []
            #expect(r.status == 422 && r.code == "invalid_field", "\(body) → \(r)")
            #expect(errors.first?["pointer"] as? String == pointer, "\(body) → \(r)")
        }
        let unknown = try evaluate(Self.body().replacingOccurrences(of: "}", with: #","score":15}"#))
        #expect(unknown.status == 422)
        #expect(try domain() == before)
    }

    @Test func para47_onlyANationalEvaluatorRecords_andEachCentreSeesItsOwnHistory() throws {
        let clients = try ["region1", "super11", "auditor"].map { ($0, try f.server.login($0)) }
        let before = try domain()
        for (name, client) in clients {
            let r = try evaluate(Self.body(), client)
            #expect(r.status == 403 && r.code == "forbidden", "\(name) → \(r)")
        }
        #expect(try domain() == before)
        #expect(try evaluate(Self.body()).status == 201)
        #expect(try f.server.login("super11").get("/v1/admin/career-centres/\(centre)/evaluations").status == 200)
        // Another centre's supervisor, another region's administrator: not found.
        #expect(try f.server.login("super12").get("/v1/admin/career-centres/\(centre)/evaluations").status == 404)
        #expect(try f.server.login("region2").get("/v1/admin/career-centres/\(centre)/evaluations").status == 404)
    }

    @Test func paras50and51_theConclusionThenTheCentresFollowUp_inThatOrderAndOnce() throws {
        let e = try evaluate(Self.body())
        let id = try #require(e.object["id"] as? String)
        let supervisor = try f.server.login("super11")
        let otherCentre = try f.server.login("super12")
        let early = try post(
            "/v1/admin/evaluations/\(id)/follow-up", #"{"considered_on":"2026-11-01","measures":"m"}"#, supervisor)
        #expect(early.status == 409 && early.code == "invalid_transition")
        let conclusion =
            #"{"concluded_on":"2026-10-24","recipient":"Ministry, Migration Committee","conclusion":"more language courses"}"#
        #expect(try post("/v1/admin/evaluations/\(id)/conclusion", conclusion, supervisor).status == 403)
        let before = try domain()
        let tooEarly = try post(
            "/v1/admin/evaluations/\(id)/conclusion", conclusion.replacingOccurrences(of: "10-24", with: "10-19"))
        #expect(tooEarly.status == 422 && tooEarly.code == "invalid_field")
        #expect(try domain() == before)
        let concluded = try post("/v1/admin/evaluations/\(id)/conclusion", conclusion)
        #expect(concluded.status == 200, "\(concluded)")
        #expect(concluded.object["conclusion_late"] as? Bool == false)
        #expect(concluded.object["follow_up_due"] as? String == "2026-11-24")
        let twice = try post("/v1/admin/evaluations/\(id)/conclusion", conclusion)
        #expect(twice.status == 409 && twice.code == "invalid_transition")
        // Another centre's supervisor does not find it; its own centre records the follow-up.
        let other = try post(
            "/v1/admin/evaluations/\(id)/follow-up", #"{"considered_on":"2026-11-10","measures":"m"}"#,
            otherCentre)
        #expect(other.status == 404)
        let done = try post(
            "/v1/admin/evaluations/\(id)/follow-up",
            #"{"considered_on":"2026-11-10","measures":"two more Kazakh language groups"}"#, supervisor)
        #expect(done.status == 200 && done.object["stage"] as? String == "followed_up", "\(done)")
        #expect(done.object["follow_up_late"] as? Bool == false)
        let audit = try f.admin.get("/v1/admin/audit?limit=500").object["items"] as? [[String: Any]] ?? []
        let actions = Set(audit.compactMap { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["evaluation.record", "evaluation.conclude", "evaluation.follow_up"]))
    }

    @Test func para47_quartersPastTheir5thWithoutAnEvaluation_areOverdue() throws {
        // Seven months on (2027-Q2 at the earliest): the quarter the centre was created in and the
        // next are past their 5th without an evaluation.
        try f.server.setClockOffset(seconds: 210 * 86_400)
        defer { try? f.server.setClockOffset(seconds: 0) }
        let admin = try f.server.login("admin")
        let history = try admin.get("/v1/admin/career-centres/\(centre)/evaluations").object
        let overdue = history["overdue"] as? [[String: Any]] ?? []
        #expect(overdue.count >= 2, "\(history)")
        #expect(overdue.allSatisfy { $0["step"] as? String == "evaluation" })
    }

    @Test func paras46and48_aFamilyThatLeftTheRegion_isRecorded_andCountedByCriterion3() throws {
        let family = f.seed.families[0]
        let path = "/v1/admin/families/\(family)/residence"
        #expect(try f.admin.get(path).object["status"] as? String == "in_region")
        let before = try domain()
        let bad: [String] = [
            #"{"status":"moved","since":"2026-08-10"}"#,
            #"{"status":"left_region","since":"2099-08-10"}"#,
            // Before the family's quota inclusion.
            #"{"status":"left_region","since":"2020-01-01"}"#,
        ]
        for body in bad {
            let r = try post(path, body)
            #expect(r.status == 422 && r.code == "invalid_field", "\(body) → \(r)")
        }
        let stays = try post(path, #"{"status":"in_region","since":"2026-08-10"}"#)
        #expect(stays.status == 409 && stays.code == "invalid_transition")
        #expect(try domain() == before)
        #expect(
            try post(path, #"{"status":"left_region","since":"2026-08-10"}"#, try f.server.login("region2")).status
                == 404)
        let left = try post(path, #"{"status":"left_region","since":"2026-08-10","note":"moved to Almaty"}"#)
        #expect(left.status == 200 && left.object["status"] as? String == "left_region", "\(left)")
        let again = try post(path, #"{"status":"left_region","since":"2026-08-11"}"#)
        #expect(again.status == 409 && again.code == "invalid_transition")
        // Criterion 3 (para 48(3)): the evaluation of that quarter sees the departure.
        let e = try evaluate(Self.body())
        #expect(e.object["departures"] as? Int == 1, "\(e)")
        // The console's family page says so.
        var c = ConsoleClient(port: f.server.port)
        try c.login("admin")
        #expect(try c.get("/console/families/\(family)").text.contains("id=\"residence-left\""))
    }
}
