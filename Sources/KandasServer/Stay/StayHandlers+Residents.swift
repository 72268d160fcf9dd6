import HTTPServer
import KandasProtocol
import KandasStore

/// Referrals, residents, complaints and termination requests (Rules 1, paras 8-17).
extension StayHandlers {
    static func listReferrals(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, filters) = try filters(
            ctx, ids: ["centre_id", "application_id"], enums: ["status": StayReferralStatus.allCases.map(\.rawValue)])
        return try ctx.json(
            try ctx.read { db in
                try StayStore.referrals(db, for: ctx.actor, paging: paging, filters: filters, today: today(ctx))
            })
    }

    static func getReferral(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(
            try ctx.read { db in try StayStore.referral(db, id: id, for: ctx.actor, today: today(ctx)) })
    }

    static func moveIn(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.referral(w.db, id: id, for: w.actor, today: w.today)
            let created = try StayStore.moveIn(w, referralID: id, try ctx.body(StayMoveIn.self))
            let residents = try created.map {
                try StayStore.resident(w.db, id: $0, for: w.actor, rules: w.rules, today: w.today)
            }
            return try APIReply.json(Page(items: residents), status: 201)
        }
    }

    static func listResidents(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, filters) = try filters(
            ctx, ids: ["centre_id", "application_id"], enums: ["status": StayResidentStatus.allCases.map(\.rawValue)])
        return try ctx.json(
            try ctx.read { db in
                try StayStore.residents(
                    db, for: ctx.actor, paging: paging, filters: filters, rules: rules, today: today(ctx))
            })
    }

    static func getResident(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(
            try ctx.read { db in try StayStore.resident(db, id: id, for: ctx.actor, rules: rules, today: today(ctx)) })
    }

    static func endStay(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today)
            try StayStore.endStay(w, residentID: id, try ctx.body(StayEnd.self))
            return try APIReply.json(try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today))
        }
    }

    static func vacate(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today)
            try StayStore.vacate(w, residentID: id, try ctx.body(StayVacate.self))
            return try APIReply.json(try StayStore.resident(w.db, id: id, for: w.actor, rules: w.rules, today: w.today))
        }
    }

    static func listComplaints(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, filters) = try filters(ctx, ids: ["centre_id", "resident_id"])
        return try ctx.json(
            try ctx.read { db in try StayStore.complaints(db, for: ctx.actor, paging: paging, filters: filters) })
    }

    static func getComplaint(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try StayStore.complaint(db, id: id, for: ctx.actor) })
    }

    static func complain(_ ctx: RequestContext) throws -> HTTPResponse {
        try act(ctx) { w in
            let id = try StayStore.complain(w, try ctx.body(StayComplaintCreate.self))
            return try APIReply.json(try StayStore.complaint(w.db, id: id, for: w.actor), status: 201)
        }
    }

    static func listTerminations(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, filters) = try filters(
            ctx, ids: ["centre_id", "application_id"],
            enums: ["status": StayTerminationStatus.allCases.map(\.rawValue)])
        return try ctx.json(
            try ctx.read { db in try StayStore.terminations(db, for: ctx.actor, paging: paging, filters: filters) })
    }

    static func getTermination(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try StayStore.termination(db, id: id, for: ctx.actor) })
    }

    static func requestTermination(_ ctx: RequestContext) throws -> HTTPResponse {
        try act(ctx) { w in
            let id = try StayStore.requestTermination(w, try ctx.body(StayTerminationCreate.self))
            return try APIReply.json(try StayStore.termination(w.db, id: id, for: w.actor), status: 201)
        }
    }

    static func decide(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.termination(w.db, id: id, for: w.actor)
            try StayStore.decide(w, terminationID: id, try ctx.body(StayTerminationDecision.self))
            return try APIReply.json(try StayStore.termination(w.db, id: id, for: w.actor))
        }
    }
}
