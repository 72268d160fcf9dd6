import HTTPServer
import KandasProtocol
import SQLiteKit

/// Career centres: listed by scope, created and renamed by region and national administrators.
enum CareerCentreHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["region_id"])
        let paging = try Pagination(filters)
        let scope = Scope.organisation(ctx.actor, region: "c.region_id", centre: "c.id")
        var conditions = [scope.sql]
        var args = scope.args
        if let region = try ctx.uuidFilter(filters, "region_id") {
            conditions.append("c.region_id = ?")
            args.append(.text(region))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(OrganisationStore.centreColumns) FROM career_centres c", rowid: "c.rowid",
                conditions: conditions, args: args, map: OrganisationStore.centre)
        }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try OrganisationStore.centre(db, id: id, for: ctx.actor) })
    }

    static func create(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.write { db in
            let body = try ctx.body(CareerCentreCreate.self)
            try Validation.text(body.name, "/name")
            try Validation.optionalText(body.address, "/address")
            let region = body.regionID.description
            guard try db.exists("SELECT 1 FROM regions WHERE id = ?", region) else {
                throw ServerError.field(.invalidField, "/region_id", "no such region")
            }
            guard Scope.covers(ctx.actor, regionID: region, centreID: nil) else {
                throw ServerError.field(.outOfScope, "/region_id", "the region is outside your scope")
            }
            let id = WireID.random().description
            _ = try db.run(
                "INSERT INTO career_centres(id, region_id, name, address, version, created_at, updated_at)"
                    + " VALUES(?,?,?,?,1,?,?)", id, region, body.name, body.address, ctx.now, ctx.now)
            try ctx.audit(db, "career_centre.create", entityType: "career_centre", entityID: id)
            return try APIReply.json(try OrganisationStore.centre(db, id: id, for: ctx.actor), status: 201)
        }
    }

    static func update(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try OrganisationStore.centre(db, id: id, for: ctx.actor)
            let body = try ctx.body(CareerCentreUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let name = body.name { try Validation.text(name, "/name") }
            try Validation.optionalText(body.address, "/address")
            _ = try db.run(
                "UPDATE career_centres SET name = ?, address = ?, version = version + 1, updated_at = ? WHERE id = ?",
                body.name ?? current.name, body.address ?? current.address, ctx.now, id)
            try ctx.audit(db, "career_centre.update", entityType: "career_centre", entityID: id)
            return try APIReply.json(try OrganisationStore.centre(db, id: id, for: ctx.actor))
        }
    }
}
