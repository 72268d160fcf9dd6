import Foundation
import KandasTestSupport
import Testing

/// Rules 2, paras 40-45: monitoring periods are recorded per family, overdue ones flagged, and the
/// case closes after five years with its plans read-only.
@Suite(.serialized) final class MonitoringTests {
    let server: ServerProcess
    let admin: TestHTTPClient

    init() throws {
        server = try ServerProcess()
        admin = try server.login("admin")
    }

    func record(_ family: String, _ body: String, client: TestHTTPClient? = nil) throws -> TestResponse {
        try (client ?? admin).json(
            "POST", "/v1/admin/families/\(family)/monitoring", body,
            idempotencyKey: "mon-\(UUID().uuidString.prefix(12))")
    }

    @Test func paras42to44_aPeriodIsRecordedOnce_withWhoWhenChannelProblemsAndProposals() throws {
        let family = try #require(server.seed?.families[0])
        let status = try admin.get("/v1/admin/families/\(family)/monitoring").object
        let periods = status["periods"] as? [[String: Any]] ?? []
        #expect(periods.count == 16)
        // One start date: the family's quota inclusion date.
        let detail = try admin.get("/v1/admin/families/\(family)").object
        let quota = (detail["family"] as? [String: Any])?["quota_inclusion_date"] as? String
        #expect(status["start"] as? String == quota)
        let first = try #require(periods.first)
        let today = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 3600)).prefix(10))
        #expect((first["start"] as? String ?? "") <= today)
        let done = today
        let r = try record(
            family,
            #"{"period":1,"done_on":"\#(done)","channel":"visit","problems":"no school place","proposals":"ask akimat","field_visit":true}"#
        )
        #expect(r.status == 201, "\(r)")
        #expect(r.object["recorded_by"] as? String == server.seed?.users["admin"]?.id)
        let again = try record(family, #"{"period":1,"done_on":"\#(done)","channel":"call","field_visit":false}"#)
        #expect(again.status == 409 && again.code == "conflict")
        let badChannel = try record(
            family, #"{"period":2,"done_on":"\#(done)","channel":"pigeon","field_visit":false}"#)
        #expect(badChannel.code == "invalid_field")
        let future = try record(family, #"{"period":2,"done_on":"2099-01-01","channel":"call","field_visit":false}"#)
        #expect(future.code == "invalid_field")
        let badPeriod = try record(family, #"{"period":17,"done_on":"\#(done)","channel":"call","field_visit":false}"#)
        #expect(badPeriod.code == "invalid_field")
        let after = try admin.get("/v1/admin/families/\(family)/monitoring").object["periods"] as? [[String: Any]]
        #expect((after?.first?["record"] as? [String: Any])?["problems"] as? String == "no school place")
        // Another region's administrator does not see the family.
        let other = try server.login("region2").get("/v1/admin/families/\(family)/monitoring")
        #expect(other.status == 404)
        // The console shows the record.
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        #expect(try c.get("/console/families/\(family)").text.contains("no school place"))
    }

    @Test func paras40and43_periodsPastTheirEndAreOverdue_andTheCaseClosesAfterFiveYears() throws {
        let family = try #require(server.seed?.families[0])
        // Six years on: every period ended without a record, and the case is closed.
        try server.setClockOffset(seconds: 6 * 366 * 86_400)
        defer { try? server.setClockOffset(seconds: 0) }
        let admin = try server.login("admin")
        let status = try admin.get("/v1/admin/families/\(family)/monitoring").object
        #expect(status["closed"] as? Bool == true)
        let periods = status["periods"] as? [[String: Any]] ?? []
        #expect(periods.allSatisfy { $0["overdue"] as? Bool == true })
        // Plans are read-only: adding an item is refused.
        let plans = try admin.get("/v1/admin/plans?family_id=\(family)").object["items"] as? [[String: Any]] ?? []
        let plan = try #require(plans.first?["id"] as? String)
        let member =
            (try admin.get("/v1/admin/families/\(family)").object["members"] as? [[String: Any]])?.first?["id"]
            as? String ?? ""
        let add = try admin.json(
            "POST", "/v1/admin/plans/\(plan)/items",
            #"{"member_id":"\#(member)","service_code":25,"due_date":"2032-01-10"}"#, idempotencyKey: "late-item")
        #expect(add.status == 409 && add.code == "conflict", "\(add)")
    }
}
