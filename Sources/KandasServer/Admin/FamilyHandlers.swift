import HTTPServer
import KandasProtocol
import SQLiteKit

/// Families and members (Protocol §4.6); every query carries the principal's family scope.
enum FamilyHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["career_centre_id", "region_id", "worker_id", "member_iin"])
        let paging = try Pagination(filters)
        let scope = Scope.families(ctx.actor)
        var conditions = [scope.sql]
        var args = scope.args
        for (name, column) in [("career_centre_id", "f.career_centre_id"), ("region_id", "f.region_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        if let worker = try ctx.uuidFilter(filters, "worker_id") {
            conditions.append("EXISTS(SELECT 1 FROM family_workers w WHERE w.family_id = f.id AND w.user_id = ?)")
            args.append(.text(worker))
        }
        if let iin = filters["member_iin"] {
            guard iin.count == 12, iin.allSatisfy(\.isASCII), iin.allSatisfy(\.isNumber) else {
                throw ServerError.field(.invalidParameter, "query:member_iin", "12 digits")
            }
            conditions.append("EXISTS(SELECT 1 FROM members mm WHERE mm.family_id = f.id AND mm.iin = ?)")
            args.append(.text(iin))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(FamilyStore.familyColumns) FROM families f", rowid: "f.rowid",
                conditions: conditions, args: args, map: { try FamilyStore.family(db, $0) })
        }
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
            let current = try FamilyStore.family(db, id: id, for: ctx.actor)
            let body = try ctx.body(FamilyUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let settlement = body.settlement { try Validation.coordinates(settlement, "/settlement") }
            try Validation.optionalText(body.address, "/address")
            if let workers = body.assignedWorkerIDs {
                try FamilyStore.fail(
                    try FamilyStore.checkWorkers(
                        db, workers, centreID: current.careerCentreID.description, pointer: "/assigned_worker_ids"))
                _ = try db.run("DELETE FROM family_workers WHERE family_id = ?", id)
                for (i, worker) in workers.enumerated() {
                    _ = try db.run(
                        "INSERT INTO family_workers(family_id, user_id, position) VALUES(?,?,?)", id,
                        worker.description, i)
                }
            }
            let s = body.settlement ?? current.settlement
            _ = try db.run(
                "UPDATE families SET settlement_name = ?, settlement_latitude = ?, settlement_longitude = ?,"
                    + " address = ?, consent_recorded = ?, version = version + 1, updated_at = ? WHERE id = ?", s.name,
                s.latitude, s.longitude, body.address ?? current.address,
                body.consentRecorded ?? current.consentRecorded,
                ctx.now, id)
            // Reassignment changes which devices see the family: the sync feed must know.
            try FamilyStore.recordChange(db, entity: "family", id: id, familyID: id, op: "update", now: ctx.now)
            try ctx.audit(db, "family.update", entityType: "family", entityID: id)
            return try APIReply.json(try FamilyStore.family(db, id: id, for: ctx.actor))
        }
    }

    static func members(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let filters = try ctx.filters([])
        let paging = try Pagination(filters)
        let page = try ctx.read { db in
            _ = try FamilyStore.family(db, id: id, for: ctx.actor)
            return try paging.page(
                db, select: "SELECT \(FamilyStore.memberColumns) FROM members m", rowid: "m.rowid",
                conditions: ["m.family_id = ?"], args: [.text(id)], map: FamilyStore.member)
        }
        return try ctx.json(page)
    }

    static func addMember(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try FamilyStore.family(db, id: id, for: ctx.actor)
            let body = try ctx.body(MemberCreate.self)
            var seen = Set<String>()
            try FamilyStore.fail(try FamilyStore.checkMember(db, body, pointer: "", seen: &seen))
            guard (try db.scalar("SELECT count(*) FROM members WHERE family_id = ?", id)) != .integer(30) else {
                throw ServerError(.conflict, "a family has at most 30 members")
            }
            let memberID = try FamilyStore.insertMember(db, body, familyID: id, now: ctx.now)
            try FamilyStore.recordChange(db, entity: "member", id: memberID, familyID: id, op: "create", now: ctx.now)
            try ctx.audit(db, "member.create", entityType: "member", entityID: memberID)
            return try APIReply.json(try member(db, memberID), status: 201)
        }
    }

    static func updateMember(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let scope = Scope.families(ctx.actor)
            guard
                let row = try db.queryOne(
                    "SELECT \(FamilyStore.memberColumns) FROM members m JOIN families f ON f.id = m.family_id"
                        + " WHERE m.id = ? AND \(scope.sql)", values: [.text(id)] + scope.args)
            else { throw ServerError(.notFound, "no such member") }
            let current = try FamilyStore.member(row)
            let body = try ctx.body(MemberUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let v = body.lastName { try Validation.text(v, "/last_name", max: 100) }
            if let v = body.firstName { try Validation.text(v, "/first_name", max: 100) }
            try Validation.optionalText(body.patronymic, "/patronymic", max: 100)
            _ = try db.run(
                "UPDATE members SET last_name = ?, first_name = ?, patronymic = ?, relation = ?, version = version + 1,"
                    + " updated_at = ? WHERE id = ?", body.lastName ?? current.lastName,
                body.firstName ?? current.firstName, body.patronymic ?? current.patronymic,
                (body.relation ?? current.relation).rawValue, ctx.now, id)
            try FamilyStore.recordChange(
                db, entity: "member", id: id, familyID: current.familyID.description, op: "update", now: ctx.now)
            try ctx.audit(db, "member.update", entityType: "member", entityID: id)
            return try APIReply.json(try member(db, id))
        }
    }

    static func member(_ db: Connection, _ id: String) throws -> Member {
        guard let row = try db.queryOne("SELECT \(FamilyStore.memberColumns) FROM members m WHERE m.id = ?", id) else {
            throw ServerError(.notFound, "no such member")
        }
        return try FamilyStore.member(row)
    }
}
