import KandasProtocol
import KandasStore

/// Sessions, device tokens, device enrollment and password logins: what authentication reads and
/// writes. Lookups are by the SHA-256 of a presented secret (never the secret itself).
enum AuthStore {
    /// A session and its user, as the authenticator checks them.
    struct Session {
        var expiresAt: Int64
        var lastUsedAt: Int64
        var revoked: Bool
        var active: Bool
        var userID: String
        var role: UserRole
        var regionID: String?
        var careerCentreID: String?
    }

    /// The session of a token hash, or `nil` for an unknown token.
    static func session(_ db: any DatabaseConnection, tokenHash: String) throws -> Session? {
        guard
            let row = try db.queryOne(
                "SELECT s.expires_at, s.last_used_at, s.revoked_at, u.id, u.role, u.region_id,"
                    + " u.career_centre_id, u.active FROM sessions s JOIN users u ON u.id = s.user_id"
                    + " WHERE s.token_hash = ?", tokenHash)
        else { return nil }
        return Session(
            expiresAt: try row.int("expires_at"), lastUsedAt: try row.int("last_used_at"),
            revoked: row.optionalInt("revoked_at") != nil, active: try row.bool("active"),
            userID: try row.string("id"), role: UserRole(rawValue: try row.string("role")) ?? .auditor,
            regionID: row.optionalString("region_id"), careerCentreID: row.optionalString("career_centre_id"))
    }

    /// Records a session's last use.
    static func touchSession(_ db: any DatabaseConnection, tokenHash: String, now: Int64) throws {
        _ = try db.run("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?", now, tokenHash)
    }

