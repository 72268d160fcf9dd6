import HTTPServer
import KandasProtocol
import SQLiteKit

/// Devices: listed by scope (through their worker's centre), revoked by supervisors and above.
enum DeviceHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["user_id", "career_centre_id", "status"])
        let paging = try Pagination(filters)
        let scope = Scope.organisation(ctx.actor, region: "u.region_id", centre: "u.career_centre_id")
        var conditions = [scope.sql]
        var args = scope.args
        for (name, column) in [("user_id", "d.user_id"), ("career_centre_id", "u.career_centre_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        if let status = filters["status"] {
            guard DeviceStatus(rawValue: status) != nil else {
                throw ServerError.field(.invalidParameter, "query:status", "active or revoked")
            }
            conditions.append("d.status = ?")
            args.append(.text(status))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(DeviceStore.deviceColumns) FROM devices d JOIN users u ON u.id = d.user_id",
                rowid: "d.rowid", conditions: conditions, args: args, map: DeviceStore.device)
        }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try DeviceStore.device(db, id: id, for: ctx.actor) })
    }

    /// Revokes the device and every token it holds, at once (Protocol §2.4).
    static func revoke(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try DeviceStore.device(db, id: id, for: ctx.actor)
            let body = try ctx.body(DeviceRevokeRequest.self)
            try Validation.text(body.reason, "/reason", max: 500)
            try revoke(db, id: id, reason: body.reason, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "device.revoke", entityType: "device", entityID: id)
            return try APIReply.json(try DeviceStore.device(db, id: id, for: ctx.actor))
        }
    }

    /// Revokes a device in scope and all its tokens (shared by the API and the console).
    ///
    /// - Throws: `404 not_found` outside the scope, `409 conflict` when already revoked.
    static func revoke(_ db: Connection, id: String, reason: String, for p: Principal, now: Int64) throws {
        let device = try DeviceStore.device(db, id: id, for: p)
        guard device.status == .active else { throw ServerError(.conflict, "the device is already revoked") }
        _ = try db.run(
            "UPDATE devices SET status = 'revoked', revoked_at = ?, revoke_reason = ? WHERE id = ?", now, reason, id)
        _ = try db.run("UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", now, id)
    }
}
