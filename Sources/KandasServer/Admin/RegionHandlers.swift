import HTTPServer
import KandasProtocol
import SQLiteKit

/// `GET /regions`, `GET /regions/{id}`: the 20 divisions, read-only reference data for every staff role.
enum RegionHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["kind"])
        let paging = try Pagination(filters)
        var conditions: [String] = []
        var args: [SQLValue] = []
        if let kind = filters["kind"] {
            guard RegionKind(rawValue: kind) != nil else {
                throw ServerError.field(.invalidParameter, "query:kind", "region or city")
            }
            conditions.append("r.kind = ?")
            args.append(.text(kind))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(OrganisationStore.regionColumns) FROM regions r", rowid: "r.rowid",
                conditions: conditions.isEmpty ? ["1"] : conditions, args: args, map: OrganisationStore.region)
        }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let region = try ctx.read { db in
            guard
                let row = try db.queryOne("SELECT \(OrganisationStore.regionColumns) FROM regions r WHERE r.id = ?", id)
            else { throw ServerError(.notFound, "no such region") }
            return try OrganisationStore.region(row)
        }
        return try ctx.json(region)
    }
}
