import KandasDomain
import KandasProtocol
import KandasStore

/// Move-in, the end of a stay, vacating, complaints and early termination (Rules 1, paras 9-17).
extension StayStore {
    /// Places the persons of a referral (paras 9, 12, 15): one resident per person.
    static func moveIn(_ w: StayWork, referralID: String, _ body: StayMoveIn) throws -> [String] {
        // The referral's row lock: two move-ins on one referral (two clerks, two instances) run one
        // after the other, and the second reads it used.
        _ = try w.db.queryOne("SELECT id FROM stay_referrals WHERE id = ?" + w.db.dialect.forUpdate, referralID)
        let ref = try referral(w.db, id: referralID, for: w.actor, today: w.today)
        switch ref.status {
        case .used: throw ServerError(.invalidTransition, "the family has already moved in on this referral")
        case .lapsed:
            throw ServerError(.referralLapsed, "the referral lapsed after \(ref.moveInBy) (Rules 1 para 9)")
        case .issued: break
        }
        try StayWork.ordered(ref.issuedOn, body.placedOn, "/placed_on", "the referral's issue day")
        try w.notFuture(body.placedOn, "/placed_on")
        guard body.placedOn <= ref.moveInBy else {
            throw ServerError.field(
                .referralLapsed, "/placed_on", "move-in by \(ref.moveInBy) at the latest (Rules 1 para 9)")
        }
        let ids = body.personIDs ?? ref.persons.map(\.id)
        guard !ids.isEmpty, Set(ids).count == ids.count else {
            throw ServerError.field(.invalidField, "/person_ids", "a non-empty list without repeats")
        }
        for (i, id) in ids.enumerated() where !ref.persons.contains(where: { $0.id == id }) {
            // Para 12: nobody but the kandas and the family members named on the referral.
            throw ServerError.field(
                .notOnReferral, "/person_ids/\(i)", "not named on this referral (Rules 1 para 12)")
        }
        let until = try w.db.queryOne(
            "SELECT kandas_status_until FROM stay_applications WHERE id = ?", ref.applicationID.description)?
            .optionalString("kandas_status_until").flatMap { CalendarDate($0) }
        let endsBy = w.rules.stayEndsBy(placedOn: local(body.placedOn), statusUntil: until.map(local))
        guard local(body.placedOn) <= endsBy else {
            throw ServerError.field(.datesOutOfOrder, "/placed_on", "the kandas status ends before placement")
        }
        var created: [String] = []
        for person in ids {
            let id = WireID.random().description
            _ = try w.db.run(
                "INSERT INTO stay_residents(id, centre_id, region_id, application_id, referral_id, person_id, placed_on,"
                    + " stay_ends_by, status, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,'resident',?,?)", id,
                ref.centreID.description, ref.regionID.description, ref.applicationID.description, referralID,
                person.description, body.placedOn.description, endsBy.description, w.now, w.now)
            created.append(id)
        }
        _ = try w.db.run(
            "UPDATE stay_referrals SET status = 'used', used_on = ? WHERE id = ?", body.placedOn.description, referralID
        )
        _ = try w.db.run(
            "UPDATE stay_applications SET status = 'placed', version = version + 1, updated_at = ? WHERE id = ?", w.now,
            ref.applicationID.description)
        try w.audit("stay.referral.move_in", "stay_referral", referralID, "\(ids.count) persons, Rules 1 para 9")
        return created
    }

