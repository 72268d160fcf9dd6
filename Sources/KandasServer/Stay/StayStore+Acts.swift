import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// The writes of the Centre stay: each checks its state and dates first, so a refused act changes
/// nothing (the handler's transaction rolls back on any thrown error), then writes and audits.
extension StayStore {
    // MARK: Sweep

    /// Records what the calendar has already decided for a Centre: referrals past their 3-day
    /// term lapse (para 9) and stays past their last day end (para 15). Runs first in every act
    /// on the Centre, so bed counts and the queue see the same state the reads show.
    ///
    /// It first takes the Centre's row lock (PostgreSQL, where writes run concurrently; SQLite's
    /// writer runs alone), held to the end of the act: concurrent acts on one Centre (offers, bed
    /// releases, numbers) run one after the other, each seeing the previous one's result.
    static func sweep(_ w: StayWork, centreID: String) throws {
        _ = try w.db.queryOne("SELECT id FROM stay_centres WHERE id = ?" + w.db.dialect.forUpdate, centreID)
        let day = w.today.description
        for row in try w.db.query(
            "SELECT id, application_id, move_in_by FROM stay_referrals WHERE centre_id = ? AND status = 'issued'"
                + " AND move_in_by < ?", centreID, day)
        {
            let id = try row.string("id")
            let lapsed = local(try calendarDate(row, "move_in_by")).addingCalendarDays(1).description
            _ = try w.db.run("UPDATE stay_referrals SET status = 'lapsed', lapsed_on = ? WHERE id = ?", lapsed, id)
            _ = try w.db.run(
                "UPDATE stay_applications SET status = 'lapsed', version = version + 1, updated_at = ?"
                    + " WHERE id = ? AND status = 'referred'", w.now, try row.string("application_id"))
            try w.audit("stay.referral.lapse", "stay_referral", id, "Rules 1 para 9: not moved in by \(day)")
        }
        for row in try w.db.query(
            "SELECT s.id, s.stay_ends_by, a.kandas_status_until FROM stay_residents s"
                + " JOIN stay_applications a ON a.id = s.application_id"
                + " WHERE s.centre_id = ? AND s.status = 'resident' AND s.stay_ends_by < ?", centreID, day)
        {
            let ends = try row.string("stay_ends_by")
            let reason = ends == row.optionalString("kandas_status_until") ? "status_ended" : "term"
            let vacateBy = w.rules.vacateBy(endedOn: local(try calendarDate(row, "stay_ends_by"))).description
            _ = try w.db.run(
                "UPDATE stay_residents SET status = 'ended', ended_on = ?, end_reason = ?, vacate_by = ?,"
                    + " updated_at = ? WHERE id = ?", ends, reason, vacateBy, w.now, try row.string("id"))
            try w.audit("stay.resident.end", "stay_resident", try row.string("id"), "Rules 1 para 15: \(reason)")
        }
    }

    // MARK: Centres and journals

    static func createCentre(_ w: StayWork, _ body: StayCentreCreate) throws -> String {
        let region = body.regionID.description
        guard try w.db.exists("SELECT 1 FROM regions WHERE id = ?", region) else {
            throw ServerError.field(.invalidField, "/region_id", "no such region")
        }
        guard w.actor.role == .nationalAdmin || w.actor.regionID == region else {
            throw ServerError.field(.outOfScope, "/region_id", "the region is outside your scope")
        }
        try w.notFuture(body.journalOpenedOn, "/journal_opened_on")
        let id = WireID.random().description
        _ = try w.db.run(
            "INSERT INTO stay_centres(id, region_id, name, address, capacity, next_queue_seq, next_referral,"
                + " next_complaint, version, created_at, updated_at) VALUES(?,?,?,?,?,1,1,1,1,?,?)", id, region,
            body.name, body.address, body.capacity, w.now, w.now)
        let journal = WireID.random().description
        _ = try w.db.run(
            "INSERT INTO stay_journals(id, centre_id, number, opened_on, next_serial) VALUES(?,?,1,?,1)", journal, id,
            body.journalOpenedOn.description)
        try w.audit("stay.centre.create", "stay_centre", id, "capacity \(body.capacity)")
        return id
    }

