import Crypto
import Foundation
import KandasProtocol
import KandasTestSupport
import Testing

/// Rules 2, para 39: the Annex 3 report goes to the local executive body for social protection and
/// employment by the 5th of the next month; its delivery is on record and overdue ones are flagged.
@Suite(.serialized) final class ReportSubmissionTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    func submit(_ client: TestHTTPClient, _ body: String) throws -> TestResponse {
        try client.json(
            "POST", "/v1/admin/reports/monthly/submissions", body, idempotencyKey: "sub-\(UUID().uuidString.prefix(12))"
        )
    }

    @Test func para39_aSubmissionRecordsWhoWhenToWhomAndTheHashOfTheExactBytes() throws {
        let seed = try #require(server.seed)
        let region = seed.regions[0]
        Thread.sleep(forTimeInterval: 1.1)
        let cutoff = Timestamp(millisecondsSince1970: (Int64(Date().timeIntervalSince1970 * 1000) / 1000) * 1000)
        let r = try submit(
            data.admin,
            #"{"region_id":"\#(region)","month":"2026-11","cutoff":"\#(cutoff.description)","format":"csv","recipient":"Алматы облысының жұмыспен қамту басқармасы"}"#
        )
        #expect(r.status == 201, "\(r)")
        let s = r.object
        let csv = try data.admin.get(
            "/v1/admin/reports/monthly?region_id=\(region)&month=2026-11&cutoff=\(cutoff.description)&format=csv")
        #expect(s["sha256"] as? String == SHA256.hash(Array(csv.body)).hex)
        #expect(s["size"] as? Int == csv.body.count)
        #expect(s["due"] as? String == "2026-12-05")
        #expect(s["submitted_by"] as? String == seed.users["admin"]?.id)
        #expect(s["recipient"] as? String == "Алматы облысының жұмыспен қамту басқармасы")
        let today = ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 3600)).prefix(10)
        #expect(s["late"] as? Bool == (today > "2026-12-05"))

        let list = try data.admin.get("/v1/admin/reports/monthly/submissions?region_id=\(region)&month=2026-11")
        #expect((list.object["items"] as? [[String: Any]])?.first?["id"] as? String == s["id"] as? String)
        // The audit log has it.
        let audit = try data.admin.get("/v1/admin/audit").text
        #expect(audit.contains("report.submit"))
    }

    @Test func para39_badSubmissions_areRefusedWithStableCodesAndChangeNothing() throws {
        let seed = try #require(server.seed)
        let region = seed.regions[0]
        let current = try submit(
            data.admin, #"{"region_id":"\#(region)","month":"2099-01","recipient":"LEB-SPE"}"#)
        #expect(current.code == "invalid_field")
        let noRecipient = try submit(data.admin, #"{"region_id":"\#(region)","month":"2026-11","recipient":"  "}"#)
        #expect(noRecipient.code == "invalid_field")
        let format = try submit(
            data.admin, #"{"region_id":"\#(region)","month":"2026-11","recipient":"x","format":"pdf"}"#)
        #expect(format.code == "invalid_field")
        let other = try submit(
            try server.login("region2"), #"{"region_id":"\#(region)","month":"2026-11","recipient":"x"}"#)
        #expect(other.status == 404)
        let supervisor = try submit(
            try server.login("super11"), #"{"region_id":"\#(region)","month":"2026-11","recipient":"x"}"#)
        #expect(supervisor.status == 403)
        let list = try data.admin.get("/v1/admin/reports/monthly/submissions")
        #expect((list.object["items"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test func para39_aMonthPastItsDueDateWithoutSubmission_isOverdueOnTheDashboard() throws {
        let seed = try #require(server.seed)
        let region = seed.regions[0]
        #expect((try data.admin.get("/v1/admin/reports/monthly/overdue").object["items"] as? [Any])?.isEmpty == true)
        // Two months on, this month's report (plans were published this month) is past its 5th.
        try server.setClockOffset(seconds: 62 * 86_400)
        defer { try? server.setClockOffset(seconds: 0) }
        let admin = try server.login("region1")
        let overdue = try admin.get("/v1/admin/reports/monthly/overdue").object["items"] as? [[String: Any]] ?? []
        let month = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 3600)).prefix(7))
        #expect(overdue.contains { $0["month"] as? String == month && $0["region_id"] as? String == region })
        var c = ConsoleClient(port: server.port)
        try c.login("region1")
        let dashboard = try c.get("/console/dashboard").text
        #expect(DashboardPageTests.counters(dashboard)[7] == overdue.count)
        let reports = try c.get("/console/reports").text
        #expect(reports.contains("id=\"overdue-table\""))

        // Recorded: no longer overdue.
        let r = try submit(admin, #"{"region_id":"\#(region)","month":"\#(month)","recipient":"LEB-SPE"}"#)
        #expect(r.status == 201, "\(r)")
        #expect(r.object["late"] as? Bool == true)
        let after = try admin.get("/v1/admin/reports/monthly/overdue").object["items"] as? [[String: Any]] ?? []
        #expect(!after.contains { $0["month"] as? String == month && $0["region_id"] as? String == region })
    }

    @Test func para39_theReportsPageShowsTheDueDateOfTheMonthOnTheForm() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let page = try c.get("/console/reports").text
        // The form holds the previous month; its report is due on the 5th of the current month.
        let now = Date().addingTimeInterval(5 * 3600)
        let current = String(ISO8601DateFormatter().string(from: now).prefix(7))
        let previousMonth = Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: now) ?? now
        let previous = String(ISO8601DateFormatter().string(from: previousMonth).prefix(7))
        #expect(page.contains("(\(previous)): \(current)-05"))
    }
}
