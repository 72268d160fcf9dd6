import Crypto
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// The admin API of the Centre stay, `/v1/admin/stay/...` (Rules 1; Protocol/stay-v1.md §4).
///
/// Handlers decode and pass on; the rules and every SQL statement live in ``StayStore``.
enum StayHandlers {
    static let rules = StayRules()

    static func today(_ ctx: RequestContext) -> LocalDate { StayWork.day(ctx.now) }

    /// Runs an act in the request's idempotent write transaction.
    static func act(_ ctx: RequestContext, _ body: (StayWork) throws -> APIReply) throws -> HTTPResponse {
        try ctx.write { db in
            let work = StayWork(
                db: db, actor: ctx.actor, today: today(ctx), now: ctx.now, rules: rules,
                audit: { action, type, id, summary in
                    try ctx.audit(db, action, entityType: type, entityID: id, summary: summary)
                })
            return try body(work)
        }
    }

    /// The listed query filters that are present, as column/value pairs (IDs must be UUIDs).
    static func filters(
        _ ctx: RequestContext, ids: [String], enums: [String: [String]] = [:]
    ) throws -> (
        Pagination, [(String, DatabaseValue)]
    ) {
        let raw = try ctx.filters(Set(ids).union(enums.keys))
        var out: [(String, DatabaseValue)] = []
        for name in ids.sorted() {
            if let id = try ctx.uuidFilter(raw, name) { out.append((name, .text(id))) }
        }
        for (name, allowed) in enums.sorted(by: { $0.key < $1.key }) {
            guard let value = raw[name] else { continue }
            guard allowed.contains(value) else {
                throw ServerError.field(.invalidParameter, "query:" + name, "one of \(allowed.joined(separator: ", "))")
            }
            out.append((name, .text(value)))
        }
        return (try Pagination(raw), out)
    }

    // MARK: Centres and journals

