import HTTPServer
import KandasProtocol
import SQLiteKit

/// `GET /audit`: the audit log with filters, in `seq` order; nothing in the API changes it.
///
/// National roles see every entry; a supervisor, region admin or regional auditor sees the
/// entries whose actor (a user, or a device of a user) is in its scope.
enum AuditHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["actor_id", "action", "entity_type", "entity_id", "from", "to"])
        let paging = try Pagination(filters)
        var conditions = ["1"]
        var args: [SQLValue] = []
        let scope = Scope.organisation(ctx.actor, region: "u.region_id", centre: "u.career_centre_id")
        if scope.sql != "1" {
            conditions.append(
                "(EXISTS(SELECT 1 FROM users u WHERE u.id = a.actor_id AND \(scope.sql)) OR EXISTS(SELECT 1 FROM"
                    + " devices d JOIN users u ON u.id = d.user_id WHERE d.id = a.actor_id AND \(scope.sql)))")
            args += scope.args + scope.args
        }
        for (name, column) in [("actor_id", "a.actor_id"), ("entity_id", "a.entity_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        for name in ["action", "entity_type"] {
            if let value = filters[name] {
                guard (1...64).contains(value.count) else {
                    throw ServerError.field(.invalidParameter, "query:" + name, "1-64 characters")
                }
                conditions.append("a.\(name) = ?")
                args.append(.text(value))
            }
        }
        for (name, op) in [("from", ">="), ("to", "<")] {
            if let value = filters[name] {
                guard let t = Timestamp(value) else {
                    throw ServerError.field(.invalidParameter, "query:" + name, "an RFC 3339 timestamp")
                }
                conditions.append("a.at \(op) ?")
                args.append(.integer(t.millisecondsSince1970))
            }
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT a.seq AS _rowid, a.* FROM audit_log a", rowid: "a.seq", conditions: conditions,
                args: args, map: AuditLog.entry)
        }
        return try ctx.json(page)
    }
}
