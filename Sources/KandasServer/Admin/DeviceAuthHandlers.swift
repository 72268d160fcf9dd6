import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// `POST /v1/auth/enroll` and `POST /v1/auth/refresh`: device tokens with rotation (Protocol §2.2-§2.3).
enum DeviceAuthHandlers {
    /// The enrollment body's texts (Protocol §16): `code` at most 64 characters (codes are 26 plus
    /// separators), `app_version` 1-64 and `device_name` up to 100, without control characters.
    static func checkEnroll(_ body: EnrollRequest) throws(ServerError) {
        guard body.code.count <= 64 else {
            throw ServerError.field(.invalidField, "/code", "at most 64 characters")
        }
        guard (1...TextLimits.maxAppVersionChars).contains(body.appVersion.count), TextLimits.isOneLine(body.appVersion)
        else {
            throw ServerError.field(
                .invalidField, "/app_version",
                "1-\(TextLimits.maxAppVersionChars) characters without control characters")
        }
        if let name = body.deviceName, name.count > TextLimits.maxDeviceNameChars || !TextLimits.isOneLine(name) {
            throw ServerError.field(
                .invalidField, "/device_name",
                "at most \(TextLimits.maxDeviceNameChars) characters without control characters")
        }
    }

    static func enroll(_ ctx: RequestContext) throws -> HTTPResponse {
        let body = try ctx.body(EnrollRequest.self)
        try checkEnroll(body)
        let code = Tokens.normaliseCode(body.code)
        let codeHash = Tokens.hash(code)
        return try ctx.write(actor: "code:" + codeHash, sealKey: Array(code.utf8)) { db in
            guard let enrollment = try AuthStore.enrollmentCode(db, codeHash: codeHash) else {
                throw ServerError(.enrollmentCodeInvalid, "unknown enrollment code")
            }
            if enrollment.usedOrRevoked {
                throw ServerError(.enrollmentCodeUsed, "the enrollment code was already used or revoked")
            }
            if ctx.now >= enrollment.expiresAt {
                throw ServerError(.enrollmentCodeExpired, "the enrollment code expired")
            }
            let userID = enrollment.userID
            guard let user = try OrganisationStore.user(db, id: userID), user.active else {
                throw ServerError(.accountDisabled, "the worker's account is disabled")
            }
            let deviceID = try AuthStore.enroll(db, code: enrollment, request: body, now: ctx.now)
            let pair = try issue(db, deviceID: deviceID, now: ctx.now, absoluteExpiry: ctx.now + Tokens.refreshMaxAge)
            try AuditLog.append(
                db, at: ctx.now, actor: AuthHandlers.principal(of: user, tokenHash: "", deviceID: deviceID),
                action: "device.enroll", entityType: "device", entityID: deviceID,
                remoteAddr: ctx.remoteAddress,
                requestID: ctx.request.requestID, summary: "platform \(body.platform.rawValue)")
            return try APIReply.json(response(pair, deviceID: deviceID, userID: userID))
        }
    }

