import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

/// Admin conflicts (Protocol §4.11, §8.4): listing with filters, detail, and resolution.
enum ConflictHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["status", "kind", "severity", "family_id", "career_centre_id"])
        let paging = try Pagination(filters)
        let s = CompletionHandlers.scope(ctx.actor, alias: "k")
        var conditions = [s.sql]
        var args = s.args
        for (name, column) in [("family_id", "k.family_id"), ("career_centre_id", "k.career_centre_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        try CompletionHandlers.enumFilter(
            filters, "status", Set(ConflictStatus.allCases.map(\.rawValue)), "k.status", &conditions, &args)
        try CompletionHandlers.enumFilter(
            filters, "kind", Set(ConflictKind.allCases.map(\.rawValue)), "k.kind", &conditions, &args)
        try CompletionHandlers.enumFilter(
            filters, "severity", Set(ConflictSeverity.allCases.map(\.rawValue)), "k.severity", &conditions, &args)
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(ConflictStore.columns) FROM conflicts k", rowid: "k.rowid",
                conditions: conditions, args: args, map: { try ConflictStore.conflict(db, $0) })
        }
        return try ctx.json(page)
    }

    static func find(_ db: Connection, _ id: String, _ p: Principal) throws -> Conflict {
        let s = CompletionHandlers.scope(p, alias: "k")
        guard
            let row = try db.queryOne(
                "SELECT \(ConflictStore.columns) FROM conflicts k WHERE k.id = ? AND \(s.sql)",
                values: [.text(id)] + s.args)
        else { throw ServerError(.notFound, "no such conflict") }
        return try ConflictStore.conflict(db, row)
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
