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
    static let path = "/v1/sync/pull"
    static let defaultLimit = 500
    static let maxLimit = 1000
    /// Entries loaded and encoded together: large enough that per-kind queries are few, small
    /// enough that a chunk's objects stay a small part of the page's memory.
    static let chunkSize = 250

    /// Authenticates the device and answers in one read transaction on one connection (the
    /// endpoint is ``Endpoint/authenticatesInRead``): a poll with nothing new costs one checkout.
    /// The last-use write the check finds due (at most once a minute per device) runs after it.
    static func pull(_ ctx: RequestContext) throws -> HTTPResponse {
        let app = ctx.app
        let now = ctx.now
        var checked: Authenticator.Checked?
        // Fairness under load (Protocol §7.4): the most changes this page may carry, from the queue now.
        let most = pageLimit(
            requested: maxLimit, waiting: app.server.server?.waitingJobs ?? 0,
            busyWaiting: app.config.pullBusyWaiting, busyPage: app.config.pullBusyPage)
        let page: Result<[UInt8], any Error> = try app.database.readSync { db in
            let actor: Principal
            var device: PullCursor.DeviceState?
            if let principal = ctx.principal {
                actor = principal
            } else {
                // The token's statement also reads the device's pull state: a poll is one statement fewer.
                let check = try app.authorize(ctx.endpoint, ctx.request, now: now, in: db, withPullState: true)
                checked = check
                actor = check.principal
                device = check.pullState
            }
            // Errors after authentication (a bad query or cursor) still owe the last-use write.
            return Result { try answer(ctx.request, db, actor: actor, device: device, now: now, most: most) ?? [] }
        }
        try checked?.touch(app.database)
        return APIReply.jsonResponse(try page.get(), requestID: ctx.request.requestID)
    }

    /// A poll with nothing new, answered on the HTTP event loop (``KandasApp/answerOnLoop(_:)``):
    /// the same checks and the same bytes as ``pull(_:)``, on a reader that is free now. Nil, to
    /// leave the request to a handler thread (which answers it from scratch), when no reader is
    /// free or the engine's reads are not local, when the check or the query fails (its refusal
    /// comes from there, as before), when the device owes its last-use write, and when the page
    /// would carry changes (a page query is not cheap).
    ///
    /// A device polling again with the same token and cursor while nothing was committed gets the
    /// answer it got, with the server time of now (``PollMemo``): one `PRAGMA data_version` instead
    /// of a transaction, two statements, the token's SHA-256 and the cursor's HMAC.
    static func pollOnLoop(_ app: KandasApp, _ request: HTTPRequest, endpoint: Endpoint) -> HTTPResponse? {
        let now = app.now()
        guard let authorization = request.headers["Authorization"] else { return nil }
        func key(_ stamp: ContentStamp) -> PollMemo.Key {
            PollMemo.Key(reader: stamp.reader, authorization: authorization, target: request.target)
        }
        let page = try? app.database.readSyncIfFree(
            remembered: { stamp -> [UInt8]?? in
                guard var bytes = app.pollMemo.head(key(stamp), stamp, now: now) else { return nil }
                serverTimeTail(now, to: &bytes)
                return .some(bytes)
            },
            { db, stamp -> [UInt8]? in
                let most = pageLimit(
                    requested: maxLimit, waiting: app.server.server?.waitingJobs ?? 0,
                    busyWaiting: app.config.pullBusyWaiting, busyPage: app.config.pullBusyPage)
                let check = try app.authorize(endpoint, request, now: now, in: db, withPullState: true)
                guard !check.owesWrite,
                    let bytes = try answer(
                        request, db, actor: check.principal, device: check.pullState, now: now, most: most,
                        onlyIfNothingNew: true)
                else { return nil }
                var tail: [UInt8] = []
                serverTimeTail(now, to: &tail)
                app.pollMemo.remember(key(stamp), stamp, check, page: bytes, tail: tail)
                return bytes
            })
        guard let page, let bytes = page else { return nil }
        return APIReply.jsonResponse(bytes, requestID: request.requestID)
    }

    /// The page for the request's query, on the read transaction `db`, of at most `most` changes.
    private static func answer(
        _ request: HTTPRequest, _ db: any DatabaseConnection, actor: Principal, device: PullCursor.DeviceState?,
        now: Int64, most: Int, onlyIfNothingNew: Bool = false
    ) throws -> [UInt8]? {
        var cursor: String?
        var limitText: String?
        var seenCursor = false
        for item in request.query {
            let repeated: Bool
            switch item.name {
            case "cursor":
                repeated = seenCursor
                seenCursor = true
                cursor = item.value ?? ""
            case "limit":
                repeated = limitText != nil
                limitText = item.value ?? ""
            default:
                throw ServerError.field(.invalidParameter, "query:" + item.name, "unknown query parameter")
            }
            guard !repeated else {
                throw ServerError.field(.invalidParameter, "query:" + item.name, "repeated query parameter")
            }
        }
        var limit = defaultLimit
        if let limitText {
            guard let n = Int(limitText), (1...maxLimit).contains(n) else {
                throw ServerError.field(.invalidParameter, "query:limit", "limit must be 1-\(maxLimit)")
            }
            limit = n
        }
        limit = min(limit, most)
        // `readSync` is one read transaction on one snapshot (both engines): `last_device_seq`
        // matches the changes.
        return try pageBytes(
            db, cursor: cursor, limit: limit, deviceID: actor.deviceID ?? "", userID: actor.userID, now: now,
            device: device, onlyIfNothingNew: onlyIfNothingNew)
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
    /// `device`: the device's pull state when the caller read it already (with the token, same transaction).
    /// `onlyIfNothingNew`: nil instead of a page that needs the page query (changes after the cursor, or a reset).
    static func pageBytes(
        _ db: any DatabaseConnection, cursor text: String?, limit: Int, deviceID: String, userID: String, now: Int64,
        device: PullCursor.DeviceState? = nil
    ) throws -> [UInt8] {
        try pageBytes(
            db, cursor: text, limit: limit, deviceID: deviceID, userID: userID, now: now, device: device,
            onlyIfNothingNew: false) ?? []
    }

    static func pageBytes(
        _ db: any DatabaseConnection, cursor text: String?, limit: Int, deviceID: String, userID: String, now: Int64,
        device: PullCursor.DeviceState?, onlyIfNothingNew: Bool
    ) throws -> [UInt8]? {
        let state = try PullCursor.PageState.load(db, userID: userID, deviceID: deviceID, device: device)
        let keys = state.keys
        let scope = state.scope
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
        if onlyIfNothingNew && (reset || state.scopeHead > after) { return nil }
        // Nothing of the scope after the cursor (a device polling): no page query.
        let entries =
            state.scopeHead <= after
            ? [] : try SyncFeed.entries(db, after: after, userID: userID, deviceID: deviceID, limit: limit + 1)
        let page = entries.prefix(limit)
        let last = page.last?.seq ?? after
        let lastDeviceSeq = state.lastDeviceSeq
        // A poll with nothing new answers the cursor it sent: the same epoch, seq and scope, authenticated above.
        let cursor =
            if let text, page.isEmpty, !reset { text } else {
                PullCursor(epoch: keys.epoch, seq: last, scope: scope).encode(keys)
            }
        var out: [UInt8] = []
        // Room for ~1.5 KB a change (a completion with a note and a location is ~1.1 KB): a page seldom
        // regrows (a regrow holds the old and the new buffer at once); a page's buffer is above malloc's
        // mmap threshold, so room it does not write is never resident.
        out.reserveCapacity(256 + page.count * 1536)
        JSONBytes.raw(#"{"changes":["#, to: &out)
        let loader = ChangeLoader(db: db, deviceID: deviceID, now: now)
        var first = true
        var start = page.startIndex
        while start < page.endIndex {
            let end = min(start + chunkSize, page.endIndex)
            try loader.write(page[start..<end], to: &out, first: &first)
            start = end
        }
        envelopeTail(
            cursor: cursor, hasMore: entries.count > limit, lastDeviceSeq: lastDeviceSeq, reset: reset, now: now,
            to: &out)
        return out
    }

    /// The rest of a page after its changes, `],"cursor":...}`: the bytes the wire encoder writes for
    /// a ``PullResponse`` after its `changes` (keys sorted, compact), written without the encoder
    /// (`PullEnvelopeTests` compares the two).
    static func envelopeTail(
        cursor: String, hasMore: Bool, lastDeviceSeq: Int64, reset: Bool, now: Int64, to out: inout [UInt8]
    ) {
        JSONBytes.raw("],", to: &out)
        JSONBytes.key("cursor", to: &out)
        JSONBytes.string(cursor, to: &out)
        JSONBytes.raw(hasMore ? #","has_more":true,"# : #","has_more":false,"#, to: &out)
        JSONBytes.key("last_device_seq", to: &out)
        JSONBytes.int(lastDeviceSeq, to: &out)
        JSONBytes.raw(reset ? #","reset":true,"# : #","reset":false,"#, to: &out)
        JSONBytes.key("server_time", to: &out)
        serverTimeTail(now, to: &out)
    }

    /// A page's last bytes, after `"server_time":`: the time and the closing brace.
    static func serverTimeTail(_ now: Int64, to out: inout [UInt8]) {
        JSONBytes.timestamp(now, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
