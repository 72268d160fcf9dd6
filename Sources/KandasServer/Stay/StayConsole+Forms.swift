import HTTPServer
import KandasDomain
import KandasProtocol
import SQLiteKit

/// The console's Centre-stay forms: each builds the same body as the API and runs the same
/// ``StayStore`` act in one transaction, then redirects (PRG). A refused act is an error page
/// with the act's status and detail, and changes nothing.
extension StayConsole {
    /// Runs an act in one write transaction with the console's audit entries.
    static func act<T>(_ ctx: ConsoleContext, _ body: (StayWork) throws -> T) throws -> T {
        try ctx.write { db in
            let work = StayWork(
                db: db, actor: ctx.actor, today: today(ctx), now: ctx.now, rules: StayHandlers.rules,
                audit: { action, type, id, summary in
                    try AuditLog.append(
                        db, at: ctx.now, actor: ctx.principal, action: action, entityType: type, entityID: id,
                        remoteAddr: ctx.remoteAddress, requestID: ctx.request.requestID,
                        summary: "console" + (summary.map { ": " + $0 } ?? ""))
                })
            return try body(work)
        }
    }

    /// A required form text.
    static func text(_ ctx: ConsoleContext, _ name: String) throws(ServerError) -> String {
        guard let value = ctx.form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ServerError.field(.missingField, "/" + name, "\(name) is required")
        }
        return value
    }

    /// A required form date.
    static func date(_ ctx: ConsoleContext, _ name: String) throws(ServerError) -> CalendarDate {
        guard let value = CalendarDate(ctx.form[name] ?? "") else {
            throw ServerError.field(.invalidField, "/" + name, "\(name) must be a date YYYY-MM-DD")
        }
        return value
    }

    static func optionalDate(_ ctx: ConsoleContext, _ name: String) throws(ServerError) -> CalendarDate? {
        guard let raw = ctx.form[name], !raw.isEmpty else { return nil }
        return try date(ctx, name)
    }

    static func uuid(_ ctx: ConsoleContext, _ name: String) throws(ServerError) -> WireID {
        guard let id = WireID(ctx.form[name] ?? "") else {
            throw ServerError.field(.invalidField, "/" + name, "\(name) must be an ID")
        }
        return id
    }

    static func register(_ ctx: ConsoleContext) throws -> HTTPResponse {
        var members: [StayMemberInput] = []
        for i in 1...3 {
            guard let name = ctx.form["member\(i)_name"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty
            else { continue }
            members.append(
                StayMemberInput(
                    fullName: name, birthDate: try date(ctx, "member\(i)_birth"),
                    kinship: try text(ctx, "member\(i)_kinship")))
        }
        let family = ctx.form["family_id"].flatMap { $0.isEmpty ? nil : $0 }
        let body = StayApplicationCreate(
            centreID: try uuid(ctx, "centre_id"), addressee: try text(ctx, "addressee"),
            applicantName: try text(ctx, "applicant_name"), applicantBirthDate: try date(ctx, "applicant_birth_date"),
            birthPlace: try text(ctx, "birth_place"), countryOfOrigin: try text(ctx, "country_of_origin"),
            kandasStatusDocument: try text(ctx, "kandas_status_document"),
            kandasStatusUntil: try optionalDate(ctx, "kandas_status_until"), familyMembers: members.count,
            members: members, appliedOn: try date(ctx, "applied_on"),
            familyID: try family.map { _ throws(ServerError) in try uuid(ctx, "family_id") })
        let id = try act(ctx) { w in try StayStore.register(w, body) }
        return ctx.redirect("/console/stay/applications/" + id)
    }

    static func coupon(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = StayCouponRecord(
            personID: try uuid(ctx, "person_id"), number: try text(ctx, "number"), issuedOn: try date(ctx, "issued_on"))
        try act(ctx) { w in try StayStore.recordCoupon(w, applicationID: id, body) }
        return ctx.redirect("/console/stay/applications/" + id)
    }

    static func consider(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        _ = try act(ctx) { w in try StayStore.consider(w, applicationID: id) }
        return ctx.redirect("/console/stay/applications/" + id)
    }

    static func next(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let referral = try act(ctx) { w in try StayStore.offerNext(w, centreID: id) }
        return ctx.redirect("/console/stay/referrals/" + referral)
    }

    static func moveIn(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = StayMoveIn(placedOn: try date(ctx, "placed_on"))
        let app = try act(ctx) { w in
            _ = try StayStore.moveIn(w, referralID: id, body)
            return try StayStore.referral(w.db, id: id, for: w.actor, today: w.today).applicationID.description
        }
        return ctx.redirect("/console/stay/applications/" + app)
    }

    static func end(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let reason = StayEndReason(rawValue: ctx.form["reason"] ?? "") else {
            throw ServerError.field(.invalidField, "/reason", "term, status_ended or left")
        }
        let body = StayEnd(endedOn: try date(ctx, "ended_on"), reason: reason)
        let app = try act(ctx) { w in
            try StayStore.endStay(w, residentID: id, body)
            return try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today).applicationID
        }
        return ctx.redirect("/console/stay/applications/" + app.description)
    }

    static func vacate(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = StayVacate(vacatedOn: try date(ctx, "vacated_on"))
        let app = try act(ctx) { w in
            try StayStore.vacate(w, residentID: id, body)
            return try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today).applicationID
        }
        return ctx.redirect("/console/stay/applications/" + app.description)
    }

    static func complain(_ ctx: ConsoleContext) throws -> HTTPResponse {
        guard let kind = StayComplaintKind(rawValue: ctx.form["kind"] ?? "") else {
            throw ServerError.field(.invalidField, "/kind", "complaint, petition or other")
        }
        let body = StayComplaintCreate(
            residentID: try uuid(ctx, "resident_id"), kind: kind, receivedOn: try date(ctx, "received_on"),
            summary: try text(ctx, "summary"))
        let app = try act(ctx) { w in
            _ = try StayStore.complain(w, body)
            return try StayStore.resident(
                w.db, id: body.residentID.description, for: w.actor, rules: w.rules, today: w.today
            ).applicationID
        }
        return ctx.redirect("/console/stay/applications/" + app.description)
    }

    static func requestTermination(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let resident = ctx.form["resident_id"].flatMap { $0.isEmpty ? nil : WireID($0) }
        let body = StayTerminationCreate(
            applicationID: try uuid(ctx, "application_id"), scope: resident == nil ? .family : .member,
            residentID: resident, requestedOn: try date(ctx, "requested_on"), grounds: try text(ctx, "grounds"))
        _ = try act(ctx) { w in try StayStore.requestTermination(w, body) }
        return ctx.redirect("/console/stay/applications/" + body.applicationID.description)
    }

    static func decide(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let decision = StayDecision(rawValue: ctx.form["decision"] ?? "") else {
            throw ServerError.field(.invalidField, "/decision", "keep or evict")
        }
        let body = StayTerminationDecision(
            decision: decision, decidedOn: try date(ctx, "decided_on"), document: try text(ctx, "document"))
        let app = try act(ctx) { w in
            try StayStore.decide(w, terminationID: id, body)
            return try StayStore.termination(w.db, id: id, for: w.actor).applicationID
        }
        return ctx.redirect("/console/stay/applications/" + app.description)
    }
}
