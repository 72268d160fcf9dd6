import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// Admin conflicts (Protocol §4.11, §8.4): listing with filters, detail, and resolution.
enum ConflictHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["status", "kind", "severity", "family_id", "career_centre_id"])
        let paging = try Pagination(filters)
        var filter = ConflictStore.ListFilter()
        filter.familyID = try ctx.uuidFilter(filters, "family_id")
        filter.careerCentreID = try ctx.uuidFilter(filters, "career_centre_id")
        filter.status = try CompletionHandlers.enumFilter(filters, "status", ConflictStatus.self)
        filter.kind = try CompletionHandlers.enumFilter(filters, "kind", ConflictKind.self)
        filter.severity = try CompletionHandlers.enumFilter(filters, "severity", ConflictSeverity.self)
        let page = try ctx.read { db in try ConflictStore.conflicts(db, filter, for: ctx.actor.scope, paging: paging) }
        return try ctx.json(page)
    }

    static func find(_ db: any DatabaseConnection, _ id: String, _ p: Principal) throws -> Conflict {
        try ConflictStore.find(db, id, for: p)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try find(db, id, ctx.actor) })
    }

    /// Recorded exactly like a device's `resolve` event, except its errors are HTTP problems.
    static func resolve(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try find(db, id, ctx.actor)
            let body = try ctx.body(ConflictResolveRequest.self)
            let comment = body.comment.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...2000).contains(comment.count) else {
                throw ServerError.field(.invalidField, "/comment", "1-2000 characters")
            }
            do {
                _ = try ConflictResolver.resolve(
                    db, conflictID: id, resolution: body.resolution, chosenEventID: body.chosenEventID,
                    comment: comment, by: ActorRef(actorType: .user, id: WireID(ctx.actor.userID) ?? .random()),
                    now: ctx.now)
            } catch let rejection as EventValidation.Rejection {
                if rejection.code == .conflictAlreadyResolved {
                    throw ServerError(.conflict, "the conflict was resolved earlier")
                }
                let pointer = rejection.detail.hasPrefix("/payload/chosen") ? "/chosen_event_id" : "/resolution"
                throw ServerError.field(.invalidField, pointer, rejection.detail)
            }
            try ctx.audit(
                db, "conflict.resolve", entityType: "conflict", entityID: id,
                summary: "resolution=\(body.resolution.rawValue)")
            return try APIReply.json(try find(db, id, ctx.actor))
        }
    }
}
