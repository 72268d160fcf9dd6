import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

/// `GET /v1/sync/pull` (Protocol §7): the changes after a cursor, only the latest state of each
/// object, scoped to the device's user (family rows) and to the device (outcomes, receipts).
enum PullHandler {
    static let defaultLimit = 500
    static let maxLimit = 1000

    static func pull(_ ctx: RequestContext) throws -> HTTPResponse {
        var allowed = Set<String>()
        for item in ctx.request.query {
            guard item.name == "cursor" || item.name == "limit" else {
                throw ServerError.field(.invalidParameter, "query:" + item.name, "unknown query parameter")
            }
            guard allowed.insert(item.name).inserted else {
                throw ServerError.field(.invalidParameter, "query:" + item.name, "repeated query parameter")
            }
        }
        let params = Dictionary(ctx.request.query.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        var limit = defaultLimit
        if let text = params["limit"] {
            guard let n = Int(text), (1...maxLimit).contains(n) else {
                throw ServerError.field(.invalidParameter, "query:limit", "limit must be 1-\(maxLimit)")
            }
            limit = n
        }
        let deviceID = ctx.actor.deviceID ?? ""
        let userID = ctx.actor.userID
        let now = ctx.now
        let response = try ctx.read { db in
            try db.transaction(.deferred) {
                try page(db, cursor: params["cursor"], limit: limit, deviceID: deviceID, userID: userID, now: now)
            }
        }
        // The wire encoder's bytes without JSONEncoder's boxed tree (time and peak memory of a 1000-change page).
        return APIReply(status: 200, contentType: "application/json", body: Data(try JSONCoding.encodeBytes(response)))
            .response(requestID: ctx.request.requestID)
    }

    /// One page, read in one read transaction (so `last_device_seq` matches the changes).
    static func page(
        _ db: Connection, cursor text: String?, limit: Int, deviceID: String, userID: String, now: Int64
    ) throws -> PullResponse {
        let keys = try PullCursor.Keys.load(db)
        let scope = try PullCursor.scopeHash(db, userID: userID)
        var after: Int64 = 0
        var reset = true
        if let text {
            guard let cursor = PullCursor.decode(text, keys) else {
                throw ServerError.field(.invalidCursor, "query:cursor", "not a cursor this server issued")
            }
            // §7.3: another epoch (restored or compacted store) or another scope starts over.
            if cursor.epoch == keys.epoch && cursor.scope == scope {
                after = cursor.seq
                reset = false
            }
        }
        let rows = try db.query(
            "SELECT c.seq, c.entity, c.entity_id, c.op FROM changes c WHERE c.seq > ?1"
                + " AND ((c.device_id IS NULL AND c.family_id IN"
                + " (SELECT family_id FROM family_workers WHERE user_id = ?2)) OR c.device_id = ?3)"
                + " AND NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id AND l.seq > c.seq"
                + " AND l.entity = c.entity AND l.device_id IS c.device_id)"
                + " ORDER BY c.seq LIMIT ?4", after, userID, deviceID, limit + 1)
        var changes: [Change] = []
        var last = after
        for row in rows.prefix(limit) {
            last = try row.int("seq")
            if let change = try ChangeLoader.change(db, row, deviceID: deviceID, now: now) { changes.append(change) }
        }
        let lastDeviceSeq =
            try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?", deviceID)?.int(
                "last_device_seq") ?? 0
        return PullResponse(
            reset: reset, changes: changes, cursor: PullCursor(epoch: keys.epoch, seq: last, scope: scope).encode(keys),
            hasMore: rows.count > limit, lastDeviceSeq: Int(lastDeviceSeq),
            serverTime: Timestamp(millisecondsSince1970: now))
    }
}
