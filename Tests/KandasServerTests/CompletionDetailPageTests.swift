import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// Scope and escaping across the console's pages: a region administrator cannot reach another
/// region's objects by guessing IDs (404, nothing revealed), hostile text in every displayed
/// field stays text, and evidence is served with byte ranges.
@Suite(.serialized) final class CompletionDetailPageTests {
    let server: ServerProcess
    let data: ConsoleData
    static let hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    /// A completion with a verified photo in the given family; returns (completion, attachment).
    func completion(_ familyIndex: Int, note: String?) throws -> (String, String) {
        let seed = try #require(server.seed)
        let family = try data.family(seed.families[familyIndex])
        let photo = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 7, count: 1000), name: Self.hostile)
        let id = try data.complete(
            family: seed.families[familyIndex], item: family.items[0], worker: family.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: note, location: (43.2, 76.9), files: [photo])
        try data.verify(photo)
        return (id, photo.id)
    }

    @Test func regionAdmin_guessingAnotherRegionsIDs_gets404AndChangesNothing() throws {
        let seed = try #require(server.seed)
        let (foreign, attachment) = try completion(15, note: "region 2")  // families 11-20 are region 2
        var c = ConsoleClient(port: server.port)
        try c.login("region1")
        let csrf = try c.csrf()
        for path in [
            "/console/completions/\(foreign)", "/console/attachments/\(attachment)/content",
            "/console/families/\(seed.families[15])",
            "/console/reports/monthly?region_id=\(seed.regions[1])&month=2026-11",
            "/console/reports/monthly.csv?region_id=\(seed.regions[1])&month=2026-11",
        ] {
            let r = try c.get(path)
            #expect(r.status == 404, "\(path)")
            #expect(!r.text.contains("region 2"), "\(path)")
        }
        let before = try ServerProcess.databaseDigest(server.databasePath, excluding: Fixture.activityTables)
        let review = try c.post(
            "/console/completions/\(foreign)/review", [("csrf", csrf), ("decision", "reject"), ("comment", "no")])
        #expect(review.status == 404)
        let worker = seed.users["worker211"]?.id ?? ""
        let code = try c.post("/console/enrollment-codes", [("csrf", csrf), ("user_id", worker)])
        #expect(code.status == 403)
        #expect(try ServerProcess.databaseDigest(server.databasePath, excluding: Fixture.activityTables) == before)
        // Lists show only region 1.
        let list = try c.get("/console/completions")
        #expect(!list.text.contains(foreign))
        // The national administrator sees it.
        var admin = ConsoleClient(port: server.port)
        try admin.login("admin")
        #expect(try admin.get("/console/completions/\(foreign)").status == 200)
    }

    @Test func hostileTextInEveryDisplayedField_isEscaped() throws {
        let seed = try #require(server.seed)
        let family = seed.families[0]
        try data.execute(
            "UPDATE families SET settlement_name = ?, address = ? WHERE id = ?", [Self.hostile, Self.hostile, family])
        try data.execute(
            "UPDATE members SET last_name = ?, first_name = ?, patronymic = ? WHERE family_id = ?",
            [Self.hostile, Self.hostile, Self.hostile, family])
        try data.execute("UPDATE users SET username = ? WHERE username = 'worker112'", ["w<b>\"x"])
        let (id, _) = try completion(0, note: Self.hostile)
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        for path in [
            "/console/completions/\(id)", "/console/completions", "/console/families", "/console/families/\(family)",
            "/console/reports/monitoring", "/console/devices",
            "/console/completions?member_iin=%3Cscript%3E", "/console/dashboard",
        ] {
            let r = try c.get(path)
            #expect(!r.text.contains("<script>alert"), "\(path)")
            #expect(!r.text.contains("<img src=x"), "\(path)")
            #expect(!r.text.contains("w<b>"), "\(path)")
        }
        let detail = try c.get("/console/completions/\(id)").text
        #expect(
            detail.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        let bad = try c.get("/console/completions?member_iin=%3Cscript%3E")
        #expect(bad.status == 400)
    }

    @Test func evidence_isServedWithByteRanges_onlyWhenVerified() throws {
        let (id, attachment) = try completion(1, note: nil)
        var c = ConsoleClient(port: server.port)
        try c.login("super11")
        let whole = try c.get("/console/attachments/\(attachment)/content")
        #expect(whole.status == 200)
        #expect(whole.headers["content-type"] == "image/png")
        #expect(whole.headers["accept-ranges"] == "bytes")
        let part = try c.http.send(
            "GET", "/console/attachments/\(attachment)/content", headers: c.cookieHeader + [("Range", "bytes=10-19")])
        #expect(part.status == 206)
        #expect(part.body.count == 10)
        #expect(try c.get("/console/completions/\(id)").status == 200)
    }

    @Test func completionsList_pagesByKeyset_andFiltersRefuseBadValues() throws {
        for i in 0..<3 { _ = try completion(2 + i, note: "n\(i)") }
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let all = try c.get("/console/completions").text
        #expect(all.components(separatedBy: "class=\"open\"").count - 1 == 3)
        for bad in ["service_code=26", "performed_from=2026-13-01", "review_state=maybe", "worker_id=x", "before=-1"] {
            #expect(try c.get("/console/completions?" + bad).status == 400, "\(bad)")
        }
    }
}