    static func refresh(_ ctx: RequestContext) throws -> HTTPResponse {
        let body = try ctx.body(RefreshRequest.self)
        guard let oldRaw = Tokens.raw(body.refreshToken, kind: .deviceRefresh) else {
            throw ServerError(.unauthenticated, "not a refresh token")
        }
        let hash = Tokens.hash(body.refreshToken)
        return try ctx.write(actor: "refresh:" + hash, sealKey: oldRaw) { db in
            guard let row = try AuthStore.refreshToken(db, tokenHash: hash) else {
                throw ServerError(.unauthenticated, "unknown refresh token")
            }
            let deviceID = try row.string("device_id")
            let userID = try row.string("user_id")
            if try row.string("status") == "revoked" { throw ServerError(.deviceRevoked, "the device was revoked") }
            if row.optionalInt("revoked_at") != nil { throw ServerError(.tokenRevoked, "the token was revoked") }
            if let replacedAt = row.optionalInt("replaced_at") {
                let successor = row.optionalString("successor_refresh_hash") ?? ""
                let access = row.optionalString("successor_access_hash") ?? ""
                let unused = try AuthStore.successorsUnused(db, refreshHash: successor, accessHash: access)
                if ctx.now - replacedAt <= Tokens.refreshGrace, unused, let sealed = row.blob("successor_sealed"),
                    sealed.count == 64,
                    let s = try AuthStore.successorExpiries(db, refreshHash: successor, accessHash: access)
                {
                    // A lost response: hand back the same successor pair (FAPI's retry rule).
                    let open = Tokens.seal(sealed, key: oldRaw)
                    let pair = Pair(
                        access: Tokens.text(.deviceAccess, raw: Array(open[0..<32])), accessExpires: s.access,
                        refresh: Tokens.text(.deviceRefresh, raw: Array(open[32..<64])),
                        refreshExpires: s.refresh, refreshRaw: Array(open[32..<64]))
                    return try APIReply.json(response(pair, deviceID: deviceID, userID: userID))
                }
                // Reuse outside the window, or after the successor was used: the family is compromised.
                try AuthStore.revokeDeviceTokens(db, deviceID: deviceID, now: ctx.now)
                try AuditLog.append(
                    db, at: ctx.now, actor: nil, action: "device.refresh_reuse", entityType: "device",
                    entityID: deviceID, remoteAddr: ctx.remoteAddress, requestID: ctx.request.requestID,
                    summary: "replaced refresh token reused; all device tokens revoked")
                let error = ServerError(.refreshTokenReused, "a replaced refresh token was reused; enroll again")
                return APIReply.problem(error, instance: ctx.request.path, requestID: ctx.request.requestID)
            }
            let absolute = try row.int("absolute_expires_at")
            if ctx.now >= (try row.int("expires_at")) || ctx.now >= absolute {
                throw ServerError(.tokenExpired, "the refresh token expired; enroll again")
            }
            let pair = try issue(db, deviceID: deviceID, now: ctx.now, absoluteExpiry: absolute)
            let sealed = Tokens.seal(
                (Tokens.raw(pair.access, kind: .deviceAccess) ?? []) + pair.refreshRaw, key: oldRaw)
            try AuthStore.markReplaced(
                db, tokenHash: hash, successorRefreshHash: Tokens.hash(pair.refresh),
                successorAccessHash: Tokens.hash(pair.access), sealed: sealed, now: ctx.now)
            return try APIReply.json(response(pair, deviceID: deviceID, userID: userID))
        }
    }

    struct Pair {
        var access: String
        var accessExpires: Int64
        var refresh: String
        var refreshExpires: Int64
        var refreshRaw: [UInt8]
    }

    /// Stores a new access and refresh token for a device and returns them.
    static func issue(_ db: any DatabaseConnection, deviceID: String, now: Int64, absoluteExpiry: Int64) throws -> Pair
    {
        let access = Tokens.make(.deviceAccess)
        let refresh = Tokens.make(.deviceRefresh)
        let accessExpires = min(now + Tokens.accessTTL, absoluteExpiry)
        let refreshExpires = min(now + Tokens.refreshTTL, absoluteExpiry)
        for (text, kind, expires) in [
            (access.text, "access", accessExpires), (refresh.text, "refresh", refreshExpires),
        ] {
            try AuthStore.insertDeviceToken(
                db, tokenHash: Tokens.hash(text), kind: kind, deviceID: deviceID, now: now, expiresAt: expires,
                absoluteExpiry: absoluteExpiry)
        }
        return Pair(
            access: access.text, accessExpires: accessExpires, refresh: refresh.text, refreshExpires: refreshExpires,
            refreshRaw: refresh.raw)
    }

    static func response(_ pair: Pair, deviceID: String, userID: String) -> TokenResponse {
        TokenResponse(
            deviceID: WireID(deviceID) ?? WireID.random(), userID: WireID(userID) ?? WireID.random(),
            tokenType: "Bearer", accessToken: pair.access,
            accessExpiresAt: Timestamp(millisecondsSince1970: pair.accessExpires), refreshToken: pair.refresh,
            refreshExpiresAt: Timestamp(millisecondsSince1970: pair.refreshExpires))
    }
}