    static func updateCentre(_ w: StayWork, id: String, _ body: StayCentreUpdate) throws {
        // Locked before the version is read (PostgreSQL): two edits sent with one version cannot both pass.
        _ = try w.db.queryOne("SELECT id FROM stay_centres WHERE id = ?" + w.db.dialect.forUpdate, id)
        let current = try centre(w.db, id: id, for: w.actor, today: w.today)
        try Validation.version(body.version, current: current.version)
        try sweep(w, centreID: id)
        if let capacity = body.capacity {
            let beds = try beds(w.db, centreID: id, capacity: capacity, today: w.today)
            guard capacity >= beds.occupied + beds.held else {
                throw ServerError.field(
                    .invalidField, "/capacity", "\(beds.occupied + beds.held) beds are taken or held now")
            }
        }
        _ = try w.db.run(
            "UPDATE stay_centres SET name = ?, address = ?, capacity = ?, version = version + 1, updated_at = ?"
                + " WHERE id = ?", body.name ?? current.name, body.address ?? current.address,
            body.capacity ?? current.capacity, w.now, id)
        try w.audit("stay.centre.update", "stay_centre", id, body.capacity.map { "capacity \($0)" })
    }

    /// Closes a journal ("Аяқталды") and opens the next one the same day ("Басталды").
    static func closeJournal(_ w: StayWork, id: String, _ body: StayJournalClose) throws -> String {
        let journal = try journal(w.db, id: id, for: w.actor)
        guard journal.closedOn == nil else { throw ServerError(.invalidTransition, "the journal is already closed") }
        try StayWork.ordered(journal.openedOn, body.closedOn, "/closed_on", "the opening day")
        try w.notFuture(body.closedOn, "/closed_on")
        _ = try w.db.run("UPDATE stay_journals SET closed_on = ? WHERE id = ?", body.closedOn.description, id)
        let next = WireID.random().description
        _ = try w.db.run(
            "INSERT INTO stay_journals(id, centre_id, number, opened_on, next_serial) VALUES(?,?,?,?,1)", next,
            journal.centreID.description, journal.number + 1, body.closedOn.description)
        try w.audit("stay.journal.close", "stay_journal", id, "journal \(journal.number) closed")
        return next
    }

    // MARK: Applications

    /// Registers an application in the Centre's open journal (paras 4-5); it waits for
    /// consideration the same day (para 6).
    static func register(_ w: StayWork, _ body: StayApplicationCreate) throws -> String {
        let centreID = body.centreID.description
        // The Centre's row lock orders registrations: queue numbers and journal serials are taken once.
        guard
            let centre = try w.db.queryOne(
                "SELECT region_id FROM stay_centres WHERE id = ?" + w.db.dialect.forUpdate, centreID)
        else {
            throw ServerError.field(.invalidField, "/centre_id", "no such centre")
        }
        let region = try centre.string("region_id")
        guard scopeCovers(w.actor, region: region) else {
            throw ServerError.field(.outOfScope, "/centre_id", "the centre is outside your scope")
        }
        try validate(w, body)
        if let family = body.familyID?.description {
            guard let row = try w.db.queryOne("SELECT region_id FROM families WHERE id = ?", family),
                row.optionalString("region_id") == region
            else { throw ServerError.field(.invalidField, "/family_id", "no such family in the centre's region") }
        }
        guard
            let journal = try w.db.queryOne(
                "SELECT id, next_serial FROM stay_journals WHERE centre_id = ? AND closed_on IS NULL", centreID),
            let seq = try w.db.queryOne("SELECT next_queue_seq FROM stay_centres WHERE id = ?", centreID)
        else { throw ServerError(.internalError, "the centre has no open journal") }
        let id = WireID.random().description
        let serial = try journal.int("next_serial")
        _ = try w.db.run(
            "INSERT INTO stay_applications(id, centre_id, region_id, journal_id, serial, queue_seq, registered_on,"
                + " applied_on, addressee, birth_place, country_of_origin, kandas_status_document,"
                + " kandas_status_until, family_members, status, family_id, version, created_at, updated_at)"
                + " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,'registered',?,1,?,?)", id, centreID, region,
            try journal.string("id"), serial, try seq.int("next_queue_seq"), w.today.description,
            body.appliedOn.description, body.addressee, body.birthPlace, body.countryOfOrigin,
            body.kandasStatusDocument, body.kandasStatusUntil?.description, body.familyMembers,
            body.familyID?.description, w.now, w.now)
        _ = try w.db.run(
            "UPDATE stay_journals SET next_serial = next_serial + 1 WHERE id = ?", try journal.string("id"))
        _ = try w.db.run("UPDATE stay_centres SET next_queue_seq = next_queue_seq + 1 WHERE id = ?", centreID)
        let applied = local(body.appliedOn)
        let people =
            [StayMemberInput(fullName: body.applicantName, birthDate: body.applicantBirthDate, kinship: "applicant")]
            + body.members
        for (position, person) in people.enumerated() {
            _ = try w.db.run(
                "INSERT INTO stay_persons(id, application_id, position, full_name, birth_date, kinship, adult)"
                    + " VALUES(?,?,?,?,?,?,?)", WireID.random().description, id, position, person.fullName,
                person.birthDate.description, person.kinship,
                StayRules.isAdult(bornOn: local(person.birthDate), on: applied) ? 1 : 0)
        }
        try w.audit("stay.application.register", "stay_application", id, "serial \(serial), \(people.count) persons")
        return id
    }

