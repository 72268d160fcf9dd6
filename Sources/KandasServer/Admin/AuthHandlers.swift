import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

/// `/v1/auth/*`: password login and logout, `me`, device enrollment and refresh rotation (Protocol §2).
enum AuthHandlers {
    static func login(_ ctx: RequestContext) throws -> HTTPResponse {
        let body = try ctx.body(LoginRequest.self)
        let address = ctx.remoteAddress
        let account = body.username.lowercased()
        if let wait = ctx.app.loginLimiter.retryAfter(account: account, address: address, now: ctx.now) {
            throw ServerError(.rateLimited, "too many failed logins; wait", retryAfterSeconds: wait)
        }
        let row = try ctx.read { db in
            try db.queryOne("SELECT id, password_hash, active FROM users WHERE username = ?", account)
        }
        var valid = false
        if let row, let stored = row.optionalString("password_hash") {
            valid = Password.verify(body.password, against: stored)
        } else {
            // Spend the same time on an unknown name so timing does not reveal which names exist.
            Password.dummyVerify(body.password, iterations: ctx.app.config.passwordIterations)
        }
        guard valid, let row else {
            ctx.app.loginLimiter.recordFailure(account: account, address: address, now: ctx.now)
            try ctx.app.pool.writeSync { db in
                try ctx.audit(
                    db, "user.login_failed", entityType: "user", entityID: row?.optionalString("id"),
                    summary: "failed password login")
            }
            throw ServerError(.invalidCredentials, "wrong username or password")
        }
        guard try row.bool("active") else { throw ServerError(.accountDisabled, "the account is disabled") }
        ctx.app.loginLimiter.recordSuccess(account: account)
        let userID = try row.string("id")
        let token = Tokens.make(.userSession)
        let expires = ctx.now + Tokens.sessionTTL
        let user: User = try ctx.app.pool.writeSync { db in
            _ = try db.run(
                "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, last_used_at) VALUES(?,?,?,?,?)",
                Tokens.hash(token.text), userID, ctx.now, expires, ctx.now)
            _ = try db.run("UPDATE users SET last_login_at = ? WHERE id = ?", ctx.now, userID)
            guard let user = try OrganisationStore.user(db, id: userID) else {
                throw ServerError(.internalError, "user vanished during login")
            }
            try AuditLog.append(
                db, at: ctx.now, actor: principal(of: user, tokenHash: ""), action: "user.login", entityType: "user",
                entityID: userID, remoteAddr: address, requestID: ctx.request.requestID, summary: nil)
            return user
        }
        return try ctx.json(
            LoginResponse(
                accessToken: token.text, tokenType: "Bearer", expiresAt: Timestamp(millisecondsSince1970: expires),
                idleTimeoutSeconds: Int(Tokens.sessionIdle / 1000), user: user))
    }

    static func logout(_ ctx: RequestContext) throws -> HTTPResponse {
        let p = ctx.actor
        guard p.kind == .user else { throw ServerError(.forbidden, "devices do not have sessions") }
        try ctx.app.pool.writeSync { db in
            _ = try db.run("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", ctx.now, p.tokenHash)
            try ctx.audit(db, "user.logout", entityType: "user", entityID: p.userID)
        }
        return APIReply.noContent().response(requestID: ctx.request.requestID)
    }

    static func me(_ ctx: RequestContext) throws -> HTTPResponse {
        let p = ctx.actor
        let answer: WhoAmI = try ctx.read { db in
            guard let user = try OrganisationStore.user(db, id: p.userID) else {
                throw ServerError(.unauthenticated, "unknown user")
            }
            let device = try p.deviceID.flatMap { try DeviceStore.device(db, id: $0) }
            return WhoAmI(kind: p.kind == .device ? .device : .user, user: user, device: device)
        }
        return try ctx.json(answer)
    }

    static func principal(of user: User, tokenHash: String, deviceID: String? = nil) -> Principal {
        Principal(
            kind: deviceID == nil ? .user : .device, userID: user.id.description, role: user.role,
            regionID: user.regionID?.description, careerCentreID: user.careerCentreID?.description,
            deviceID: deviceID, tokenHash: tokenHash)
    }
}
