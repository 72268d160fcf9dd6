import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// `/v1/auth/*`: password login and logout, `me`, device enrollment and refresh rotation (Protocol §2).
enum AuthHandlers {
    static func login(_ ctx: RequestContext) throws -> HTTPResponse {
        let body = try ctx.body(LoginRequest.self)
        let userID = try checkPassword(
            ctx.app, username: body.username, password: body.password, address: ctx.remoteAddress, now: ctx.now,
            requestID: ctx.request.requestID)
        let (token, expires, user) = try startSession(
            ctx.app, userID: userID, address: ctx.remoteAddress, now: ctx.now, requestID: ctx.request.requestID)
        return try ctx.json(
            LoginResponse(
                accessToken: token, tokenType: "Bearer", expiresAt: Timestamp(millisecondsSince1970: expires),
                idleTimeoutSeconds: Int(Tokens.sessionIdle / 1000), user: user))
    }

    /// Checks a password login (rate limits, constant work for unknown names, audit of failures):
    /// the API's login and the console's share it.
    ///
    /// - Returns: the user's ID.
    /// - Throws: ``ServerError`` `rate_limited`, `invalid_credentials` or `account_disabled`.
    static func checkPassword(
        _ app: KandasApp, username: String, password: String, address: String, now: Int64, requestID: String
    ) throws -> String {
        // Refused before any lookup or hashing: a megabyte "password" is work, not a credential (§16).
        guard username.count <= TextLimits.maxUsernameChars else {
            throw ServerError.field(.invalidField, "/username", "at most \(TextLimits.maxUsernameChars) characters")
        }
        guard password.count <= TextLimits.maxPasswordChars else {
            throw ServerError.field(.invalidField, "/password", "at most \(TextLimits.maxPasswordChars) characters")
        }
        let account = username.lowercased()
        let limiter = app.loginLimiter
        let (wait, row, failedBefore) = try app.database.readSync { db in
            (
                try limiter.retryAfter(db, account: account, address: address, now: now),
                try AuthStore.account(db, username: account),
                try limiter.hasFailures(db, account: account, now: now)
            )
        }
        if let wait { throw ServerError(.rateLimited, "too many failed logins; wait", retryAfterSeconds: wait) }
        var valid = false
        if let row, let stored = row.passwordHash {
            valid = Password.verify(password, against: stored)
        } else {
            // Spend the same time on an unknown name so timing does not reveal which names exist.
            Password.dummyVerify(password, iterations: app.config.passwordIterations)
        }
        guard valid, let row else {
            try app.database.writeSync { db in
                try limiter.recordFailure(db, account: account, address: address, now: now)
                try AuditLog.append(
                    db, at: now, actor: nil, action: "user.login_failed", entityType: "user",
                    entityID: row?.id, remoteAddr: address, requestID: requestID,
                    summary: "failed password login")
            }
            throw ServerError(.invalidCredentials, "wrong username or password")
        }
        guard row.active, let id = row.id else { throw ServerError(.accountDisabled, "the account is disabled") }
        if failedBefore { try app.database.writeSync { db in try limiter.recordSuccess(db, account: account) } }
        return id
    }

    /// Opens a new session (always a fresh token: no fixation) and audits the login.
    static func startSession(
        _ app: KandasApp, userID: String, address: String, now: Int64, requestID: String
    ) throws -> (token: String, expiresAt: Int64, user: User) {
        let token = Tokens.make(.userSession)
        let expires = now + Tokens.sessionTTL
        let user: User = try app.database.writeSync { db in
            try AuthStore.startSession(
                db, tokenHash: Tokens.hash(token.text), userID: userID, now: now, expiresAt: expires)
            guard let user = try OrganisationStore.user(db, id: userID) else {
                throw ServerError(.internalError, "user vanished during login")
            }
            try AuditLog.append(
                db, at: now, actor: principal(of: user, tokenHash: ""), action: "user.login", entityType: "user",
                entityID: userID, remoteAddr: address, requestID: requestID, summary: nil)
            return user
        }
        return (token.text, expires, user)
    }

    static func logout(_ ctx: RequestContext) throws -> HTTPResponse {
        let p = ctx.actor
        guard p.kind == .user else { throw ServerError(.forbidden, "devices do not have sessions") }
        try ctx.app.database.writeSync { db in
            try AuthStore.endSession(db, tokenHash: p.tokenHash, now: ctx.now, onlyIfOpen: false)
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
