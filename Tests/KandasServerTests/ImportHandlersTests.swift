import Foundation
import KandasDomain
import KandasTestSupport
import Testing

/// Bulk import of families and plans from JSON and CSV: per-row reports, atomic per family.
struct ImportHandlersTests {
    /// Valid IINs nobody else uses in the test store (a seed distinct from seed-demo's).
    static func iins(_ n: Int, seed: UInt64) -> [(String, String)] {
        var generator = IINGenerator(seed: seed)
        return (0..<n).map { i in
            let born = try! LocalDate(year: 1980 + i, month: 3, day: 9)
            return (generator.next(bornOn: born, sex: .male).digits, born.description)
        }
    }

    func csv(_ f: Fixture, rows: [[String]]) -> String {
        let header =
            "family_ref,career_centre_id,assigned_worker_usernames,settlement_name,settlement_latitude,"
            + "settlement_longitude,address,quota_inclusion_date,iin,last_name,first_name,patronymic,"
            + "birth_date,relation,service_code,due_date,instructions"
        return ([header] + rows.map { $0.joined(separator: ",") }).joined(separator: "\r\n") + "\r\n"
    }

    func row(
        _ f: Fixture, ref: String, iin: (String, String), relation: String = "head", service: String = "",
        due: String = "", worker: String = "worker111"
    ) -> [String] {
        [
            ref, f.seed.centres[0], worker, "\"Aul, North\"", "43.25", "76.95", "", "2026-09-01", iin.0,
            "Testov",
            "Test", "", iin.1, relation, service, due, service.isEmpty ? "" : "\"say \"\"hello\"\"\"",
        ]
    }

    func post(_ f: Fixture, _ csv: String, query: String = "") throws -> TestResponse {
        try f.admin.send(
            "POST", "/v1/admin/imports" + query, headers: [("Content-Type", "text/csv"), ("Idempotency-Key", f.key())],
            body: [0xEF, 0xBB, 0xBF] + Array(csv.utf8))
    }

    func familyCount(_ f: Fixture) throws -> Int {
        var count = 0
        var token: String?
        repeat {
            let r = try f.admin.get("/v1/admin/families?limit=500" + (token.map { "&page_token=" + $0 } ?? ""))
            count += ((r.object["items"] as? [[String: Any]]) ?? []).count
            token = r.object["next_page_token"] as? String
        } while token != nil
        return count
    }

