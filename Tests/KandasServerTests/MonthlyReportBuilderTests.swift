import Foundation
import KandasDomain
import KandasProtocol
import KandasTestSupport
import Testing

@testable import KandasServer

/// The Annex 3 report on the demo data, checked cell by cell, and byte-identical when regenerated.
@Suite(.serialized) final class MonthlyReportBuilderTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    func review(_ completion: String, _ decision: String) throws {
        let r = try data.admin.json(
            "POST", "/v1/admin/completions/\(completion)/reviews", "{\"decision\":\"\(decision)\",\"comment\":\"x\"}",
            idempotencyKey: "rv-\(UUID().uuidString.prefix(12))")
        #expect(r.status == 201, "\(r)")
    }

    @Test func demoReport_matchesEveryCell_andRegeneratesIdentically() throws {
        let seed = try #require(server.seed)
        let region = seed.regions[0]
        // Field work in the first two families of region 1 (families 1-10 are region 1).
        var expected: [String: [Int]] = [:]  // member_id -> 25 cells
        func count(_ item: [String: Any]) {
            let member = item["member_id"] as? String ?? ""
            let code = item["service_code"] as? Int ?? 0
            expected[member, default: Array(repeating: 0, count: 25)][code - 1] += 1
        }
        let f1 = try data.family(seed.families[0])
        let f2 = try data.family(seed.families[1])
        let a = f1.items[0]
        let b = f1.items[1]
        let c = f2.items[0]
        let d = f2.items[1]
        // Counted: inside November 2026 in Kazakhstan time (20:00 UTC on 31 Oct is 01:00 on 1 Nov).
        try data.completeWithEvidence(
            family: seed.families[0], item: a, worker: f1.worker, performedAt: "2026-10-31T20:00:00.000Z", note: nil,
            location: nil)
        count(a)
        let approved = try data.completeWithEvidence(
            family: seed.families[0], item: b, worker: f1.worker, performedAt: "2026-11-10T06:00:00.000Z", note: "ok",
            location: nil)
        try review(approved, "approve")
        count(b)
        // Not counted: 23:00 on 31 October in Kazakhstan time.
        try data.completeWithEvidence(
            family: seed.families[1], item: c, worker: f2.worker, performedAt: "2026-10-31T18:00:00.000Z", note: nil,
            location: nil)
        // Not counted: rejected.
        let rejected = try data.completeWithEvidence(
            family: seed.families[1], item: d, worker: f2.worker, performedAt: "2026-11-12T06:00:00.000Z", note: nil,
            location: nil)
        try review(rejected, "reject")
        // A second completion of the same item: counted again only if the service recurs (else not primary).
        try data.completeWithEvidence(
            family: seed.families[0], item: a, worker: f1.worker, performedAt: "2026-11-20T06:00:00.000Z", note: nil,
            location: nil)
        let codeA = a["service_code"] as? Int ?? 1
        if try ServiceCatalog.service(code: codeA).recurrence == .recurring { count(a) }

        // The cut-off is 2 s ahead of everything so far (the seed ran within this second); the server's
        // clock moves 5 s ahead so that what is pushed next is received after the cut-off.
        try server.setClockOffset(seconds: 5)
        defer { try? server.setClockOffset(seconds: 0) }
        let cutoff = Timestamp(
            millisecondsSince1970: (Int64(Date().timeIntervalSince1970 * 1000 + 2000) / 1000) * 1000)
        let query = "/v1/admin/reports/monthly?region_id=\(region)&month=2026-11&cutoff=\(cutoff.description)"
        let json = try data.admin.get(query + "&format=json")
        #expect(json.status == 200, "\(json)")
        let rows = json.object["rows"] as? [[String: Any]] ?? []

        // Rows: every member of region 1's families (all have published plans), ordered by IIN.
        var members: [(iin: String, id: String)] = []
        for family in seed.families.prefix(10) {
            let detail = try data.admin.get("/v1/admin/families/\(family)").object
            for m in detail["members"] as? [[String: Any]] ?? [] {
                members.append((m["iin"] as? String ?? "", m["id"] as? String ?? ""))
            }
        }
        members.sort { $0.iin < $1.iin }
        #expect(rows.count == members.count)
        for (index, member) in members.enumerated() where index < rows.count {
            let row = rows[index]
            #expect(row["no"] as? Int == index + 1)
            #expect(row["iin"] as? String == member.iin)
            let cells = row["services"] as? [Int] ?? []
            let want = expected[member.id] ?? Array(repeating: 0, count: 25)
            for column in 0..<25 {
                #expect(cells[column] == want[column], "row \(index + 1) service \(column + 1)")
            }
        }
        #expect(expected.values.reduce(0) { $0 + $1.reduce(0, +) } >= 2)

        // Work received after the cut-off does not change the report: same bytes.
        let csv1 = try data.admin.get(query + "&format=csv")
        try data.complete(
            family: seed.families[0], item: b, worker: f1.worker, performedAt: "2026-11-21T06:00:00.000Z", note: nil,
            location: nil)
        let csv2 = try data.admin.get(query + "&format=csv")
        #expect(csv1.status == 200)
        #expect(csv1.body == csv2.body)
        #expect(Array(csv1.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = csv1.text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines.count == members.count + 2)  // header, rows, and the empty string after the last CRLF
        #expect(lines[0].hasPrefix("№,Қандастар мен олардың"))
        #expect(lines[0].contains("\"Қандасты, оның отбасын \"\"Мобильді азаматтар базасында\"\" тіркеу\""))
        let html1 = try data.admin.get(query + "&format=html")
        let html2 = try data.admin.get(query + "&format=html")
        #expect(html1.body == html2.body)
        #expect(
            try data.admin.get(query + "&format=json").object["input_sha256"] as? String
                == json.object["input_sha256"] as? String)
    }

    @Test func badMonthOrFutureCutoff_isRefusedWithAStableCode() throws {
        let region = try #require(server.seed?.regions.first)
        let bad = try data.admin.get("/v1/admin/reports/monthly?region_id=\(region)&month=2026-13")
        #expect(bad.status == 400)
        #expect(bad.code == "invalid_parameter")
        let future = try data.admin.get(
            "/v1/admin/reports/monthly?region_id=\(region)&month=2026-11&cutoff=2099-01-01T00:00:00Z")
        #expect(future.code == "invalid_parameter")
    }

    @Test func regionAdmin_cannotReportAnotherRegion() throws {
        let other = try #require(server.seed?.regions.last)
        let r = try server.login("region1").get("/v1/admin/reports/monthly?region_id=\(other)&month=2026-11")
        #expect(r.status == 404)
    }

    @Test func csvField_quotesAndDefusesFormulas() {
        #expect(MonthlyReportBuilder.csvField("a,b") == "\"a,b\"")
        #expect(MonthlyReportBuilder.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(MonthlyReportBuilder.csvField("=cmd()") == "'=cmd()")
        #expect(MonthlyReportBuilder.csvField("123456789012") == "123456789012")
    }
}