    static func validate(_ w: StayWork, _ body: StayApplicationCreate) throws {
        var errors: [FieldError] = []
        collect(&errors) { try Validation.text(body.addressee, "/addressee") }
        collect(&errors) { try Validation.text(body.applicantName, "/applicant_name") }
        collect(&errors) { try Validation.text(body.birthPlace, "/birth_place") }
        collect(&errors) { try Validation.text(body.countryOfOrigin, "/country_of_origin") }
        collect(&errors) { try Validation.text(body.kandasStatusDocument, "/kandas_status_document", max: 100) }
        if body.familyMembers != body.members.count || body.members.count > 20 {
            errors.append(
                FieldError(
                    pointer: "/family_members", code: .invalidField,
                    detail: "family_members must equal the number of members listed (0-20)"))
        }
        for (i, m) in body.members.enumerated() {
            collect(&errors) { try Validation.text(m.fullName, "/members/\(i)/full_name") }
            collect(&errors) { try Validation.text(m.kinship, "/members/\(i)/kinship", max: 50) }
            collect(&errors) { try StayWork.ordered(m.birthDate, body.appliedOn, "/members/\(i)/birth_date", "birth") }
        }
        collect(&errors) { try w.notFuture(body.appliedOn, "/applied_on") }
        collect(&errors) {
            try StayWork.ordered(body.applicantBirthDate, body.appliedOn, "/applied_on", "the applicant's birth")
        }
        if let until = body.kandasStatusUntil, until < body.appliedOn {
            // Para 12: only kandas (and their families) are placed; a status that ended before the application is none.
            errors.append(
                FieldError(
                    pointer: "/kandas_status_until", code: .datesOutOfOrder,
                    detail: "the kandas status ended before the application (Rules 1 para 12)"))
        }
        if let first = errors.first {
            throw ServerError(ErrorCode(rawValue: first.code) ?? .invalidField, first.detail, errors: errors)
        }
    }

    static func scopeCovers(_ p: Principal, region: String) -> Bool {
        switch p.role {
        case .nationalAdmin: return true
        case .auditor: return p.regionID == nil || p.regionID == region
        case .fieldWorker, .centreSupervisor, .labourMobilityOfficer: return false
        case .regionAdmin, .migrationOfficer, .aicStaff: return p.regionID == region
        }
    }

    /// Records the internal affairs coupon of one person named in the application (para 3).
    static func recordCoupon(_ w: StayWork, applicationID: String, _ body: StayCouponRecord) throws {
        let app = try application(w.db, id: applicationID, for: w.actor, today: w.today)
        guard [.registered, .reserve].contains(app.status) else {
            throw ServerError(.invalidTransition, "coupons are recorded before the referral (status \(app.status))")
        }
        guard app.persons.contains(where: { $0.id == body.personID }) else {
            throw ServerError.field(.invalidField, "/person_id", "no such person in this application")
        }
        try Validation.text(body.number, "/number", max: 50)
        try w.notFuture(body.issuedOn, "/issued_on")
        _ = try w.db.run(
            "UPDATE stay_persons SET coupon_number = ?, coupon_issued_on = ? WHERE id = ?", body.number,
            body.issuedOn.description, body.personID.description)
        _ = try w.db.run(
            "UPDATE stay_applications SET version = version + 1, updated_at = ? WHERE id = ?", w.now, applicationID)
        try w.audit("stay.application.coupon", "stay_application", applicationID, "Rules 1 para 3")
    }

    /// The adults of an application without a recorded coupon (para 3), by position.
    static func missingCoupons(_ app: StayApplication) -> [Int] {
        app.persons.enumerated().filter { $0.element.adult && $0.element.couponNumber == nil }.map(\.offset)
    }

