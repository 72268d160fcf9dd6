import HTTPServer
import KandasProtocol
import KandasStore

/// One-time enrollment codes for field workers' devices (Protocol §2.2, §4.5).
///
/// The code is shown once, in the creation response; the store keeps its SHA-256.
enum EnrollmentCodeHandlers {
    static let defaultTTL = 900
    static let maxTTL = 259_200

    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["user_id", "status"])
        let paging = try Pagination(filters)
        let userID = try ctx.uuidFilter(filters, "user_id")
        var status: EnrollmentCodeStatus?
        if let text = filters["status"] {
            guard let parsed = EnrollmentCodeStatus(rawValue: text) else {
                throw ServerError.field(.invalidParameter, "query:status", "active|used|expired|revoked")
            }
            status = parsed
        }
        let page = try ctx.read { db in
            try DeviceStore.codes(
                db, userID: userID, status: status, now: ctx.now, for: ctx.actor.scope, paging: paging)
        }
        return try ctx.json(page)
    }

    /// The code is in the answer, so its stored replay is sealed with the session token and scoped
    /// to that session: a retry in the same session gets the same code, and the store never holds it.
    static func create(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.write(actor: "session:" + ctx.actor.tokenHash, sealKey: ctx.actor.secret) { db in
            let body = try ctx.body(EnrollmentCodeRequest.self)
            let ttl = body.ttlSeconds ?? defaultTTL
            guard (60...maxTTL).contains(ttl) else {
                throw ServerError.field(.invalidField, "/ttl_s", "ttl_s must be 60-\(maxTTL)")
            }
            let issued = try issue(db, userID: body.userID.description, ttlSeconds: ttl, for: ctx.actor, now: ctx.now)
            let id = issued.id
            let code = issued.code
            let expires = issued.expiresAt
            try ctx.audit(db, "enrollment_code.create", entityType: "enrollment_code", entityID: id)
            let created = EnrollmentCodeCreated(
                id: WireID(id) ?? WireID.random(), userID: body.userID, code: code,
                payload: "kandas1:" + ctx.app.publicBaseURL + "#" + code,
                expiresAt: Timestamp(millisecondsSince1970: expires),
                createdAt: Timestamp(millisecondsSince1970: ctx.now))
            return try APIReply.json(created, status: 201)
        }
    }

    static func revoke(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            guard try DeviceStore.code(db, id: id, for: ctx.actor.scope, now: ctx.now).status == .active else {
                throw ServerError(.conflict, "only an active code can be revoked")
            }
            try DeviceStore.revokeCode(db, id: id, now: ctx.now)
            try ctx.audit(db, "enrollment_code.revoke", entityType: "enrollment_code", entityID: id)
            return APIReply.noContent()
        }
    }

    /// Creates a code for an active field worker in scope (shared by the API and the console).
    ///
    /// - Throws: `422 invalid_field` (no such user, not an active worker), `403 out_of_scope`.
    static func issue(
        _ db: any DatabaseConnection, userID: String, ttlSeconds: Int, for p: Principal, now: Int64
    ) throws -> (id: String, code: String, expiresAt: Int64) {
        guard let user = try OrganisationStore.user(db, id: userID) else {
            throw ServerError.field(.invalidField, "/user_id", "no such user")
        }
        guard p.scope.covers(regionID: user.regionID?.description ?? "", centreID: user.careerCentreID?.description)
        else { throw ServerError.field(.outOfScope, "/user_id", "the user is outside your scope") }
        guard user.role == .fieldWorker, user.active else {
            throw ServerError.field(.invalidField, "/user_id", "codes are for active field workers")
        }
        let code = Tokens.enrollmentCode()
        let expires = now + Int64(ttlSeconds) * 1000
        let id = try DeviceStore.insertCode(
            db, codeHash: Tokens.hash(code), userID: userID, createdBy: p.userID, now: now, expires: expires)
        return (id, code, expires)
    }
}
