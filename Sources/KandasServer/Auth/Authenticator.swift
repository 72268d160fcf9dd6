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

    /// A principal read inside a caller's read transaction, and the last-use write it still owes
    /// (nil when none is due): the caller runs ``touch(_:)`` after its transaction has ended.
    struct Checked {
        var principal: Principal
        fileprivate var owed: Owed?
        /// The pull's device state, read with the token when ``check(_:now:in:withPullState:)`` was asked for it.
        var pullState: PullCursor.DeviceState?
        /// Whether ``touch(_:)`` has a last-use write to make.
        var owesWrite: Bool { owed != nil }
        /// A device token's times, for ``passes(at:)``.
        fileprivate var deviceTimes: DeviceTimes?

        fileprivate struct DeviceTimes {
            var expiresAt: Int64
            var firstUsed: Bool
            var lastSeen: Int64?
        }

        /// Whether the same check of a device token, on the same store content, at `now`, passes
        /// and owes no last-use write: the token has not expired and no write fell due. Only the
        /// clock moves between two checks of an unchanged store; false for user sessions.
        func passesWithoutWrite(at now: Int64) -> Bool {
            guard let t = deviceTimes else { return false }
            return now < t.expiresAt
                && !Authenticator.deviceWriteDue(firstUsed: t.firstUsed, lastSeen: t.lastSeen, now: now)
        }

        fileprivate enum Owed {
            case session(hash: String, now: Int64)
            case device(hash: String, deviceID: String, now: Int64)
        }

        /// Writes the last use the check found due (its own write transaction); nothing when none is.
        func touch(_ database: any DatabaseEngine) throws {
            switch owed {
            case nil: return
            case .session(let hash, let now):
                try database.writeSync { db in try AuthStore.touchSession(db, tokenHash: hash, now: now) }
            case .device(let hash, let deviceID, let now):
                try database.writeSync { db in
                    try AuthStore.touchDevice(db, tokenHash: hash, deviceID: deviceID, now: now)
                }
            }
        }
    }

    func authenticate(_ request: HTTPRequest, now: Int64) throws -> Principal {
        let checked = try database.readSync { db in try check(request, now: now, in: db) }
        try checked.touch(database)
        return checked.principal
    }

    /// Authenticates on a connection the caller holds (one read transaction for the check and the
    /// caller's own reads); the owed last-use write is left to the caller (``Checked/touch(_:)``,
    /// after its transaction: a write cannot start inside a read of the same engine).
    ///
    /// `withPullState`: a device token's statement also reads the pull's device state (``Checked/pullState``).
    func check(
        _ request: HTTPRequest, now: Int64, in db: any DatabaseConnection, withPullState: Bool = false
    ) throws -> Checked {
        let (token, isSession) = try Self.presentedToken(request)
        var checked =
            try isSession
            ? session(token, now: now, db) : device(token, now: now, db, withPullState: withPullState)
        checked.principal.secret = Array(token.utf8)
        return checked
    }

    /// The bearer token the request presents and whether it is a user session (else a device access
    /// token), checked without the store: a request without one is refused before it takes a
    /// handler thread or a database connection.
    /// - Throws: ``ServerError`` 401 `unauthenticated`.
    static func presentedToken(_ request: HTTPRequest) throws -> (token: String, isSession: Bool) {
        guard var header = request.headers["Authorization"] else {
            throw ServerError(.unauthenticated, ServerError.noTokenDetail)
        }
        // The usual field, `Bearer <token>` in ASCII, read from its bytes: splitting the String
        // walks grapheme clusters, and this runs twice per request (head hook and check), issue 15.
        let fast = header.withUTF8 { utf8 -> (token: String, isSession: Bool)? in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard bytes.count > 7, !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var start = 0
            while start < bytes.count && bytes[start] == 0x20 { start += 1 }
            var end = bytes.count
            while end > start && bytes[end - 1] == 0x20 { end -= 1 }
            guard end - start > 7, bytes[start + 6] == 0x20 else { return nil }
            for (i, c) in "bearer".utf8.enumerated() where bytes[start + i] | 0x20 != c { return nil }
            var tokenStart = start + 7
            while tokenStart < end && bytes[tokenStart] == 0x20 { tokenStart += 1 }
            let token = UnsafeRawBufferPointer(rebasing: bytes[tokenStart..<end])
            guard !token.contains(0x20) else { return nil }
            switch Tokens.kind(of: token) {
            case .userSession: return (String(decoding: token, as: UTF8.self), true)
            case .deviceAccess: return (String(decoding: token, as: UTF8.self), false)
            default: return nil
            }
        }
        if let fast { return fast }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ServerError(.unauthenticated, "malformed Authorization header")
        }
        let token = String(parts[1])
        if Tokens.raw(token, kind: .userSession) != nil { return (token, true) }
        if Tokens.raw(token, kind: .deviceAccess) != nil { return (token, false) }
        throw ServerError(.unauthenticated, "not an access token")
    }

    private func session(_ token: String, now: Int64, _ db: any DatabaseConnection) throws -> Checked {
        let hash = Tokens.hash(token)
        guard let session = try AuthStore.session(db, tokenHash: hash) else {
            throw ServerError(.unauthenticated, "unknown token")
        }
        if session.revoked { throw ServerError(.tokenRevoked, "the session was ended") }
        guard session.active else { throw ServerError(.accountDisabled, "the account is disabled") }
        let lastUsed = session.lastUsedAt
        if now >= session.expiresAt || now - lastUsed > Tokens.sessionIdle {
            throw ServerError(.tokenExpired, "the session expired; log in again")
        }
        return Checked(
            principal: Principal(
                kind: .user, userID: session.userID, role: session.role, regionID: session.regionID,
                careerCentreID: session.careerCentreID, deviceID: nil, tokenHash: hash),
            owed: now - lastUsed > 60_000 ? .session(hash: hash, now: now) : nil)
    }

    private func device(
        _ token: String, now: Int64, _ db: any DatabaseConnection, withPullState: Bool
    ) throws -> Checked {
        let hash = Tokens.hash(token)
        guard let t = try AuthStore.deviceToken(db, tokenHash: hash, withPullState: withPullState), t.isAccess else {
            throw ServerError(.unauthenticated, "unknown token")
        }
        let deviceID = t.deviceID
        if t.deviceRevoked { throw ServerError(.deviceRevoked, "the device was revoked") }
        if t.revoked { throw ServerError(.tokenRevoked, "the token was revoked") }
        guard t.active else { throw ServerError(.accountDisabled, "the account is disabled") }
        if now >= t.expiresAt { throw ServerError(.tokenExpired, "the access token expired; refresh") }
        let due = Self.deviceWriteDue(firstUsed: t.firstUsed, lastSeen: t.lastSeenAt, now: now)
        return Checked(
            principal: Principal(
                kind: .device, userID: t.userID, role: t.role, regionID: t.regionID,
                careerCentreID: t.careerCentreID, deviceID: deviceID, tokenHash: hash),
            owed: due ? .device(hash: hash, deviceID: deviceID, now: now) : nil, pullState: t.pullState,
            deviceTimes: .init(expiresAt: t.expiresAt, firstUsed: t.firstUsed, lastSeen: t.lastSeenAt))
    }

    /// Whether a device token's use at `now` owes the last-use write. The device's day
    /// (`device_days`, migration 0024) is written with its last contact: at most once a minute per
    /// device, and on the first request of each day (Almaty time); a token's first use once.
    static func deviceWriteDue(firstUsed: Bool, lastSeen: Int64?, now: Int64) -> Bool {
        !firstUsed || lastSeen == nil || now - (lastSeen ?? 0) > 60_000
            || DeviceDayStore.day(lastSeen ?? 0) != DeviceDayStore.day(now)
    }
}