    /// Considers a registered application on the day (para 6): a referral when a bed is free for
    /// the whole family, nobody waits ahead and every adult's coupon is recorded (paras 3, 8);
    /// otherwise the reserve in journal order (para 7).
    static func consider(_ w: StayWork, applicationID: String) throws -> Bool {
        let app = try application(w.db, id: applicationID, for: w.actor, today: w.today)
        guard app.status == .registered else {
            throw ServerError(.invalidTransition, "only a registered application is considered (status \(app.status))")
        }
        let centreID = app.centreID.description
        try sweep(w, centreID: centreID)
        let capacity =
            try w.db.queryOne("SELECT capacity FROM stay_centres WHERE id = ?", centreID)?.int("capacity") ?? 0
        let beds = try beds(w.db, centreID: centreID, capacity: Int(capacity), today: w.today)
        let ahead = try reserveLength(w.db, centreID: centreID) > 0
        let reason: String? =
            ahead
            ? "queue_ahead"
            : beds.free < app.persons.count ? "no_free_beds" : missingCoupons(app).isEmpty ? nil : "coupon_missing"
        _ = try w.db.run(
            "UPDATE stay_applications SET considered_on = ?, status = ?, reserve_reason = ?, version = version + 1,"
                + " updated_at = ? WHERE id = ?", w.today.description, reason == nil ? "registered" : "reserve", reason,
            w.now, applicationID)
        try w.audit(
            "stay.application.consider", "stay_application", applicationID,
            reason.map { "Rules 1 para 7: reserve (\($0))" } ?? "Rules 1 para 6: referral")
        if reason == nil { try issueReferral(w, applicationID: applicationID, centreID: centreID) }
        return reason == nil
    }

    /// Offers a referral to the head of a Centre's reserve (para 8). The head is the reserve's
    /// lowest queue number (journal order), read inside this write transaction; there is no way
    /// to name another application, so the queue cannot be jumped.
    static func offerNext(_ w: StayWork, centreID: String) throws -> String {
        let centre = try centre(w.db, id: centreID, for: w.actor, today: w.today)
        try sweep(w, centreID: centreID)
        guard
            let headID = try w.db.queryOne(
                "SELECT id FROM stay_applications WHERE centre_id = ? AND status = 'reserve' ORDER BY queue_seq LIMIT 1",
                centreID)?.string("id")
        else { throw ServerError(.invalidTransition, "the reserve of this centre is empty") }
        let head = try application(w.db, id: headID, for: w.actor, today: w.today)
        let beds = try beds(w.db, centreID: centreID, capacity: centre.capacity, today: w.today)
        guard beds.free >= head.persons.count else {
            throw ServerError(
                .noFreeBeds, "the head of the reserve needs \(head.persons.count) beds; \(beds.free) are free")
        }
        let missing = missingCoupons(head)
        guard missing.isEmpty else {
            throw ServerError(
                .couponMissing, "no internal affairs coupon recorded for \(missing.count) adult(s) (Rules 1 para 3)",
                errors: missing.map {
                    FieldError(pointer: "/persons/\($0)", code: .couponMissing, detail: "coupon not recorded")
                })
        }
        return try issueReferral(w, applicationID: headID, centreID: centreID)
    }

    @discardableResult
    static func issueReferral(_ w: StayWork, applicationID: String, centreID: String) throws -> String {
        guard
            let row = try w.db.queryOne("SELECT region_id, next_referral FROM stay_centres WHERE id = ?", centreID)
        else { throw ServerError(.internalError, "centre vanished") }
        let id = WireID.random().description
        let number = try row.int("next_referral")
        _ = try w.db.run(
            "INSERT INTO stay_referrals(id, centre_id, region_id, application_id, number, issued_on, move_in_by,"
                + " status, created_at) VALUES(?,?,?,?,?,?,?,'issued',?)", id, centreID, try row.string("region_id"),
            applicationID, number, w.today.description, w.rules.moveInBy(issuedOn: w.today).description, w.now)
        _ = try w.db.run("UPDATE stay_centres SET next_referral = next_referral + 1 WHERE id = ?", centreID)
        _ = try w.db.run(
            "UPDATE stay_applications SET status = 'referred', reserve_reason = NULL, referral_id = ?,"
                + " version = version + 1, updated_at = ? WHERE id = ?", id, w.now, applicationID)
        try w.audit("stay.referral.issue", "stay_referral", id, "number \(number), Rules 1 para 8")
        return id
    }
}
