import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// Turns an `Authorization: Bearer` header into a ``Principal`` or a 401 with a precise code.
///
/// One indexed read per request (revocation is immediate). Last use is written only when it
/// moved on by more than a minute (session idle timeout, device `last_seen_at`), and a device
/// access token's first use once (the refresh grace window depends on it).
struct Authenticator {
    let database: any DatabaseEngine

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
        guard let session = try database.readSync({ db in try AuthStore.session(db, tokenHash: hash) }) else {
            throw ServerError(.unauthenticated, "unknown token")
        }
        if session.revoked { throw ServerError(.tokenRevoked, "the session was ended") }
        guard session.active else { throw ServerError(.accountDisabled, "the account is disabled") }
        let lastUsed = session.lastUsedAt
        if now >= session.expiresAt || now - lastUsed > Tokens.sessionIdle {
            throw ServerError(.tokenExpired, "the session expired; log in again")
        }
        if now - lastUsed > 60_000 {
            try database.writeSync { db in try AuthStore.touchSession(db, tokenHash: hash, now: now) }
        }
        return Principal(
            kind: .user, userID: session.userID, role: session.role, regionID: session.regionID,
            careerCentreID: session.careerCentreID, deviceID: nil, tokenHash: hash)
    }

    private func device(_ token: String, now: Int64) throws -> Principal {
        let hash = Tokens.hash(token)
        guard let t = try database.readSync({ db in try AuthStore.deviceToken(db, tokenHash: hash) }), t.isAccess
        else { throw ServerError(.unauthenticated, "unknown token") }
        let deviceID = t.deviceID
        if t.deviceRevoked { throw ServerError(.deviceRevoked, "the device was revoked") }
        if t.revoked { throw ServerError(.tokenRevoked, "the token was revoked") }
        guard t.active else { throw ServerError(.accountDisabled, "the account is disabled") }
        if now >= t.expiresAt { throw ServerError(.tokenExpired, "the access token expired; refresh") }
        let lastSeen = t.lastSeenAt
        if !t.firstUsed || lastSeen == nil || now - (lastSeen ?? 0) > 60_000 {
            try database.writeSync { db in try AuthStore.touchDevice(db, tokenHash: hash, deviceID: deviceID, now: now)
            }
        }
        return Principal(
            kind: .device, userID: t.userID, role: t.role, regionID: t.regionID, careerCentreID: t.careerCentreID,
            deviceID: deviceID, tokenHash: hash)
    }
}
