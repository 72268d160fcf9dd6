import HTTPServer
import KandasProtocol
import KandasStore

/// Devices: listed by scope (through their worker's centre), revoked by supervisors and above.
enum DeviceHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["user_id", "career_centre_id", "status"])
        let paging = try Pagination(filters)
        let userID = try ctx.uuidFilter(filters, "user_id")
        let centreID = try ctx.uuidFilter(filters, "career_centre_id")
        var status: DeviceStatus?
        if let text = filters["status"] {
            guard let parsed = DeviceStatus(rawValue: text) else {
                throw ServerError.field(.invalidParameter, "query:status", "active or revoked")
            }
            status = parsed
        }
        let page = try ctx.read { db in
            try DeviceStore.devices(
                db, userID: userID, careerCentreID: centreID, status: status, for: ctx.actor.scope, paging: paging)
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
            try DeviceStore.revoke(db, id: id, reason: body.reason, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "device.revoke", entityType: "device", entityID: id)
            return try APIReply.json(try DeviceStore.device(db, id: id, for: ctx.actor))
        }
    }
}