    @Test func csv_goodRows_importFamiliesWithDraftPlans() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let p = Self.iins(3, seed: 1)
        let text = csv(
            f,
            rows: [
                row(f, ref: "A", iin: p[0], service: "3", due: "2026-12-01"),
                row(f, ref: "A", iin: p[0], service: "7", due: "2026-12-02"),
                row(f, ref: "A", iin: p[1], relation: "spouse"),
                row(f, ref: "B", iin: p[2], service: "25", due: "2026-12-03"),
            ])
        let r = try post(f, text, query: "?report=full")
        #expect(r.status == 200, "\(r)")
        #expect(r.object["families_created"] as? Int == 2 && r.object["plans_created"] as? Int == 2)
        #expect(r.object["rows_ok"] as? Int == 4 && r.object["rows_failed"] as? Int == 0)
        #expect(try familyCount(f) == 22)
        let found = try f.admin.get("/v1/admin/families?member_iin=\(p[0].0)")
        let family = try #require(((found.object["items"] as? [[String: Any]]) ?? []).first?["id"] as? String)
        let plans = try f.admin.get("/v1/admin/plans?family_id=\(family)")
        let plan = try #require(((plans.object["items"] as? [[String: Any]]) ?? []).first?["id"] as? String)
        let detail = try f.admin.get("/v1/admin/plans/\(plan)")
        let items = (detail.object["items"] as? [[String: Any]]) ?? []
        #expect(items.count == 2)
        #expect(items.first?["instructions"] as? String == "say \"hello\"")
    }

    @Test func csv_badRow_skipsItsWholeFamily_andImportsTheOthers() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let p = Self.iins(4, seed: 2)
        var broken = p[1]
        broken.0 = String(broken.0.dropLast()) + String((Int(String(broken.0.last!))! + 1) % 10)
        let text = csv(
            f,
            rows: [
                row(f, ref: "A", iin: p[0], service: "3", due: "2026-12-01"),
                row(f, ref: "A", iin: broken, relation: "child"),
                row(f, ref: "B", iin: p[2], service: "99", due: "2026-12-01"),
                row(f, ref: "C", iin: p[3], worker: "nobody"),
                row(f, ref: "D", iin: Self.iins(1, seed: 3)[0]),
            ])
        let r = try post(f, text)
        #expect(r.status == 200)
        #expect(r.object["families_created"] as? Int == 1 && r.object["rows_ok"] as? Int == 1)
        let rows = (r.object["rows"] as? [[String: Any]]) ?? []
        let byRow = Dictionary(uniqueKeysWithValues: rows.map { ($0["row"] as? Int ?? 0, $0) })
        #expect(byRow[1]?["status"] as? String == "skipped")
        #expect(byRow[2]?["status"] as? String == "error")
        let errors2 = (byRow[2]?["errors"] as? [[String: Any]]) ?? []
        #expect(errors2.first?["field"] as? String == "iin" && errors2.first?["code"] as? String == "invalid_iin")
        let errors3 = (byRow[3]?["errors"] as? [[String: Any]]) ?? []
        #expect(errors3.first?["field"] as? String == "service_code")
        #expect(
            ((byRow[4]?["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "assigned_worker_usernames")
        // Nothing of A, B or C exists: a bad row never half-imports a family.
        for iin in [p[0].0, p[2].0, p[3].0] {
            let found = try f.admin.get("/v1/admin/families?member_iin=\(iin)")
            #expect(((found.object["items"] as? [[String: Any]]) ?? []).isEmpty)
        }
        #expect(try familyCount(f) == 21)
    }

    @Test func dryRun_reportsButImportsNothing() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let p = Self.iins(1, seed: 4)
        let r = try post(f, csv(f, rows: [row(f, ref: "A", iin: p[0])]), query: "?dry_run=true")
        #expect(r.status == 200 && r.object["families_created"] as? Int == 1 && r.object["dry_run"] as? Bool == true)
        #expect(try familyCount(f) == 20)
        let found = try f.admin.get("/v1/admin/families?member_iin=\(p[0].0)")
        #expect(((found.object["items"] as? [[String: Any]]) ?? []).isEmpty)
    }

    @Test func existingIIN_isAConflictRow() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let detail = try f.admin.get("/v1/admin/families/\(f.seed.families[0])")
        let member = try #require(((detail.object["members"] as? [[String: Any]]) ?? []).first)
        let iin = (member["iin"] as? String ?? "", member["birth_date"] as? String ?? "")
        let r = try post(f, csv(f, rows: [row(f, ref: "A", iin: iin)]))
        let rows = (r.object["rows"] as? [[String: Any]]) ?? []
        #expect(((rows.first?["errors"] as? [[String: Any]]) ?? []).first?["code"] as? String == "conflict")
    }

    @Test func json_mixedFamilies_areReportedPerFamily() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let p = Self.iins(2, seed: 5)
        func family(_ ref: String, _ iin: (String, String), centre: String) -> String {
            "{\"ref\":\"\(ref)\",\"career_centre_id\":\"\(centre)\",\"assigned_worker_ids\":[\"\(f.user("worker111"))\"],"
                + "\"settlement\":{\"name\":\"S\"},\"quota_inclusion_date\":\"2026-01-01\","
                + "\"members\":[{\"iin\":\"\(iin.0)\",\"last_name\":\"L\",\"first_name\":\"F\",\"birth_date\":\"\(iin.1)\","
                + "\"relation\":\"head\"}],\"plan_items\":[{\"member_iin\":\"\(iin.0)\",\"service_code\":4,"
                + "\"due_date\":\"2026-12-01\"}]}"
        }
        let body =
            "{\"families\":[" + family("ok", p[0], centre: f.seed.centres[0]) + ","
            + family("wrong-centre", p[1], centre: f.seed.centres[1]) + "]}"
        let r = try f.admin.json("POST", "/v1/admin/imports", body, idempotencyKey: f.key())
        #expect(r.status == 200 && r.object["families_created"] as? Int == 1)
        let rows = (r.object["rows"] as? [[String: Any]]) ?? []
        #expect(rows.count == 1 && rows.first?["row"] as? Int == 2)
        #expect(
            ((rows.first?["errors"] as? [[String: Any]]) ?? []).first?["field"] as? String == "/assigned_worker_ids/0")
    }

    @Test(arguments: [
        ("family_ref,colour\r\nA,red\r\n", "unknown_field"),
        ("family_ref,iin\r\nA,1\r\n", "missing_field"),
        ("\"unterminated", "invalid_field"),
    ])
    func malformedCSV_isRejectedWhole(text: String, code: String) throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try post(f, text)
        #expect(r.status == 422 && r.code == code, "\(r)")
        #expect(try familyCount(f) == 20)
    }
}
