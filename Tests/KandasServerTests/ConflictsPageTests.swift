import Foundation
import KandasDomain
import KandasTestSupport
import Testing

/// Conflicts through the console: a duplicate completion of a once-only item shows both versions
/// side by side, and resolving it from the console is what the API then reports.
@Suite(.serialized) final class ConflictsPageTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    /// Two completions of the first once-only item of a family: a `duplicate_completion` conflict.
    func duplicate() throws -> String {
        let seed = try #require(server.seed)
        for family in seed.families {
            let f = try data.family(family)
            guard
                let item = try f.items.first(where: {
                    try ServiceCatalog.service(code: $0["service_code"] as? Int ?? 1).recurrence == .once
                })
            else { continue }
            for day in ["2026-11-18", "2026-11-19"] {
                try data.complete(
                    family: family, item: item, worker: f.worker, performedAt: day + "T06:00:00.000Z",
                    note: "note of \(day)", location: nil)
            }
            let conflicts = try data.admin.get("/v1/admin/conflicts?status=open").object["items"] as? [[String: Any]]
            return try #require(conflicts?.first?["id"] as? String)
        }
        throw TestSupportError("no once-only item in the demo data")
    }

    @Test func duplicate_isShownSideBySide_andResolvedFromTheConsole() throws {
        let id = try duplicate()
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let list = try c.get("/console/conflicts")
        #expect(list.text.contains("/console/conflicts/\(id)"))
        #expect(list.text.contains("duplicate_completion"))
        let page = try c.get("/console/conflicts/\(id)")
        #expect(page.status == 200)
        #expect(page.text.components(separatedBy: "<div class=\"panel").count - 1 >= 2)
        #expect(page.text.contains("name=\"resolution\" value=\"keep_displayed\""))
        // A comment is required, as in the API.
        let noComment = try c.post(
            "/console/conflicts/\(id)/resolve", [("csrf", try c.csrf()), ("resolution", "keep_displayed")])
        #expect(noComment.status == 422)
        let r = try c.post(
            "/console/conflicts/\(id)/resolve",
            [("csrf", try c.csrf()), ("resolution", "keep_displayed"), ("comment", "both were the same visit")])
        #expect(r.status == 303)
        let api = try data.admin.get("/v1/admin/conflicts/\(id)").object
        #expect(api["status"] as? String == "resolved")
        #expect(api["resolution"] as? String == "keep_displayed")
        let again = try c.post(
            "/console/conflicts/\(id)/resolve",
            [("csrf", try c.csrf()), ("resolution", "keep_displayed"), ("comment", "again")])
        #expect(again.status == 409)
    }

    @Test func auditor_seesConflictsButNoResolveForms() throws {
        let id = try duplicate()
        var c = ConsoleClient(port: server.port)
        try c.login("auditor")
        let page = try c.get("/console/conflicts/\(id)")
        #expect(page.status == 200)
        #expect(!page.text.contains("/resolve\""))
    }
}
