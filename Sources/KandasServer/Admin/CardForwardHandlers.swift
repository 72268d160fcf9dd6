import HTTPServer
import KandasProtocol
import KandasStore

/// The digital-card forwarding queue (Rules 2, para 37; sync-v1 §4.11, services.md §7): what was
/// sent, what waits, what failed, and the administrator's retry of a dead delivery.
enum CardForwardHandlers {
    /// `GET /v1/admin/card-forwards[?state=…]`, newest first.
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["state"])
        let paging = try Pagination(filters)
        var state: CardForwardState?
        if let text = filters["state"] {
            guard let parsed = CardForwardState(rawValue: text) else {
                throw ServerError.field(
                    .invalidParameter, "query:state",
                    CardForwardState.allCases.map(\.rawValue).joined(separator: "|"))
            }
            state = parsed
        }
        return try ctx.json(
            try ctx.read { db in try CardForwardStore.list(db, state: state, for: ctx.actor.scope, paging: paging) })
    }

    /// `GET /v1/admin/card-forwards/{id}`.
    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(try ctx.read { db in try CardForwardStore.get(db, id: id, for: ctx.actor.scope) })
    }

    /// `POST /v1/admin/card-forwards/{id}/retry`: a dead delivery goes back to the queue, same delivery ID.
    static func retry(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let forward = try CardForwardStore.retry(db, id: id, for: ctx.actor.scope, now: ctx.now)
            try ctx.audit(db, "card_forward.retry", entityType: "card_forward", entityID: id)
            return try APIReply.json(forward)
        }
    }
}
