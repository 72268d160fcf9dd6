import Foundation
import KandasTestSupport
import Testing

/// The Centre stay through the admin API (Rules 1): every state transition, with its paragraph.
@Suite(.serialized) struct StayFlowTests {
    @Test func application_paras4to17_walksFromRegistrationToVacating() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 10)
        // Paras 4-5, Annex 2-3: registered in the open journal with a serial and a registration number.
        let id = try d.application(
            centre, members: [("Spouse", "1982-02-02", "жұбайы"), ("Child", "2015-03-03", "ұлы")])
        var app = try d.get("/applications/\(id)").object
        #expect(app["status"] as? String == "registered")
        #expect(app["serial"] as? Int == 1 && app["registration_number"] as? String == "1-1")
        #expect(d.persons(app).map { $0["adult"] as? Bool } == [true, true, false])
        // Para 6: an application not considered on its day is due today (not yet overdue).
        let due = try d.get("/due").object
        let unconsidered = (due["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "unconsidered" }
        #expect(unconsidered.count == 1 && unconsidered.first?["overdue"] as? Bool == false)
        // Para 3 then paras 6, 8: coupons for both adults, considered the same day, a bed is free → referral.
        try d.coupons(id)
        let considered = try d.consider(id)
        #expect(considered.status == 200 && considered.object["status"] as? String == "referred", "\(considered)")
        #expect(considered.object["considered_on"] as? String == "2026-12-07")
        let referralID = considered.object["referral_id"] as? String ?? ""
        let referral = try d.get("/referrals/\(referralID)").object
        // Annex 1 and para 9: number, date, the three persons, move in within 3 calendar days.
        #expect(referral["number"] as? Int == 1 && referral["issued_on"] as? String == "2026-12-07")
        #expect(referral["move_in_by"] as? String == "2026-12-10")
        #expect((referral["persons"] as? [[String: Any]])?.count == 3)
        var centreNow = try d.get("/centres/\(centre)").object
        #expect(centreNow["held"] as? Int == 3 && centreNow["free"] as? Int == 7)
        // Para 9: moved in on the second day; para 15: the stay lasts at most six months.
        try d.setDay("2026-12-09")
        let residents = try d.moveIn(referralID)
        #expect(residents.count == 3)
        let resident = try d.get("/residents/\(residents[0])").object
        #expect(resident["placed_on"] as? String == "2026-12-09" && resident["stay_ends_by"] as? String == "2027-06-09")
        app = try d.get("/applications/\(id)").object
        #expect(app["status"] as? String == "placed")
        centreNow = try d.get("/centres/\(centre)").object
        #expect(centreNow["occupied"] as? Int == 3 && centreNow["held"] as? Int == 0)
        // Para 10(2): a complaint of a resident is registered with a number.
        let complaint = try d.post(
            d.staff, "/complaints",
            "{\"resident_id\":\"\(residents[0])\",\"kind\":\"petition\",\"received_on\":\"2026-12-09\","
                + "\"summary\":\"Bedding not changed\"}")
        #expect(complaint.status == 201 && complaint.object["number"] as? Int == 1, "\(complaint)")
        // Annex 3: the journal row carries the referral's number and date.
        let journalID = app["journal_id"] as? String ?? ""
        let journal = try d.get("/journals/\(journalID)").object
        let row = (journal["rows"] as? [[String: Any]])?.first ?? [:]
        #expect(row["referral_number"] as? Int == 1 && row["referral_issued_on"] as? String == "2026-12-07")
        #expect(row["country_of_origin"] as? String == "Mongolia" && journal["opened_on"] as? String == "2026-12-07")
        // Para 15: one member's stay ends (status ended); para 17: vacate within 3 calendar days.
        try d.setDay("2026-12-20")
        let ended = try d.post(
            d.staff, "/residents/\(residents[2])/end", "{\"ended_on\":\"2026-12-20\",\"reason\":\"status_ended\"}")
        #expect(ended.status == 200 && ended.object["vacate_by"] as? String == "2026-12-23", "\(ended)")
        for r in residents {
            let v = try d.post(d.staff, "/residents/\(r)/vacate", "{\"vacated_on\":\"2026-12-20\"}")
            #expect(v.status == 200 && v.object["status"] as? String == "vacated", "\(v)")
        }
        // Everyone vacated: the application is closed and every bed is free again.
        app = try d.get("/applications/\(id)").object
        #expect(app["status"] as? String == "closed")
        centreNow = try d.get("/centres/\(centre)").object
        #expect(centreNow["free"] as? Int == 10 && centreNow["occupied"] as? Int == 0)
        // Every act is in the audit log.
        let audit = try d.f.server.login("admin").get("/v1/admin/audit?limit=500")
        let actions = Set((audit.object["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String })
        for action in [
            "stay.centre.create", "stay.application.register", "stay.application.coupon", "stay.application.consider",
            "stay.referral.issue", "stay.referral.move_in", "stay.complaint.register", "stay.resident.end",
            "stay.resident.vacate",
        ] {
            #expect(actions.contains(action), "\(action) not audited")
        }
    }

    @Test func coupon_para3_referralRefusedUntilEveryAdultNamedHasACoupon() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 5)
        let id = try d.application(
            centre, members: [("Spouse", "1982-02-02", "жұбайы"), ("Minor", "2012-01-01", "қызы")])
        let persons = d.persons(try d.get("/applications/\(id)").object)
        // Only the applicant's coupon: considered, but the referral waits (para 3) in the reserve.
        let first = try d.post(
            d.officer, "/applications/\(id)/coupons",
            "{\"person_id\":\"\(persons[0]["id"] as? String ?? "")\",\"number\":\"A1\",\"issued_on\":\"2026-12-07\"}")
        #expect(first.status == 200)
        let considered = try d.consider(id)
        #expect(considered.object["status"] as? String == "reserve", "\(considered)")
        #expect(considered.object["reserve_reason"] as? String == "coupon_missing")
        // The head of the reserve without the spouse's coupon: refused with a stable code, nothing changed.
        let before = try d.digest()
        let refused = try d.post(d.officer, "/centres/\(centre)/reserve/next", "{}")
        #expect(refused.status == 409 && refused.code == "coupon_missing", "\(refused)")
        let pointers = (refused.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers == ["/persons/1"])
        #expect(try d.digest() == before)
        // The spouse's coupon recorded (the minor needs none): the referral is issued.
        let second = try d.post(
            d.officer, "/applications/\(id)/coupons",
            "{\"person_id\":\"\(persons[1]["id"] as? String ?? "")\",\"number\":\"A2\",\"issued_on\":\"2026-12-07\"}")
        #expect(second.status == 200)
        let referral = try d.post(d.officer, "/centres/\(centre)/reserve/next", "{}")
        #expect(referral.status == 201 && referral.object["application_id"] as? String == id, "\(referral)")
    }

    @Test func referral_para9_lapsesAfterThreeCalendarDays_bedReturns_reapplicantJoinsTheBack() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        // Friday: the 3 calendar days run over the weekend; the last day is Monday.
        try d.setDay("2026-12-11")
        let centre = try d.centre(beds: 2)
        let onTime = try d.referred(centre)
        let late = try d.referred(centre)
        #expect(onTime["status"] as? String == "referred" && late["status"] as? String == "referred")
        let lateReferral = late["referral_id"] as? String ?? ""
        #expect(try d.get("/referrals/\(lateReferral)").object["move_in_by"] as? String == "2026-12-14")
        // Moving in on the third day is on time.
        try d.setDay("2026-12-14")
        #expect(try d.moveIn(onTime["referral_id"] as? String ?? "").count == 1)
        // The fourth day: the referral has lapsed, the bed is back, the move-in is refused, nothing changed.
        try d.setDay("2026-12-15")
        let referral = try d.get("/referrals/\(lateReferral)").object
        #expect(referral["status"] as? String == "lapsed" && referral["lapsed_on"] as? String == "2026-12-15")
        #expect(try d.get("/centres/\(centre)").object["free"] as? Int == 1)
        let lateApp = late["id"] as? String ?? ""
        #expect(try d.get("/applications/\(lateApp)").object["status"] as? String == "lapsed")
        let before = try d.digest()
        let refused = try d.post(d.staff, "/referrals/\(lateReferral)/move-in", "{\"placed_on\":\"2026-12-15\"}")
        #expect(refused.status == 409 && refused.code == "referral_lapsed", "\(refused)")
        #expect(try d.digest() == before)
        // Para 9: the applicant may apply again; the new application is a new journal entry at the back.
        let waiting = try d.application(centre)
        let again = try d.application(centre)
        _ = try d.consider(waiting)
        try d.coupons(again)
        let second = try d.consider(again)
        #expect(second.object["status"] as? String == "reserve" && second.object["queue_position"] as? Int == 2)
        #expect(second.object["serial"] as? Int == 4)
    }

    @Test func stay_para15_endsAfterSixMonths_andVacating_para17_isDueThreeCalendarDaysLater() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 3)
        let app = try d.referred(centre)
        let resident = try d.moveIn(app["referral_id"] as? String ?? "")[0]
        // Within 14 days of the last day (2027-06-07) the stay is listed as ending.
        try d.setDay("2027-05-30")
        let ending = (try d.get("/due").object["items"] as? [[String: Any]] ?? []).filter {
            $0["kind"] as? String == "stay_ending"
        }
        #expect(ending.first?["due_on"] as? String == "2027-06-07", "\(ending)")
        // A stay cannot be ended after its last day.
        let before = try d.digest()
        let tooLate = try d.post(
            d.staff, "/residents/\(resident)/end", "{\"ended_on\":\"2027-06-08\",\"reason\":\"term\"}")
        #expect(tooLate.status == 422 && tooLate.code == "dates_out_of_order", "\(tooLate)")
        #expect(try d.digest() == before)
        // The day after the six months: the stay has ended by term; vacate by 3 calendar days later.
        try d.setDay("2027-06-08")
        let r = try d.get("/residents/\(resident)").object
        #expect(r["status"] as? String == "ended" && r["end_reason"] as? String == "term", "\(r)")
        #expect(r["vacate_by"] as? String == "2027-06-10")
        try d.setDay("2027-06-11")
        let vacate = (try d.get("/due").object["items"] as? [[String: Any]] ?? []).filter {
            $0["kind"] as? String == "vacate_due"
        }
        #expect(vacate.first?["overdue"] as? Bool == true, "\(vacate)")
        let done = try d.post(d.staff, "/residents/\(resident)/vacate", "{\"vacated_on\":\"2027-06-11\"}")
        #expect(done.status == 200 && done.object["vacated_late"] as? Bool == true, "\(done)")
    }

    @Test func termination_paras13to16_decisionDueInOneWorkingDay_acrossAWeekendAndAHoliday() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2027-03-15")
        let centre = try d.centre(beds: 4)
        let app = try d.referred(centre, members: [("Spouse", "1982-02-02", "жұбайы")])
        let appID = app["id"] as? String ?? ""
        let residents = try d.moveIn(app["referral_id"] as? String ?? "")
        // Friday 19 March 2027: the next working day is Thursday 25th (weekend, Nauryz 21-23, moved day off 24th).
        try d.setDay("2027-03-19")
        let member = try d.post(
            d.staff, "/termination-requests",
            "{\"application_id\":\"\(appID)\",\"scope\":\"member\",\"resident_id\":\"\(residents[1])\","
                + "\"requested_on\":\"2027-03-19\",\"grounds\":\"Internal regulations broken\"}")
        #expect(member.status == 201 && member.object["decide_by"] as? String == "2027-03-25", "\(member)")
        let family = try d.post(
            d.staff, "/termination-requests",
            "{\"application_id\":\"\(appID)\",\"scope\":\"family\",\"requested_on\":\"2027-03-19\","
                + "\"grounds\":\"Noise\"}")
        #expect(family.status == 201)
        // Still due on the 25th; overdue on the 26th.
        try d.setDay("2027-03-25")
        var decisions = (try d.get("/due").object["items"] as? [[String: Any]] ?? []).filter {
            $0["kind"] as? String == "decision_due"
        }
        #expect(decisions.count == 2 && decisions.allSatisfy { $0["overdue"] as? Bool == false })
        // Para 14: keep the family as a whole, on time.
        let kept = try d.post(
            d.officer, "/termination-requests/\(family.object["id"] as? String ?? "")/decision",
            "{\"decision\":\"keep\",\"decided_on\":\"2027-03-25\",\"document\":\"D-1\"}")
        #expect(
            kept.status == 200 && kept.object["status"] as? String == "kept"
                && kept.object["decided_late"] as? Bool == false)
        try d.setDay("2027-03-26")
        decisions = (try d.get("/due").object["items"] as? [[String: Any]] ?? []).filter {
            $0["kind"] as? String == "decision_due"
        }
        #expect(decisions.count == 1 && decisions.first?["overdue"] as? Bool == true)
        // Paras 14, 16: evict one member by a documented decision, late; the stay ends that day.
        let evicted = try d.post(
            d.officer, "/termination-requests/\(member.object["id"] as? String ?? "")/decision",
            "{\"decision\":\"evict\",\"decided_on\":\"2027-03-26\",\"document\":\"D-2\"}")
        #expect(evicted.status == 200 && evicted.object["decided_late"] as? Bool == true, "\(evicted)")
        let r = try d.get("/residents/\(residents[1])").object
        #expect(r["status"] as? String == "ended" && r["end_reason"] as? String == "eviction")
        // Para 17 applied to eviction too (Protocol/stay-v1.md §6): vacate within 3 calendar days.
        #expect(r["vacate_by"] as? String == "2027-03-29")
        #expect(try d.get("/residents/\(residents[0])").object["status"] as? String == "resident")
        // A decided request is not decided again.
        let again = try d.post(
            d.officer, "/termination-requests/\(member.object["id"] as? String ?? "")/decision",
            "{\"decision\":\"keep\",\"decided_on\":\"2027-03-26\",\"document\":\"D-3\"}")
        #expect(again.status == 409 && again.code == "invalid_transition")
    }

    @Test func journal_para5_closesAndTheNextOpensTheSameDay_serialsRestart_queueOrderContinues() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        try d.setDay("2026-12-07")
        let centre = try d.centre(beds: 1)
        let first = try d.referred(centre)
        let waiting = try d.application(centre)
        #expect(try d.consider(waiting).object["status"] as? String == "reserve")
        let journal = first["journal_id"] as? String ?? ""
        // Annex 3 "Аяқталды": closed the day the next journal opens ("Басталды").
        try d.setDay("2026-12-31")
        let next = try d.post(d.officer, "/journals/\(journal)/close", "{\"closed_on\":\"2026-12-31\"}")
        #expect(next.status == 201 && next.object["number"] as? Int == 2, "\(next)")
        #expect(next.object["opened_on"] as? String == "2026-12-31")
        let closed = try d.get("/journals/\(journal)").object
        #expect(closed["closed_on"] as? String == "2026-12-31" && (closed["rows"] as? [Any])?.count == 2)
        let again = try d.post(d.officer, "/journals/\(journal)/close", "{\"closed_on\":\"2026-12-31\"}")
        #expect(again.status == 409 && again.code == "invalid_transition")
        // The next registration is serial 1 of journal 2, and queues behind the earlier one (para 7).
        let later = try d.register(centre)
        #expect(later.object["registration_number"] as? String == "2-1", "\(later)")
        let id = later.object["id"] as? String ?? ""
        try d.coupons(id)
        let considered = try d.consider(id)
        #expect(considered.object["status"] as? String == "reserve" && considered.object["queue_position"] as? Int == 2)
        let journals = try d.get("/centres/\(centre)/journals").object["items"] as? [[String: Any]] ?? []
        #expect(journals.compactMap { $0["number"] as? Int } == [1, 2])
    }
}