    /// A resident whose bed is taken, after the sweep.
    static func liveResident(_ w: StayWork, id: String) throws -> StayResident {
        let r = try resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today)
        try sweep(w, centreID: r.centreID.description)
        return try resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today)
    }

    /// Ends a stay by term, status end or departure (para 15); eviction only comes from a decision.
    static func endStay(_ w: StayWork, residentID: String, _ body: StayEnd) throws {
        let r = try liveResident(w, id: residentID)
        guard r.status == .resident else {
            throw ServerError(.invalidTransition, "the stay has already ended (status \(r.status))")
        }
        guard body.reason != .eviction else {
            throw ServerError.field(
                .invalidField, "/reason", "eviction is recorded by a decision on a termination request (para 16)")
        }
        try StayWork.ordered(r.placedOn, body.endedOn, "/ended_on", "placement")
        try StayWork.ordered(body.endedOn, r.stayEndsBy, "/ended_on", "the last day of the stay")
        try w.notFuture(body.endedOn, "/ended_on")
        try end(w, residentID: residentID, on: body.endedOn, reason: body.reason)
    }

    static func end(_ w: StayWork, residentID: String, on: CalendarDate, reason: StayEndReason) throws {
        _ = try w.db.run(
            "UPDATE stay_residents SET status = 'ended', ended_on = ?, end_reason = ?, vacate_by = ?, updated_at = ?"
                + " WHERE id = ?", on.description, reason.rawValue, w.rules.vacateBy(endedOn: local(on)).description,
            w.now, residentID)
        try w.audit("stay.resident.end", "stay_resident", residentID, "reason \(reason.rawValue)")
    }

    /// Vacates the premises (para 17); a resident still in a running stay leaves (`left`) that day.
    static func vacate(_ w: StayWork, residentID: String, _ body: StayVacate) throws {
        var r = try liveResident(w, id: residentID)
        guard r.status != .vacated else { throw ServerError(.invalidTransition, "already vacated") }
        try StayWork.ordered(r.endedOn ?? r.placedOn, body.vacatedOn, "/vacated_on", "the end of the stay")
        try w.notFuture(body.vacatedOn, "/vacated_on")
        if r.status == .resident {
            try end(w, residentID: residentID, on: body.vacatedOn, reason: .left)
            r = try resident(w.db, id: residentID, for: w.actor, rules: w.rules, today: w.today)
        }
        _ = try w.db.run(
            "UPDATE stay_residents SET status = 'vacated', vacated_on = ?, updated_at = ? WHERE id = ?",
            body.vacatedOn.description, w.now, residentID)
        let late = r.vacateBy.map { body.vacatedOn > $0 } ?? false
        try w.audit("stay.resident.vacate", "stay_resident", residentID, late ? "late (Rules 1 para 17)" : nil)
        let open = try w.db.exists(
            "SELECT 1 FROM stay_residents WHERE application_id = ? AND status <> 'vacated'",
            r.applicationID.description)
        if !open {
            _ = try w.db.run(
                "UPDATE stay_applications SET status = 'closed', version = version + 1, updated_at = ? WHERE id = ?",
                w.now, r.applicationID.description)
        }
    }

    // MARK: Complaints (para 10(2))

    static func complain(_ w: StayWork, _ body: StayComplaintCreate) throws -> String {
        let residentID = body.residentID.description
        guard let row = try w.db.queryOne("SELECT region_id FROM stay_residents WHERE id = ?", residentID) else {
            throw ServerError.field(.invalidField, "/resident_id", "no such resident")
        }
        guard scopeCovers(w.actor, region: try row.string("region_id")) else {
            throw ServerError.field(.outOfScope, "/resident_id", "the resident is outside your scope")
        }
        let r = try liveResident(w, id: residentID)
        guard r.status != .vacated else {
            throw ServerError(.invalidTransition, "the resident has vacated; a complaint is registered while living in")
        }
        try Validation.text(body.summary, "/summary", max: 2000)
        try StayWork.ordered(r.placedOn, body.receivedOn, "/received_on", "placement")
        try w.notFuture(body.receivedOn, "/received_on")
        guard
            let centre = try w.db.queryOne(
                "SELECT next_complaint FROM stay_centres WHERE id = ?" + w.db.dialect.forUpdate, r.centreID.description)
        else { throw ServerError(.internalError, "centre vanished") }
        let id = WireID.random().description
        let number = try centre.int("next_complaint")
        _ = try w.db.run(
            "INSERT INTO stay_complaints(id, centre_id, region_id, resident_id, number, kind, received_on, summary,"
                + " created_at) VALUES(?,?,?,?,?,?,?,?,?)", id, r.centreID.description, r.regionID.description,
            residentID, number, body.kind.rawValue, body.receivedOn.description, body.summary, w.now)
        _ = try w.db.run(
            "UPDATE stay_centres SET next_complaint = next_complaint + 1 WHERE id = ?", r.centreID.description)
        try w.audit("stay.complaint.register", "stay_complaint", id, "\(body.kind.rawValue) number \(number)")
        return id
    }

    // MARK: Early termination (paras 13, 14, 16)

    static func requestTermination(_ w: StayWork, _ body: StayTerminationCreate) throws -> String {
        let appID = body.applicationID.description
        guard let row = try w.db.queryOne("SELECT region_id FROM stay_applications WHERE id = ?", appID) else {
            throw ServerError.field(.invalidField, "/application_id", "no such application")
        }
        guard scopeCovers(w.actor, region: try row.string("region_id")) else {
            throw ServerError.field(.outOfScope, "/application_id", "the application is outside your scope")
        }
        let app = try application(w.db, id: appID, for: w.actor, today: w.today)
        try sweep(w, centreID: app.centreID.description)
        guard app.status == .placed else {
            throw ServerError(.invalidTransition, "only a placed family's stay can be ended early")
        }
        try Validation.text(body.grounds, "/grounds", max: 2000)
        try w.notFuture(body.requestedOn, "/requested_on")
        let living = try w.db.query(
            "SELECT id, placed_on FROM stay_residents WHERE application_id = ? AND status = 'resident'", appID)
        switch body.scope {
        case .member:
            guard let resident = body.residentID?.description,
                let r = living.first(where: { (try? $0.string("id")) == resident })
            else {
                throw ServerError.field(
                    .invalidField, "/resident_id", "a resident of this application whose stay is running")
            }
            try StayWork.ordered(try calendarDate(r, "placed_on"), body.requestedOn, "/requested_on", "placement")
        case .family:
            guard body.residentID == nil else {
                throw ServerError.field(.invalidField, "/resident_id", "only for scope member")
            }
            guard let first = living.first else {
                throw ServerError(.invalidTransition, "no stay of this family is running")
            }
            try StayWork.ordered(try calendarDate(first, "placed_on"), body.requestedOn, "/requested_on", "placement")
        }
        let id = WireID.random().description
        let decideBy = w.rules.decideBy(requestedOn: local(body.requestedOn))
        _ = try w.db.run(
            "INSERT INTO stay_terminations(id, centre_id, region_id, application_id, scope, resident_id, requested_on,"
                + " grounds, decide_by, status, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,'pending',?,?)", id,
            app.centreID.description, app.regionID.description, appID, body.scope.rawValue,
            body.residentID?.description, body.requestedOn.description, body.grounds, decideBy.description, w.now,
            w.now)
        try w.audit("stay.termination.request", "stay_termination", id, "Rules 1 para 13, decide by \(decideBy)")
        return id
    }

    /// Keep or evict (para 14); an eviction ends the stays concerned on the decision day, and the
    /// 3-day vacating term of para 17 runs from it (Protocol/stay-v1.md §6).
    static func decide(_ w: StayWork, terminationID: String, _ body: StayTerminationDecision) throws {
        let t = try termination(w.db, id: terminationID, for: w.actor)
        guard t.status == .pending else { throw ServerError(.invalidTransition, "already decided (\(t.status))") }
        try Validation.text(body.document, "/document", max: 100)
        try StayWork.ordered(t.requestedOn, body.decidedOn, "/decided_on", "the request")
        try w.notFuture(body.decidedOn, "/decided_on")
        try sweep(w, centreID: t.centreID.description)
        if body.decision == .evict {
            let targets = try w.db.query(
                "SELECT id FROM stay_residents WHERE application_id = ? AND status = 'resident'"
                    + (t.scope == .member ? " AND id = ?" : ""),
                values: [.text(t.applicationID.description)]
                    + (t.scope == .member ? [.text(t.residentID?.description ?? "")] : []))
            guard !targets.isEmpty else {
                throw ServerError(.invalidTransition, "no stay concerned by this request is running any more")
            }
            for row in targets {
                try end(w, residentID: try row.string("id"), on: body.decidedOn, reason: .eviction)
            }
        }
        _ = try w.db.run(
            "UPDATE stay_terminations SET status = ?, decided_on = ?, decision_document = ?, updated_at = ?"
                + " WHERE id = ?", body.decision == .evict ? "evicted" : "kept", body.decidedOn.description,
            body.document, w.now, terminationID)
        let late = body.decidedOn > t.decideBy
        try w.audit(
            "stay.termination.decide", "stay_termination", terminationID,
            "\(body.decision.rawValue)\(late ? ", late (Rules 1 para 14)" : "")")
    }

    // MARK: Signed application (Annex 2 "(Қолы)")

    static func storeSignature(
        _ w: StayWork, applicationID: String, type: String, bytes: [UInt8], sha256: String
    )
        throws
    {
        _ = try application(w.db, id: applicationID, for: w.actor, today: w.today)
        _ = try w.db.run(
            "UPDATE stay_applications SET signature_type = ?, signature_sha256 = ?, signature = ?,"
                + " version = version + 1, updated_at = ? WHERE id = ?", type, sha256, bytes, w.now, applicationID)
        try w.audit("stay.application.signature", "stay_application", applicationID, "\(bytes.count) bytes")
    }
}
