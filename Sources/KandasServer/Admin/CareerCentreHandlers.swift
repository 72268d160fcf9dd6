import HTTPServer
import KandasProtocol
import KandasStore

/// Career centres: listed by scope, created and renamed by region and national administrators.
enum CareerCentreHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["region_id"])
        let paging = try Pagination(filters)
        let region = try ctx.uuidFilter(filters, "region_id")
        let page = try ctx.read { db in
            try OrganisationStore.centres(db, regionID: region, for: ctx.actor.scope, paging: paging)
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
            guard try OrganisationStore.regionExists(db, region) else {
                throw ServerError.field(.invalidField, "/region_id", "no such region")
            }
            guard ctx.actor.scope.covers(regionID: region, centreID: nil) else {
                throw ServerError.field(.outOfScope, "/region_id", "the region is outside your scope")
            }
            let id = try OrganisationStore.insertCentre(
                db, regionID: region, name: body.name, address: body.address, now: ctx.now)
            try ctx.audit(db, "career_centre.create", entityType: "career_centre", entityID: id)
            return try APIReply.json(try OrganisationStore.centre(db, id: id, for: ctx.actor), status: 201)
        }
    }

    static func update(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try OrganisationStore.centre(db, id: id, for: ctx.actor, locked: true)
            let body = try ctx.body(CareerCentreUpdate.self)
            try Validation.version(body.version, current: current.version)
            if let name = body.name { try Validation.text(name, "/name") }
            try Validation.optionalText(body.address, "/address")
            try OrganisationStore.updateCentre(
                db, current, name: body.name ?? current.name, address: body.address ?? current.address, now: ctx.now)
            try ctx.audit(db, "career_centre.update", entityType: "career_centre", entityID: id)
            return try APIReply.json(try OrganisationStore.centre(db, id: id, for: ctx.actor))
        }
    }
}
