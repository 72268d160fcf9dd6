import HTTPServer
import KandasProtocol
import KandasStore

/// Families and members (Protocol §4.6); every query carries the principal's family scope.
enum FamilyHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["career_centre_id", "region_id", "worker_id", "member_iin"])
        let paging = try Pagination(filters)
        var filter = FamilyStore.ListFilter()
        filter.careerCentreID = try ctx.uuidFilter(filters, "career_centre_id")
        filter.regionID = try ctx.uuidFilter(filters, "region_id")
        filter.workerID = try ctx.uuidFilter(filters, "worker_id")
        if let iin = filters["member_iin"] {
            guard iin.count == 12, iin.allSatisfy(\.isASCII), iin.allSatisfy(\.isNumber) else {
                throw ServerError.field(.invalidParameter, "query:member_iin", "12 digits")
            }
            filter.memberIIN = iin
        }
        let page = try ctx.read { db in try FamilyStore.families(db, filter, for: ctx.actor.scope, paging: paging) }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try FamilyStore.detail(db, id: id, for: ctx.actor) })
    }

    static func create(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.write { db in
            let body = try ctx.body(FamilyCreate.self)
            var seen = Set<String>()
            try FamilyStore.fail(try FamilyStore.validate(db, body, for: ctx.actor, seen: &seen))
            let (id, _) = try FamilyStore.insert(db, body, now: ctx.now)
            try ctx.audit(
                db, "family.create", entityType: "family", entityID: id, summary: "\(body.members.count) members")
            return try APIReply.json(try FamilyStore.detail(db, id: id, for: ctx.actor), status: 201)
        }
    }

    static func update(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try FamilyStore.family(db, id: id, for: ctx.actor, locked: true)
            let body = try ctx.body(FamilyUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let settlement = body.settlement { try Validation.coordinates(settlement, "/settlement") }
            try Validation.optionalText(body.address, "/address")
            if let workers = body.assignedWorkerIDs {
                try FamilyStore.fail(
                    try FamilyStore.checkWorkers(
                        db, workers, centreID: current.careerCentreID.description, pointer: "/assigned_worker_ids"))
                try FamilyStore.replaceWorkers(db, familyID: id, workers)
            }
            // Reassignment changes which devices see the family: the store records it for the sync feed.
            try FamilyStore.update(
                db, id: id, settlement: body.settlement ?? current.settlement, address: body.address ?? current.address,
                now: ctx.now)
            try ctx.audit(db, "family.update", entityType: "family", entityID: id)
            return try APIReply.json(try FamilyStore.family(db, id: id, for: ctx.actor))
        }
    }

    static func members(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let filters = try ctx.filters([])
        let paging = try Pagination(filters)
        let page = try ctx.read { db in try FamilyStore.members(db, familyID: id, for: ctx.actor, paging: paging) }
        return try ctx.json(page)
    }

    static func addMember(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try FamilyStore.family(db, id: id, for: ctx.actor)
            let body = try ctx.body(MemberCreate.self)
            var seen = Set<String>()
            try FamilyStore.fail(try FamilyStore.checkMember(db, body, pointer: "", seen: &seen))
            guard try FamilyStore.memberCount(db, familyID: id) != 30 else {
                throw ServerError(.conflict, "a family has at most 30 members")
            }
            let memberID = try FamilyStore.insertMember(db, body, familyID: id, now: ctx.now)
            try FamilyStore.recordChange(db, entity: .member, id: memberID, familyID: id, op: .create)
            // A new adult needs a consent of their own (Rules 2 para 12).
            try ConsentStore.refresh(db, familyID: id, on: PlanStore.localDay(ctx.now), now: ctx.now)
            try ctx.audit(db, "member.create", entityType: "member", entityID: memberID)
            return try APIReply.json(try FamilyStore.member(db, id: memberID, for: ctx.actor), status: 201)
        }
    }

    static func updateMember(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try FamilyStore.member(db, id: id, for: ctx.actor, locked: true)
            let body = try ctx.body(MemberUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let v = body.lastName { try Validation.text(v, "/last_name", max: 100) }
            if let v = body.firstName { try Validation.text(v, "/first_name", max: 100) }
            try Validation.optionalText(body.patronymic, "/patronymic", max: 100)
            try FamilyStore.updateMember(
                db, current, lastName: body.lastName ?? current.lastName,
                firstName: body.firstName ?? current.firstName,
                patronymic: body.patronymic ?? current.patronymic, relation: body.relation ?? current.relation,
                now: ctx.now)
            try ctx.audit(db, "member.update", entityType: "member", entityID: id)
            return try APIReply.json(try FamilyStore.member(db, id: id, for: ctx.actor))
        }
    }
}
