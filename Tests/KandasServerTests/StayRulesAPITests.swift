import Foundation
import KandasTestSupport
import Synchronization
import Testing

/// The reserve queue, scope, roles and bad input of the Centre stay (Rules 1).
@Suite(.serialized) struct StayRulesAPITests {
    /// Runs `work` for 0..<n on parallel threads and returns the results in index order.
    func concurrently<T: Sendable>(_ n: Int, _ work: @escaping @Sendable (Int) throws -> T) -> [T?] {
        let results = Mutex<[T?]>(Array(repeating: nil, count: n))
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let value = try? work(i)
            results.withLock { $0[i] = value }
        }
        return results.withLock { $0 }
    }

    @Test func reserve_paras7and8_queueIsJournalOrder_underConcurrentBedReleases() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let first = try d.referred(centre)
        let second = try d.referred(centre)
        let residents =
            try d.moveIn(first["referral_id"] as? String ?? "") + d.moveIn(second["referral_id"] as? String ?? "")
        // Para 7: no free bed → the reserve, in journal order. A later registration that states an
        // earlier application date still queues behind (server order, never a client's date).
        var waiting: [String] = []
        for applied in ["2026-12-07", "2026-12-07", "2026-12-01"] {
            let r = try d.register(centre, appliedOn: applied)
            let id = r.object["id"] as? String ?? ""
            try d.coupons(id)
            let considered = try d.consider(id)
            #expect(considered.object["status"] as? String == "reserve", "\(considered)")
            waiting.append(id)
        }
        let reserve = (try d.get("/centres/\(centre)/reserve").object["items"] as? [[String: Any]] ?? [])
        #expect(reserve.compactMap { $0["id"] as? String } == waiting)
        #expect(reserve.compactMap { $0["queue_position"] as? Int } == [1, 2, 3])
        #expect(reserve.first?["reserve_reason"] as? String == "no_free_beds")
        #expect(reserve.last?["reserve_reason"] as? String == "queue_ahead")
        // Two beds free at once (two vacating acts in parallel), then two offers in parallel.
        let staff = d.staff
        let key = { @Sendable (i: Int) in "vacate-\(i)-" + UUID().uuidString.prefix(8) }
        let vacated = concurrently(2) { i in
            try staff.json(
                "POST", "/v1/admin/stay/residents/\(residents[i])/vacate", "{\"vacated_on\":\"2026-12-07\"}",
                idempotencyKey: key(i)
            ).status
        }
        #expect(vacated == [200, 200])
        let officer = d.officer
        let offers = concurrently(3) { i in
            try officer.json(
                "POST", "/v1/admin/stay/centres/\(centre)/reserve/next", "{}",
                idempotencyKey: "next-\(i)-x"
                    + UUID().uuidString.prefix(8))
        }
        // Para 8: the first two in queue order get the referrals, numbered in that order; the third
        // offer finds no free bed and changes nothing.
        let issued = offers.compactMap { $0 }.filter { $0.status == 201 }
        #expect(issued.count == 2)
        let byNumber = issued.sorted { ($0.object["number"] as? Int ?? 0) < ($1.object["number"] as? Int ?? 0) }
        #expect(byNumber.compactMap { $0.object["application_id"] as? String } == Array(waiting.prefix(2)))
        #expect(byNumber.compactMap { $0.object["number"] as? Int } == [3, 4])
        #expect(offers.compactMap { $0 }.filter { $0.status == 409 }.map(\.code) == ["no_free_beds"])
        let left = (try d.get("/centres/\(centre)/reserve").object["items"] as? [[String: Any]] ?? [])
        #expect(left.compactMap { $0["id"] as? String } == [waiting[2]])
        #expect(left.first?["queue_position"] as? Int == 1)
        // Para 8 and item 10: a free bed with a waiting reserve is a due act; here no bed is free.
        let kinds = (try d.get("/due").object["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(!kinds.contains("bed_free"))
    }

    @Test func scope_anotherRegionsApplications_areNotFound() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let app = try d.referred(centre)
        let id = app["id"] as? String ?? ""
        let before = try d.digest()
        for path in [
            "/applications/\(id)", "/centres/\(centre)", "/referrals/\(app["referral_id"] as? String ?? "")",
            "/centres/\(centre)/reserve",
        ] {
            let r = try d.get(path, as: d.other)
            #expect(r.status == 404 && r.code == "not_found", "\(path) → \(r)")
        }
        let list = try d.get("/applications", as: d.other)
        #expect((list.object["items"] as? [Any])?.count == 0)
        let coupon = try d.post(d.other, "/applications/\(id)/coupons", "{}")
        #expect(coupon.status == 404)
        // A body naming another region's centre: 403 out_of_scope.
        let foreign = try d.register(centre, client: d.other)
        #expect(foreign.status == 403 && foreign.code == "out_of_scope", "\(foreign)")
        #expect(try d.digest() == before)
        // The region's own administrator and a national auditor read it; the other region's does not.
        #expect(try d.f.server.login("region1").get("/v1/admin/stay/applications/\(id)").status == 200)
        #expect(try d.f.server.login("auditor").get("/v1/admin/stay/applications/\(id)").status == 200)
        #expect(try d.f.server.login("region2").get("/v1/admin/stay/applications/\(id)").status == 404)
    }

    @Test func roles_item9_officerRegistersAndDecides_centreStaffMovesIn_auditorsRead() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let auditor = try d.f.server.login("auditor")
        let supervisor = try d.f.server.login("super11")
        let before = try d.digest()
        let byStaff = try d.register(centre, client: d.staff)
        #expect(byStaff.status == 403 && byStaff.code == "forbidden")
        #expect(try d.register(centre, client: auditor).status == 403)
        #expect(try d.register(centre, client: supervisor).status == 403)
        #expect(try d.digest() == before)
        let app = try d.referred(centre)
        let referral = app["referral_id"] as? String ?? ""
        let byOfficer = try d.post(d.officer, "/referrals/\(referral)/move-in", "{\"placed_on\":\"2026-12-07\"}")
        #expect(byOfficer.status == 403 && byOfficer.code == "forbidden")
        #expect(try d.get("/referrals/\(referral)", as: auditor).status == 200)
        // Region administrators appoint the region's Rules 1 staff.
        let created = try d.f.server.login("region1").json(
            "POST", "/v1/admin/users",
            "{\"username\":\"officer.two\",\"display_name\":\"Officer\",\"role\":\"migration_officer\","
                + "\"region_id\":\"\(d.region)\",\"password\":\"long-enough-password\"}", idempotencyKey: d.f.key())
        #expect(created.status == 201, "\(created)")
    }

    @Test func badInput_unknownIDsWrongStatesDatesOutOfOrder_clearErrors_nothingChanged() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 3)
        let app = try d.referred(centre, members: [("Spouse", "1982-02-02", "жұбайы")])
        let id = app["id"] as? String ?? ""
        let referral = app["referral_id"] as? String ?? ""
        let journal = try d.get("/applications/\(id)").object["journal_id"] as? String ?? ""
        let unknown = UUID().uuidString.lowercased()
        let before = try d.digest()
        func expect(_ r: TestResponse, _ status: Int, _ code: String, pointer: String? = nil) {
            #expect(r.status == status && r.code == code, "\(r)")
            if let pointer {
                let pointers = (r.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
                #expect(pointers.contains(pointer), "\(r)")
            }
        }
        // Unknown IDs.
        expect(try d.get("/applications/\(unknown)"), 404, "not_found")
        expect(try d.consider(unknown), 404, "not_found")
        expect(try d.post(d.staff, "/referrals/\(unknown)/move-in", "{\"placed_on\":\"2026-12-07\"}"), 404, "not_found")
        expect(try d.register(unknown), 422, "invalid_field", pointer: "/centre_id")
        expect(try d.get("/applications/not-a-uuid"), 404, "not_found")
        // Wrong states: considered twice; coupon after the referral; a stay ended twice comes later.
        expect(try d.consider(id), 409, "invalid_transition")
        let person = d.persons(try d.get("/applications/\(id)").object)[0]["id"] as? String ?? ""
        expect(
            try d.post(
                d.officer, "/applications/\(id)/coupons",
                "{\"person_id\":\"\(person)\",\"number\":\"X\",\"issued_on\":\"2026-12-07\"}"), 409,
            "invalid_transition")
        expect(try d.post(d.officer, "/centres/\(centre)/reserve/next", "{}"), 409, "invalid_transition")
        // Dates out of order: applied in the future, a member born after the application, a status already ended.
        expect(try d.register(centre, appliedOn: "2026-12-08"), 422, "dates_out_of_order", pointer: "/applied_on")
        expect(
            try d.register(centre, members: [("Baby", "2026-12-08", "ұлы")], appliedOn: "2026-12-07"), 422,
            "dates_out_of_order", pointer: "/members/0/birth_date")
        expect(
            try d.register(centre, statusUntil: "2026-12-01"), 422, "dates_out_of_order",
            pointer: "/kandas_status_until")
        expect(
            try d.post(d.officer, "/journals/\(journal)/close", "{\"closed_on\":\"2026-12-06\"}"), 422,
            "dates_out_of_order", pointer: "/closed_on")
        // Malformed bodies: a head count that does not match, an unknown field, a bad date.
        let mismatch = try d.post(
            d.officer, "/applications",
            "{\"centre_id\":\"\(centre)\",\"addressee\":\"A\",\"applicant_name\":\"B\",\"applicant_birth_date\":"
                + "\"1980-01-01\",\"birth_place\":\"C\",\"country_of_origin\":\"D\",\"kandas_status_document\":\"E\","
                + "\"family_members\":2,\"members\":[],\"applied_on\":\"2026-12-07\"}")
        expect(mismatch, 422, "invalid_field", pointer: "/family_members")
        expect(try d.post(d.officer, "/applications/\(id)/consider", "{\"nope\":1}"), 422, "unknown_field")
        expect(
            try d.post(d.officer, "/journals/\(journal)/close", "{\"closed_on\":\"2026-02-30\"}"), 422, "invalid_field")
        // Para 12: only persons named on the referral are placed; placement before the referral is out of order.
        expect(
            try d.post(
                d.staff, "/referrals/\(referral)/move-in",
                "{\"placed_on\":\"2026-12-07\",\"person_ids\":[\"\(unknown)\"]}"), 422, "not_on_referral",
            pointer: "/person_ids/0")
        expect(
            try d.post(d.staff, "/referrals/\(referral)/move-in", "{\"placed_on\":\"2026-12-06\"}"), 422,
            "dates_out_of_order", pointer: "/placed_on")
        expect(
            try d.post(d.staff, "/referrals/\(referral)/move-in", "{\"placed_on\":\"2026-12-08\"}"), 422,
            "dates_out_of_order", pointer: "/placed_on")
        #expect(try d.digest() == before, "a refused request changed the store")
        // After move-in: ending before placement, eviction by hand, a decision before its request.
        let residents = try d.moveIn(referral)
        let placed = try d.digest()
        expect(
            try d.post(d.staff, "/residents/\(residents[0])/end", "{\"ended_on\":\"2026-12-06\",\"reason\":\"term\"}"),
            422, "dates_out_of_order", pointer: "/ended_on")
        expect(
            try d.post(
                d.staff, "/residents/\(residents[0])/end", "{\"ended_on\":\"2026-12-07\",\"reason\":\"eviction\"}"),
            422, "invalid_field", pointer: "/reason")
        expect(
            try d.post(d.staff, "/referrals/\(referral)/move-in", "{\"placed_on\":\"2026-12-07\"}"), 409,
            "invalid_transition")
        expect(
            try d.post(
                d.staff, "/termination-requests",
                "{\"application_id\":\"\(id)\",\"scope\":\"member\",\"requested_on\":\"2026-12-07\",\"grounds\":\"G\"}"),
            422, "invalid_field", pointer: "/resident_id")
        #expect(try d.digest() == placed, "a refused request changed the store")
        let request = try d.post(
            d.staff, "/termination-requests",
            "{\"application_id\":\"\(id)\",\"scope\":\"family\",\"requested_on\":\"2026-12-07\",\"grounds\":\"G\"}")
        #expect(request.status == 201)
        let requested = try d.digest()
        expect(
            try d.post(
                d.officer, "/termination-requests/\(request.object["id"] as? String ?? "")/decision",
                "{\"decision\":\"evict\",\"decided_on\":\"2026-12-06\",\"document\":\"D\"}"), 422,
            "dates_out_of_order", pointer: "/decided_on")
        #expect(try d.digest() == requested, "a refused request changed the store")
    }

    @Test func signature_annex2_scanIsStored_andAFileThatIsNotItsTypeIsRefused() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let id = try d.application(centre)
        let pdf = Array("%PDF-1.4 signed application".utf8)
        let put = try d.officer.send(
            "PUT", "/v1/admin/stay/applications/\(id)/signature",
            headers: [("Content-Type", "application/pdf"), ("Idempotency-Key", d.f.key())], body: pdf)
        #expect(put.status == 200, "\(put)")
        let signature = put.object["signature"] as? [String: Any] ?? [:]
        #expect(signature["size"] as? Int == pdf.count && signature["content_type"] as? String == "application/pdf")
        let back = try d.get("/applications/\(id)/signature")
        #expect(back.body == pdf && back.headers["content-type"] == "application/pdf")
        let before = try d.digest()
        let wrong = try d.officer.send(
            "PUT", "/v1/admin/stay/applications/\(id)/signature",
            headers: [("Content-Type", "image/png"), ("Idempotency-Key", d.f.key())], body: pdf)
        #expect(wrong.status == 422 && wrong.code == "content_type_mismatch", "\(wrong)")
        let type = try d.officer.send(
            "PUT", "/v1/admin/stay/applications/\(id)/signature",
            headers: [("Content-Type", "text/plain"), ("Idempotency-Key", d.f.key())], body: pdf)
        #expect(type.status == 415 && type.code == "unsupported_media_type")
        #expect(try d.digest() == before)
    }

    @Test func unconsidered_para6_isDueOnItsDay_andOverdueTheNextDay() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let id = try d.application(centre)
        func item() throws -> [String: Any]? {
            (try d.get("/due").object["items"] as? [[String: Any]] ?? []).first {
                $0["kind"] as? String == "unconsidered" && $0["entity_id"] as? String == id
            }
        }
        #expect(try item()?["overdue"] as? Bool == false)
        try d.setDay("2026-12-08")
        #expect(try item()?["overdue"] as? Bool == true && item()?["due_on"] as? String == "2026-12-07")
        let due = try d.get("/due").object
        #expect(due["overdue"] as? Int == 1 && (due["counts"] as? [String: Int])?["unconsidered"] == 1)
        // Considered late, it is no longer listed.
        _ = try d.consider(id)
        #expect(try item() == nil)
    }

    @Test func familyLink_item11_rules2FamilyShowsItsCentreStay_onTheFamilyPage() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 2)
        let family = d.f.seed.families[0]
        let r = try d.register(centre, family: family)
        #expect(r.status == 201 && r.object["family_id"] as? String == family, "\(r)")
        let listed = try d.get("/applications?family_id=\(family)").object["items"] as? [[String: Any]] ?? []
        #expect(listed.count == 1)
        // A family of another region cannot be linked.
        let before = try d.digest()
        let foreign = try d.register(centre, family: d.f.seed.families[10])
        #expect(foreign.status == 422 && foreign.code == "invalid_field", "\(foreign)")
        #expect(try d.digest() == before)
        var console = ConsoleClient(port: d.f.server.port)
        _ = try console.login("region1")
        let page = try console.get("/console/families/\(family)")
        #expect(page.status == 200 && page.text.contains("id=\"stays\""))
        #expect(page.text.contains("/console/stay/applications/\(r.object["id"] as? String ?? "")"))
    }
}
