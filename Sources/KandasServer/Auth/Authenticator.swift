import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

/// Turns an `Authorization: Bearer` header into a ``Principal`` or a 401 with a precise code.
///
/// One indexed read per request (revocation is immediate). Last use is written only when it
/// moved on by more than a minute (session idle timeout, device `last_seen_at`), and a device
/// access token's first use once (the refresh grace window depends on it).
struct Authenticator {
    let pool: DatabasePool

    func authenticate(_ request: HTTPRequest, now: Int64) throws -> Principal {
        guard let header = request.headers["Authorization"] else {
            throw ServerError(.unauthenticated, ServerError.noTokenDetail)
        }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ServerError(.unauthenticated, "malformed Authorization header")
        }
        let token = String(parts[1])
        var principal: Principal
        if Tokens.raw(token, kind: .userSession) != nil {
            principal = try session(token, now: now)
        } else if Tokens.raw(token, kind: .deviceAccess) != nil {
            principal = try device(token, now: now)
        } else {
            throw ServerError(.unauthenticated, "not an access token")
        }
        principal.secret = Array(token.utf8)
        return principal
    }

    private func session(_ token: String, now: Int64) throws -> Principal {
        let hash = Tokens.hash(token)
        guard
            let row = try pool.readSync({ db in
                try db.queryOne(
                    "SELECT s.expires_at, s.last_used_at, s.revoked_at, u.id, u.role, u.region_id,"
                        + " u.career_centre_id, u.active FROM sessions s JOIN users u ON u.id = s.user_id"
                        + " WHERE s.token_hash = ?", hash)
            })
        else { throw ServerError(.unauthenticated, "unknown token") }
        if row.optionalInt("revoked_at") != nil { throw ServerError(.tokenRevoked, "the session was ended") }
        guard try row.bool("active") else { throw ServerError(.accountDisabled, "the account is disabled") }
        let lastUsed = try row.int("last_used_at")
        if now >= (try row.int("expires_at")) || now - lastUsed > Tokens.sessionIdle {
            throw ServerError(.tokenExpired, "the session expired; log in again")
        }
        if now - lastUsed > 60_000 {
            try pool.writeSync { db in
                _ = try db.run("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?", now, hash)
            }
        }
        return Principal(
            kind: .user, userID: try row.string("id"), role: UserRole(rawValue: try row.string("role")) ?? .auditor,
            regionID: row.optionalString("region_id"), careerCentreID: row.optionalString("career_centre_id"),
            deviceID: nil, tokenHash: hash)
    }

    private func device(_ token: String, now: Int64) throws -> Principal {
        let hash = Tokens.hash(token)
        guard
            let row = try pool.readSync({ db in
                try db.queryOne(
                    "SELECT t.kind, t.expires_at, t.revoked_at, t.first_used_at, d.id AS device_id, d.status,"
                        + " a.last_seen_at, u.id, u.role, u.region_id, u.career_centre_id, u.active"
                        + " FROM device_tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.id = d.user_id"
                        + " LEFT JOIN device_activity a ON a.device_id = d.id WHERE t.token_hash = ?", hash)
            }), try row.string("kind") == "access"
        else { throw ServerError(.unauthenticated, "unknown token") }
        let deviceID = try row.string("device_id")
        if try row.string("status") == "revoked" { throw ServerError(.deviceRevoked, "the device was revoked") }
        if row.optionalInt("revoked_at") != nil { throw ServerError(.tokenRevoked, "the token was revoked") }
        guard try row.bool("active") else { throw ServerError(.accountDisabled, "the account is disabled") }
        if now >= (try row.int("expires_at")) { throw ServerError(.tokenExpired, "the access token expired; refresh") }
        let lastSeen = row.optionalInt("last_seen_at")
        if row.optionalInt("first_used_at") == nil || lastSeen == nil || now - (lastSeen ?? 0) > 60_000 {
            try pool.writeSync { db in
                _ = try db.run(
                    "UPDATE device_tokens SET first_used_at = ? WHERE token_hash = ? AND first_used_at IS NULL", now,
                    hash)
                _ = try db.run(
                    "INSERT INTO device_activity(device_id, last_seen_at) VALUES(?, ?)"
                        + " ON CONFLICT(device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at", deviceID, now)
            }
        }
        return Principal(
            kind: .device, userID: try row.string("id"),
            role: UserRole(rawValue: try row.string("role")) ?? .fieldWorker, regionID: row.optionalString("region_id"),
            careerCentreID: row.optionalString("career_centre_id"), deviceID: deviceID, tokenHash: hash)
    }
}
