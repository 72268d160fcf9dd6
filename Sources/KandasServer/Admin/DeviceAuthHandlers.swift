import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

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
            guard
                let row = try db.queryOne(
                    "SELECT id, user_id, expires_at, used_at, revoked_at FROM enrollment_codes WHERE code_hash = ?",
                    codeHash)
            else { throw ServerError(.enrollmentCodeInvalid, "unknown enrollment code") }
            if row.optionalInt("used_at") != nil || row.optionalInt("revoked_at") != nil {
                throw ServerError(.enrollmentCodeUsed, "the enrollment code was already used or revoked")
            }
            if ctx.now >= (try row.int("expires_at")) {
                throw ServerError(.enrollmentCodeExpired, "the enrollment code expired")
            }
            let userID = try row.string("user_id")
            guard let user = try OrganisationStore.user(db, id: userID), user.active else {
                throw ServerError(.accountDisabled, "the worker's account is disabled")
            }
            let deviceID = WireID.random().description
            _ = try db.run(
                "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, device_name, status, enrolled_at)"
                    + " VALUES(?,?,?,?,?,?,'active',?)", deviceID, userID, body.deviceUUID.description,
                body.platform.rawValue, body.appVersion, body.deviceName, ctx.now)
            _ = try db.run(
                "UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE id = ?", ctx.now, deviceID,
                try row.string("id"))
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
            guard
                let row = try db.queryOne(
                    "SELECT t.*, d.status, d.user_id FROM device_tokens t JOIN devices d ON d.id = t.device_id"
                        + " WHERE t.token_hash = ? AND t.kind = 'refresh'", hash)
            else { throw ServerError(.unauthenticated, "unknown refresh token") }
            let deviceID = try row.string("device_id")
            let userID = try row.string("user_id")
            if try row.string("status") == "revoked" { throw ServerError(.deviceRevoked, "the device was revoked") }
            if row.optionalInt("revoked_at") != nil { throw ServerError(.tokenRevoked, "the token was revoked") }
            if let replacedAt = row.optionalInt("replaced_at") {
                let successor = row.optionalString("successor_refresh_hash") ?? ""
                let access = row.optionalString("successor_access_hash") ?? ""
                let unused =
                    try db.queryOne(
                        "SELECT 1 FROM device_tokens WHERE token_hash IN (?, ?) AND (replaced_at IS NOT NULL"
                            + " OR first_used_at IS NOT NULL OR revoked_at IS NOT NULL)", successor, access) == nil
                if ctx.now - replacedAt <= Tokens.refreshGrace, unused, let sealed = row.blob("successor_sealed"),
                    sealed.count == 64,
                    let s = try db.queryOne(
                        "SELECT r.expires_at AS rexp, a.expires_at AS aexp FROM device_tokens r, device_tokens a"
                            + " WHERE r.token_hash = ? AND a.token_hash = ?", successor, access)
                {
                    // A lost response: hand back the same successor pair (FAPI's retry rule).
                    let open = Tokens.seal(sealed, key: oldRaw)
                    let pair = Pair(
                        access: Tokens.text(.deviceAccess, raw: Array(open[0..<32])), accessExpires: try s.int("aexp"),
                        refresh: Tokens.text(.deviceRefresh, raw: Array(open[32..<64])),
                        refreshExpires: try s.int("rexp"), refreshRaw: Array(open[32..<64]))
                    return try APIReply.json(response(pair, deviceID: deviceID, userID: userID))
                }
                // Reuse outside the window, or after the successor was used: the family is compromised.
                _ = try db.run(
                    "UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", ctx.now,
                    deviceID)
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
            _ = try db.run(
                "UPDATE device_tokens SET replaced_at = ?, successor_refresh_hash = ?, successor_access_hash = ?,"
                    + " successor_sealed = ? WHERE token_hash = ?", ctx.now, Tokens.hash(pair.refresh),
                Tokens.hash(pair.access), sealed, hash)
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
    static func issue(_ db: Connection, deviceID: String, now: Int64, absoluteExpiry: Int64) throws -> Pair {
        let access = Tokens.make(.deviceAccess)
        let refresh = Tokens.make(.deviceRefresh)
        let accessExpires = min(now + Tokens.accessTTL, absoluteExpiry)
        let refreshExpires = min(now + Tokens.refreshTTL, absoluteExpiry)
        for (text, kind, expires) in [
            (access.text, "access", accessExpires), (refresh.text, "refresh", refreshExpires),
        ] {
            _ = try db.run(
                "INSERT INTO device_tokens(token_hash, kind, device_id, created_at, expires_at, absolute_expires_at)"
                    + " VALUES(?,?,?,?,?,?)", Tokens.hash(text), kind, deviceID, now, expires, absoluteExpiry)
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