    /// Opens a session for a user (the caller made the token) and records the login time.
    static func startSession(
        _ db: any DatabaseConnection, tokenHash: String, userID: String, now: Int64, expiresAt: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO sessions(token_hash, user_id, created_at, expires_at, last_used_at) VALUES(?,?,?,?,?)",
            tokenHash, userID, now, expiresAt, now)
        _ = try db.run("UPDATE users SET last_login_at = ? WHERE id = ?", now, userID)
    }

    /// Ends a session (`onlyIfOpen`: leaves an already revoked one's time alone).
    static func endSession(_ db: any DatabaseConnection, tokenHash: String, now: Int64, onlyIfOpen: Bool) throws {
        _ = try db.run(
            onlyIfOpen
                ? "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL"
                : "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", now, tokenHash)
    }

    /// A login account by (lowercased) username: ID, stored password hash, active.
    static func account(
        _ db: any DatabaseConnection, username: String
    ) throws -> (id: String?, passwordHash: String?, active: Bool)? {
        guard let row = try db.queryOne("SELECT id, password_hash, active FROM users WHERE username = ?", username)
        else { return nil }
        return (row.optionalString("id"), row.optionalString("password_hash"), try row.bool("active"))
    }

    /// A device access token and its device and user, as the authenticator checks them.
    struct DeviceToken {
        var isAccess: Bool
        var expiresAt: Int64
        var revoked: Bool
        var firstUsed: Bool
        var deviceID: String
        var deviceRevoked: Bool
        var lastSeenAt: Int64?
        var active: Bool
        var userID: String
        var role: UserRole
        var regionID: String?
        var careerCentreID: String?
        /// The pull's own state, read by the same statement when asked (``deviceToken(_:tokenHash:withPullState:)``).
        var pullState: PullCursor.DeviceState? = nil
    }

    /// The device token of a hash, or `nil` for an unknown token.
    ///
    /// With `withPullState` the same statement also reads what a pull reads before its page
    /// (``PullCursor/DeviceState``): a poll costs one statement fewer (issue 15).
    static func deviceToken(
        _ db: any DatabaseConnection, tokenHash: String, withPullState: Bool = false
    ) throws -> DeviceToken? {
        guard
            let row = try db.queryOne(
                withPullState ? deviceTokenWithPullStateSQL : deviceTokenSQL, tokenHash)
        else { return nil }
        let isAccess = try row.string("kind") == "access"
        guard isAccess else { return DeviceToken.refresh }
        var pullState: PullCursor.DeviceState?
        if withPullState {
            pullState = PullCursor.DeviceState(
                epoch: row.optionalString("epoch") ?? "", cursorKey: row.optionalString("cursor_key") ?? "",
                lastDeviceSeq: row.optionalInt("last_device_seq") ?? 0, deviceHead: row.optionalInt("device_head") ?? 0)
        }
        return DeviceToken(
            isAccess: true, expiresAt: try row.int("expires_at"), revoked: row.optionalInt("revoked_at") != nil,
            firstUsed: row.optionalInt("first_used_at") != nil, deviceID: try row.string("device_id"),
            deviceRevoked: try row.string("status") == "revoked", lastSeenAt: row.optionalInt("last_seen_at"),
            active: try row.bool("active"), userID: try row.string("id"),
            role: UserRole(rawValue: try row.string("role")) ?? .fieldWorker, regionID: row.optionalString("region_id"),
            careerCentreID: row.optionalString("career_centre_id"), pullState: pullState)
    }

    private static let deviceTokenColumns =
        "SELECT t.kind, t.expires_at, t.revoked_at, t.first_used_at, d.id AS device_id, d.status,"
        + " a.last_seen_at, u.id, u.role, u.region_id, u.career_centre_id, u.active"
    private static let deviceTokenFrom =
        " FROM device_tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.id = d.user_id"
        + " LEFT JOIN device_activity a ON a.device_id = d.id WHERE t.token_hash = ?"
    private static let deviceTokenSQL = deviceTokenColumns + deviceTokenFrom
    /// ``PullCursor/PageState/load(_:userID:deviceID:)``'s first statement, folded into the token's.
    static let deviceTokenWithPullStateSQL =
        deviceTokenColumns
        + ", (SELECT value FROM sync_meta WHERE key = 'epoch') AS epoch,"
        + " (SELECT value FROM sync_meta WHERE key = 'cursor_key') AS cursor_key, d.last_device_seq,"
        + " (SELECT max(c.seq) FROM changes c WHERE c.device_id = kid(d.id)) AS device_head" + deviceTokenFrom

    /// Records a device token's first use and the device's last contact.
    static func touchDevice(_ db: any DatabaseConnection, tokenHash: String, deviceID: String, now: Int64) throws {
        _ = try db.run(
            "UPDATE device_tokens SET first_used_at = ? WHERE token_hash = ? AND first_used_at IS NULL", now, tokenHash)
        _ = try db.run(
            "INSERT INTO device_activity(device_id, last_seen_at) VALUES(?, ?)"
                + " ON CONFLICT(device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at", deviceID, now)
        try DeviceDayStore.contact(db, deviceID: deviceID, now: now)
    }

    /// An enrollment code by the hash of its text.
    struct Code {
        var id: String
        var userID: String
        var expiresAt: Int64
        var usedOrRevoked: Bool
    }

    static func enrollmentCode(_ db: any DatabaseConnection, codeHash: String) throws -> Code? {
        guard
            let row = try db.queryOne(
                "SELECT id, user_id, expires_at, used_at, revoked_at FROM enrollment_codes WHERE code_hash = ?",
                codeHash)
        else { return nil }
        return Code(
            id: try row.string("id"), userID: try row.string("user_id"), expiresAt: try row.int("expires_at"),
            usedOrRevoked: row.optionalInt("used_at") != nil || row.optionalInt("revoked_at") != nil)
    }

    /// Enrolls a device with a code: the device row (with `bin_id`, the ID its events reference, migration
    /// 0049), and the code marked used by it.
    static func enroll(
        _ db: any DatabaseConnection, code: Code, request body: EnrollRequest, now: Int64
    ) throws -> String {
        let deviceID = WireID.random().description
        _ = try db.run(
            "INSERT INTO devices(id, bin_id, user_id, device_uuid, platform, app_version, device_name, status,"
                + " enrolled_at) VALUES(?,kid(?),?,?,?,?,?,'active',?)", deviceID, deviceID, code.userID,
            body.deviceUUID.description, body.platform.rawValue, body.appVersion, body.deviceName, now)
        _ = try db.run("UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE id = ?", now, deviceID, code.id)
        return deviceID
    }

    /// Stores one device token by its hash.
    static func insertDeviceToken(
        _ db: any DatabaseConnection, tokenHash: String, kind: String, deviceID: String, now: Int64, expiresAt: Int64,
        absoluteExpiry: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO device_tokens(token_hash, kind, device_id, created_at, expires_at, absolute_expires_at)"
                + " VALUES(?,?,?,?,?,?)", tokenHash, kind, deviceID, now, expiresAt, absoluteExpiry)
    }

    /// A refresh token with its device (`SELECT t.*, d.status, d.user_id`).
    static func refreshToken(_ db: any DatabaseConnection, tokenHash: String) throws -> DatabaseRow? {
        try db.queryOne(
            "SELECT t.*, d.status, d.user_id FROM device_tokens t JOIN devices d ON d.id = t.device_id"
                + " WHERE t.token_hash = ? AND t.kind = 'refresh'", tokenHash)
    }

    /// Whether neither successor token has been used, replaced or revoked.
    static func successorsUnused(_ db: any DatabaseConnection, refreshHash: String, accessHash: String) throws -> Bool {
        try db.queryOne(
            "SELECT 1 FROM device_tokens WHERE token_hash IN (?, ?) AND (replaced_at IS NOT NULL"
                + " OR first_used_at IS NOT NULL OR revoked_at IS NOT NULL)", refreshHash, accessHash) == nil
    }

    /// The expiry times of a successor pair, when both exist.
    static func successorExpiries(
        _ db: any DatabaseConnection, refreshHash: String, accessHash: String
    ) throws -> (refresh: Int64, access: Int64)? {
        guard
            let s = try db.queryOne(
                "SELECT r.expires_at AS rexp, a.expires_at AS aexp FROM device_tokens r, device_tokens a"
                    + " WHERE r.token_hash = ? AND a.token_hash = ?", refreshHash, accessHash)
        else { return nil }
        return (try s.int("rexp"), try s.int("aexp"))
    }

    /// Revokes every open token of a device.
    static func revokeDeviceTokens(_ db: any DatabaseConnection, deviceID: String, now: Int64) throws {
        _ = try db.run(
            "UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", now, deviceID)
    }

    /// Marks a refresh token replaced by a successor pair (kept sealed for a lost response's retry).
    static func markReplaced(
        _ db: any DatabaseConnection, tokenHash: String, successorRefreshHash: String, successorAccessHash: String,
        sealed: [UInt8], now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE device_tokens SET replaced_at = ?, successor_refresh_hash = ?, successor_access_hash = ?,"
                + " successor_sealed = ? WHERE token_hash = ?", now, successorRefreshHash, successorAccessHash, sealed,
            tokenHash)
    }
}

extension AuthStore.DeviceToken {
    /// A refresh token presented as an access token: only `isAccess` is meaningful.
    static let refresh = AuthStore.DeviceToken(
        isAccess: false, expiresAt: 0, revoked: false, firstUsed: false, deviceID: "", deviceRevoked: false,
        lastSeenAt: nil, active: false, userID: "", role: .fieldWorker, regionID: nil, careerCentreID: nil)
}
