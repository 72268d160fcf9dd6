import Crypto
import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Admin completions (Protocol §4.9-§4.10): filtered listing (newest first), detail, the events
/// behind a completion, and review decisions.
enum CompletionHandlers {
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
        let page = try ctx.read { db in try CompletionStore.page(db, filter, paging: paging) }
        return try ctx.json(page)
    }

    /// A filter that must be one of an enumeration's values when present.
    static func enumFilter<E: RawRepresentable & CaseIterable>(
        _ filters: [String: String], _ name: String, _ type: E.Type
    ) throws(ServerError) -> E? where E.RawValue == String {
        guard let value = filters[name] else { return nil }
        guard let parsed = E(rawValue: value) else {
            throw ServerError.field(
                .invalidParameter, "query:" + name, E.allCases.map(\.rawValue).sorted().joined(separator: "|"))
        }
        return parsed
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try CompletionStore.load(db, id: id, for: ctx.actor) })
    }

    static func events(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let filters = try ctx.filters([])
        let paging = try Pagination(filters)
        let page = try ctx.read { db in
            try CompletionStore.events(db, completionID: id, for: ctx.actor, paging: paging, map: storedEvent)
        }
        return try ctx.json(page)
    }

    static func storedEvent(_ row: DatabaseRow, _ event: DeviceEvent?) throws -> StoredEvent {
        guard let event else {
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
        let page = try ctx.read { db in
            try CompletionStore.reviews(db, completionID: id, for: ctx.actor, paging: paging)
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
                    throw ServerError.field(
                        .invalidField, "/comment", "1-2000 characters (required unless approve)")
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
        let file = try ctx.read { db in try AttachmentStore.file(db, id: id, for: ctx.actor) }
        return try ctx.json(file)
    }

    /// `GET /v1/admin/attachments/{id}/content`: the verified bytes (``AttachmentContent``), same roles
    /// and scope as ``attachment(_:)``.
    static func attachmentContent(_ ctx: RequestContext) throws -> HTTPResponse {
        try AttachmentContent.response(
            id: try ctx.id("id"), actor: ctx.actor, blobs: try ctx.app.blobStore(), request: ctx.request, read: ctx.read
        )
    }
}