    static func listCentres(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, _) = try filters(ctx, ids: [])
        return try ctx.json(
            try ctx.read { db in try StayStore.centres(db, for: ctx.actor, paging: paging, today: today(ctx)) })
    }

    static func getCentre(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try StayStore.centre(db, id: id, for: ctx.actor, today: today(ctx)) })
    }

    static func createCentre(_ ctx: RequestContext) throws -> HTTPResponse {
        try act(ctx) { w in
            let body = try ctx.body(StayCentreCreate.self)
            try Validation.text(body.name, "/name")
            try Validation.optionalText(body.address, "/address")
            guard (1...10_000).contains(body.capacity) else {
                throw ServerError.field(.invalidField, "/capacity", "1-10000 beds")
            }
            let id = try StayStore.createCentre(w, body)
            return try APIReply.json(try StayStore.centre(w.db, id: id, for: w.actor, today: w.today), status: 201)
        }
    }

    static func updateCentre(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.centre(w.db, id: id, for: w.actor, today: w.today)
            let body = try ctx.body(StayCentreUpdate.self)
            if let name = body.name { try Validation.text(name, "/name") }
            try Validation.optionalText(body.address, "/address")
            if let capacity = body.capacity, !(1...10_000).contains(capacity) {
                throw ServerError.field(.invalidField, "/capacity", "1-10000 beds")
            }
            try StayStore.updateCentre(w, id: id, body)
            return try APIReply.json(try StayStore.centre(w.db, id: id, for: w.actor, today: w.today))
        }
    }

    static func listJournals(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let (paging, _) = try filters(ctx, ids: [])
        return try ctx.json(
            try ctx.read { db in
                _ = try StayStore.centre(db, id: id, for: ctx.actor, today: today(ctx))
                return try StayStore.journals(db, centreID: id, for: ctx.actor, paging: paging)
            })
    }

    static func getJournal(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try StayStore.journal(db, id: id, for: ctx.actor) })
    }

    static func closeJournal(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.journal(w.db, id: id, for: w.actor)
            let body = try ctx.body(StayJournalClose.self)
            let next = try StayStore.closeJournal(w, id: id, body)
            return try APIReply.json(try StayStore.journal(w.db, id: next, for: w.actor), status: 201)
        }
    }

    static func getReserve(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(
            try ctx.read { db in
                _ = try StayStore.centre(db, id: id, for: ctx.actor, today: today(ctx))
                return Page(items: try StayStore.reserve(db, centreID: id, today: today(ctx)))
            })
    }

    static func offerNext(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.centre(w.db, id: id, for: w.actor, today: w.today)
            let body = try ctx.body(StayAct.self)
            try Validation.optionalText(body.note, "/note")
            let referral = try StayStore.offerNext(w, centreID: id)
            return try APIReply.json(
                try StayStore.referral(w.db, id: referral, for: w.actor, today: w.today), status: 201)
        }
    }

    // MARK: Applications

    static let applicationStatuses = StayApplicationStatus.allCases.map(\.rawValue)

    static func listApplications(_ ctx: RequestContext) throws -> HTTPResponse {
        let (paging, filters) = try filters(
            ctx, ids: ["centre_id", "family_id"], enums: ["status": applicationStatuses])
        return try ctx.json(
            try ctx.read { db in
                try StayStore.applications(db, for: ctx.actor, paging: paging, filters: filters, today: today(ctx))
            })
    }

    static func getApplication(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(
            try ctx.read { db in try StayStore.application(db, id: id, for: ctx.actor, today: today(ctx)) })
    }

    static func register(_ ctx: RequestContext) throws -> HTTPResponse {
        try act(ctx) { w in
            let id = try StayStore.register(w, try ctx.body(StayApplicationCreate.self))
            return try APIReply.json(try StayStore.application(w.db, id: id, for: w.actor, today: w.today), status: 201)
        }
    }

    static func recordCoupon(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.application(w.db, id: id, for: w.actor, today: w.today)
            try StayStore.recordCoupon(w, applicationID: id, try ctx.body(StayCouponRecord.self))
            return try APIReply.json(try StayStore.application(w.db, id: id, for: w.actor, today: w.today))
        }
    }

    static func consider(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.application(w.db, id: id, for: w.actor, today: w.today)
            let body = try ctx.body(StayAct.self)
            try Validation.optionalText(body.note, "/note")
            _ = try StayStore.consider(w, applicationID: id)
            return try APIReply.json(try StayStore.application(w.db, id: id, for: w.actor, today: w.today))
        }
    }

    static let signatureTypes: [String: [UInt8]] = [
        "image/jpeg": [0xFF, 0xD8, 0xFF], "image/png": [0x89, 0x50, 0x4E, 0x47], "application/pdf": Array("%PDF-".utf8),
    ]

    /// `PUT .../signature`: the scanned signed application (Annex 2), JPEG, PNG or PDF, up to 4 MiB.
    static func putSignature(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try act(ctx) { w in
            _ = try StayStore.application(w.db, id: id, for: w.actor, today: w.today)
            let type = (ctx.request.headers["Content-Type"] ?? "").split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard let type, let magic = signatureTypes[type] else {
                throw ServerError(.unsupportedMediaType, "the scan must be image/jpeg, image/png or application/pdf")
            }
            let bytes = ctx.request.bodyBytes
            guard bytes.starts(with: magic) else {
                throw ServerError(.contentTypeMismatch, "the bytes are not \(type)")
            }
            try StayStore.storeSignature(
                w, applicationID: id, type: type, bytes: bytes, sha256: SHA256.hash(bytes).hex)
            return try APIReply.json(try StayStore.application(w.db, id: id, for: w.actor, today: w.today))
        }
    }

    static func getSignature(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let (type, bytes) = try ctx.read { db in try StayStore.signature(db, applicationID: id, for: ctx.actor) }
        var headers = HTTPHeaders()
        headers.add("Content-Type", type)
        headers.add("Cache-Control", "no-store")
        headers.add("Request-Id", ctx.request.requestID)
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(bytes))
    }

    // MARK: Due acts

    static func due(_ ctx: RequestContext) throws -> HTTPResponse {
        _ = try ctx.filters([])
        return try ctx.json(
            try ctx.read { db in try StayStore.due(db, for: ctx.actor, rules: rules, today: today(ctx)) })
    }
}
