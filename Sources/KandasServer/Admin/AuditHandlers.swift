import HTTPServer
import KandasProtocol
import KandasStore

/// `GET /audit`: the audit log with filters, in `seq` order; nothing in the API changes it.
///
/// National roles see every entry; a supervisor, region admin or regional auditor sees the
/// entries whose actor (a user, or a device of a user) is in its scope.
enum AuditHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["actor_id", "action", "entity_type", "entity_id", "from", "to"])
        let paging = try Pagination(filters)
        var filter = AuditLog.ListFilter()
        filter.actorID = try ctx.uuidFilter(filters, "actor_id")
        filter.entityID = try ctx.uuidFilter(filters, "entity_id")
        for name in ["action", "entity_type"] {
            if let value = filters[name] {
                guard (1...64).contains(value.count) else {
                    throw ServerError.field(.invalidParameter, "query:" + name, "1-64 characters")
                }
                if name == "action" { filter.action = value } else { filter.entityType = value }
            }
        }
        for (name, isFrom) in [("from", true), ("to", false)] {
            if let value = filters[name] {
                guard let t = Timestamp(value) else {
                    throw ServerError.field(.invalidParameter, "query:" + name, "an RFC 3339 timestamp")
                }
                if isFrom { filter.from = t.millisecondsSince1970 } else { filter.to = t.millisecondsSince1970 }
            }
        }
        let page = try ctx.read { db in try AuditLog.entries(db, filter, for: ctx.actor.scope, paging: paging) }
        return try ctx.json(page)
    }
}
