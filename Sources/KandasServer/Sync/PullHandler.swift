import HTTPServer
import KandasProtocol
import KandasStore

/// `GET /v1/sync/pull` (Protocol §7): the changes after a cursor, only the latest state of each
/// object, scoped to the device's user (family rows) and to the device (outcomes, receipts).
///
/// A page is read in one read transaction and written straight into the response bytes, a
/// chunk of entries at a time: a chunk's objects are loaded with one query per kind
/// (``ChangeLoader``), encoded, and dropped before the next chunk, so a 1000-change page never
/// holds more than a chunk of objects beside its own bytes. Completions, most of a pull, are
/// written from their rows straight into the page (``ChangeLoader/write(_:to:first:)``), without
/// `Codable` values; the other kinds go through the wire encoder.
enum PullHandler {
    static let defaultLimit = 500
    static let maxLimit = 1000
    /// Entries loaded and encoded together: large enough that per-kind queries are few, small
    /// enough that a chunk's objects stay a small part of the page's memory.
    static let chunkSize = 250

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
        limit = pageLimit(
            requested: limit, waiting: ctx.app.server.server?.waitingJobs ?? 0,
            busyWaiting: ctx.app.config.pullBusyWaiting, busyPage: ctx.app.config.pullBusyPage)
        let deviceID = ctx.actor.deviceID ?? ""
        let userID = ctx.actor.userID
        let now = ctx.now
        let body = try ctx.read { db in
            try db.transaction {
                try pageBytes(db, cursor: params["cursor"], limit: limit, deviceID: deviceID, userID: userID, now: now)
            }
        }
        return APIReply.jsonResponse(body, requestID: ctx.request.requestID)
    }

    /// The changes one page carries: what the device asked for, but at most `busyPage` while
    /// `busyWaiting` or more requests wait for a handler thread (Protocol §7.4).
    ///
    /// Fairness under load (issue 15): 200 devices pulling 1000-change pages at once each held a
    /// handler thread for a whole page while every push and enroll waited behind them. Smaller
    /// pages let the queue move between pages; a device alone on the server still gets the pages
    /// it asks for (fewer round trips on a slow link).
    static func pageLimit(requested: Int, waiting: Int, busyWaiting: Int, busyPage: Int) -> Int {
        waiting >= busyWaiting ? min(requested, max(1, busyPage)) : requested
    }

    /// One page as the wire bytes of a `PullResponse` (compact, sorted keys), read in one read
    /// transaction so `last_device_seq` matches the changes.
    ///
    /// - Throws: ``ServerError`` `invalid_cursor` for a cursor this store did not issue.
    static func pageBytes(
        _ db: any DatabaseConnection, cursor text: String?, limit: Int, deviceID: String, userID: String, now: Int64
    ) throws -> [UInt8] {
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
        let entries = try SyncFeed.entries(db, after: after, userID: userID, deviceID: deviceID, limit: limit + 1)
        let page = entries.prefix(limit)
        let last = page.last?.seq ?? after
        let lastDeviceSeq =
            try DeviceStore.lastDeviceSeq(db, deviceID: deviceID)
        // A poll with nothing new answers the cursor it sent: the same epoch, seq and scope, authenticated above.
        let cursor =
            if let text, page.isEmpty, !reset { text } else {
                PullCursor(epoch: keys.epoch, seq: last, scope: scope).encode(keys)
            }
        // The envelope without changes, encoded by the wire encoder, is `{"changes":[],"cursor":...}`
        // (keys sorted, "changes" first): the changes go between its brackets, so the page has the
        // bytes `JSONCoding.encodeBytes(PullResponse)` would give, without the whole page's tree.
        let envelope = try JSONCoding.encodeBytes(
            PullResponse(
                reset: reset, changes: [], cursor: cursor,
                hasMore: entries.count > limit, lastDeviceSeq: Int(lastDeviceSeq),
                serverTime: Timestamp(millisecondsSince1970: now)))
        let head = Array(#"{"changes":["#.utf8)
        guard envelope.starts(with: head) else {
            throw ServerError(.internalError, "pull envelope does not start with its changes")
        }
        var out: [UInt8] = []
        // Room for ~1.5 KB a change (a completion with a note and a location is ~1.1 KB): a page seldom
        // regrows (a regrow holds the old and the new buffer at once); a page's buffer is above malloc's
        // mmap threshold, so room it does not write is never resident.
        out.reserveCapacity(envelope.count + page.count * 1536)
        out.append(contentsOf: head)
        let loader = ChangeLoader(db: db, deviceID: deviceID, now: now)
        var first = true
        var start = page.startIndex
        while start < page.endIndex {
            let end = min(start + chunkSize, page.endIndex)
            try loader.write(page[start..<end], to: &out, first: &first)
            start = end
        }
        out.append(contentsOf: envelope[head.count...])
        return out
    }
}
