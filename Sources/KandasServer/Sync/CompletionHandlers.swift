import Crypto
import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import SQLiteKit

/// Admin completions (Protocol §4.9-§4.10): filtered listing (newest first), detail, the events
/// behind a completion, and review decisions.
enum CompletionHandlers {
    /// Scope over a table that carries `region_id` and `career_centre_id` columns (alias `alias`).
    static func scope(_ p: Principal, alias: String) -> Scope {
        switch p.role {
        case .fieldWorker, .migrationOfficer, .aicStaff:
            return .nothing
        case .centreSupervisor:
            return Scope(sql: "\(alias).career_centre_id = ?", args: [.text(p.careerCentreID ?? "")])
        case .regionAdmin, .auditor:
            guard let region = p.regionID else { return p.role == .auditor ? .everything : .nothing }
            return Scope(sql: "\(alias).region_id = ?", args: [.text(region)])
        case .nationalAdmin:
            return .everything
        }
    }

    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(Set(CompletionFilter.names))
        let paging = try Pagination(filters)
        // The API refuses an empty filter; the shared parser reads one from an HTML form as "any".
        if let name = CompletionFilter.names.first(where: { filters[$0]?.isEmpty == true }) {
            throw CompletionFilter.bad(name, "empty value")
        }
        // The same parser as the console list and the exports, so their index-aware conditions are one copy.
        let filter = try CompletionFilter({ filters[$0] }, for: ctx.actor)
        // Newest received first: rowid is insertion (= receive) order, so the page walks it downwards.
        let before = paging.afterRowID == 0 ? Int64.max : paging.afterRowID
        let sql =
            "SELECT \(CompletionStore.columns) FROM completions c WHERE \(filter.sql)"
            + " AND c.rowid < ? ORDER BY c.rowid DESC LIMIT ?"
        let page = try ctx.read { db -> Page<Completion> in
            let rows = try db.query(sql, values: filter.args + [.integer(before), .integer(Int64(paging.limit + 1))])
            let items = try rows.prefix(paging.limit).map { try CompletionStore.completion(db, $0) }
            let next = rows.count > paging.limit ? paging.token(after: try rows[paging.limit - 1].int("_rowid")) : nil
            return Page(items: items, nextPageToken: next)
        }
        return try ctx.json(page)
    }

    static func enumFilter(
        _ filters: [String: String], _ name: String, _ values: Set<String>, _ column: String,
        _ conditions: inout [String], _ args: inout [SQLValue]
    ) throws(ServerError) {
        guard let value = filters[name] else { return }
        guard values.contains(value) else {
            throw ServerError.field(.invalidParameter, "query:" + name, values.sorted().joined(separator: "|"))
        }
        conditions.append("\(column) = ?")
        args.append(.text(value))
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try CompletionStore.load(db, id: id, for: ctx.actor) })
    }

    static func events(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let filters = try ctx.filters([])
        let paging = try Pagination(filters)
        let page = try ctx.read { db -> Page<StoredEvent> in
            _ = try CompletionStore.load(db, id: id, for: ctx.actor)
            return try paging.page(
                db,
                select: "SELECT e.seq AS _rowid, e.* FROM device_events e", rowid: "e.seq",
                conditions: [
                    "(e.completion_id = ? OR e.seq IN (SELECT event_seq FROM conflict_events ce"
                        + " JOIN conflict_completions cc ON cc.conflict_id = ce.conflict_id WHERE cc.completion_id = ?))"
                ],
                args: [.text(id), .text(id)], map: storedEvent)
        }
        return try ctx.json(page)
    }

    static func storedEvent(_ row: Row) throws -> StoredEvent {
        guard let event = decodeJSON(DeviceEvent.self, try row.string("body")) else {
            throw ServerError(.internalError, "stored event is unreadable")
        }
        let conflicts = (decodeJSON([String].self, try row.string("conflict_ids")) ?? []).compactMap { WireID($0) }
        return StoredEvent(
            event: event, deviceID: try wireID(row, "device_id"), userID: try wireID(row, "user_id"),
            seq: Int(try row.int("seq")), receivedAt: Timestamp(millisecondsSince1970: try row.int("received_at")),
            clockSkewMilliseconds: Int(try row.int("clock_skew_ms")),
            outcome: try row.string("outcome") == "rejected" ? .rejected : .accepted, code: row.optionalString("code"),
            conflictIDs: conflicts)
    }

    static func reviews(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let filters = try ctx.filters([])
        let paging = try Pagination(filters)
        let page = try ctx.read { db -> Page<Review> in
            _ = try CompletionStore.load(db, id: id, for: ctx.actor)
            return try paging.page(
                db, select: "SELECT \(ReviewStore.columns) FROM reviews r", rowid: "r.rowid",
                conditions: ["r.completion_id = ?"], args: [.text(id)], map: ReviewStore.review)
        }
        return try ctx.json(page)
    }

    static func review(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let completion = try CompletionStore.load(db, id: id, for: ctx.actor)
            let body = try ctx.body(ReviewRequest.self)
            let comment = body.comment?.trimmingCharacters(in: .whitespacesAndNewlines)
            if body.decision != .approve || comment != nil {
                guard let comment, (1...2000).contains(comment.count) else {
                    throw ServerError.field(.invalidField, "/comment", "1-2000 characters (required unless approve)")
                }
            }
            let reviewID = try ReviewStore.add(
                db, completionID: id, familyID: completion.familyID.description, decision: body.decision,
                comment: comment, reviewerID: ctx.actor.userID, now: ctx.now)
            try ctx.audit(
                db, "completion.review", entityType: "completion", entityID: id,
                summary: "decision=\(body.decision.rawValue)")
            guard let review = try ReviewStore.load(db, id: reviewID) else {
                throw ServerError(.internalError, "review vanished")
            }
            return try APIReply.json(review, status: 201)
        }
    }

    static func attachment(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let s = scope(ctx.actor, alias: "c")
        let file = try ctx.read { db -> EvidenceFile in
            guard
                let row = try db.queryOne(
                    "SELECT \(AttachmentStore.columns) FROM attachments a JOIN completions c ON c.id = a.completion_id"
                        + " WHERE a.id = ? AND \(s.sql)", values: [.text(id)] + s.args)
            else { throw ServerError(.notFound, "no such attachment") }
            return try AttachmentStore.file(row)
        }
        return try ctx.json(file)
    }

    /// `GET /v1/admin/attachments/{id}/content`: the verified bytes (``AttachmentContent``), same roles
    /// and scope as ``attachment(_:)``.
    static func attachmentContent(_ ctx: RequestContext) throws -> HTTPResponse {
        try AttachmentContent.response(
            id: try ctx.id("id"), actor: ctx.actor, blobs: try ctx.app.blobStore(), request: ctx.request, read: ctx.read)
    }
}
