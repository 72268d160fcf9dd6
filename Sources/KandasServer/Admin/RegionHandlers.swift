import HTTPServer
import KandasProtocol
import KandasStore

/// `GET /regions`, `GET /regions/{id}`: the 20 divisions, read-only reference data for every staff role.
enum RegionHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["kind"])
        let paging = try Pagination(filters)
        var kind: RegionKind?
        if let text = filters["kind"] {
            guard let parsed = RegionKind(rawValue: text) else {
                throw ServerError.field(.invalidParameter, "query:kind", "region or city")
            }
            kind = parsed
        }
        return try ctx.json(try ctx.read { db in try OrganisationStore.regions(db, kind: kind, paging: paging) })
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try OrganisationStore.region(db, id: id) })
    }
}
