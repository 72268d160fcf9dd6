import KandasProtocol
import KandasStore

/// Devices and enrollment codes: the admin API's and the console's lists and writes.
extension DeviceStore {
    /// The devices list (through their worker's centre and region), with the handler's filters.
    static func devices(
        _ db: any DatabaseConnection, userID: String?, careerCentreID: String?, status: DeviceStatus?,
        for scope: AccessScope, paging: Pagination
    ) throws -> Page<Device> {
        var list = ListQuery(
            select: "SELECT \(deviceColumns) FROM devices d JOIN users u ON u.id = d.user_id", key: "d.rowid",
            scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        list.equal("d.user_id", userID)
        list.equal("u.career_centre_id", careerCentreID)
        list.equal("d.status", status?.rawValue)
        return try paging.page(db, list, map: device)
    }

    /// The console's devices (with their worker's username), revoked last, most recently seen first.
    static func consoleDevices(
        _ db: any DatabaseConnection, for scope: AccessScope
    ) throws -> [(device: Device, username: String)] {
        let list = ListQuery(
            select: "SELECT \(deviceColumns), u.username FROM devices d JOIN users u ON u.id = d.user_id",
            key: "d.rowid", scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        return try list.rows(db, orderedBy: "d.status, last_seen_at DESC", limit: 500).map {
            (try device($0), try $0.string("username"))
        }
    }

    /// Active field workers in scope (ID and username), for issuing codes.
    static func activeWorkers(
        _ db: any DatabaseConnection, for scope: AccessScope
    ) throws -> [(id: String, username: String)] {
        var list = ListQuery(
            select: "SELECT u.id, u.username FROM users u", key: "u.rowid",
            scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        list.filter("u.role = 'field_worker' AND u.active = 1")
        return try list.rows(db, orderedBy: "u.username", limit: nil).map {
            (try $0.string("id"), try $0.string("username"))
        }
    }

    /// Revokes a device in scope and every token it holds, at once (Protocol §2.4).
    ///
    /// - Throws: `404 not_found` outside the scope, `409 conflict` when already revoked.
    static func revoke(
        _ db: any DatabaseConnection, id: String, reason: String, for p: Principal, now: Int64
    ) throws {
        let found = try device(db, id: id, for: p)
        guard found.status == .active else { throw ServerError(.conflict, "the device is already revoked") }
        _ = try db.run(
            "UPDATE devices SET status = 'revoked', revoked_at = ?, revoke_reason = ? WHERE id = ?", now, reason, id)
        _ = try db.run("UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL", now, id)
    }

    /// The enrollment-codes list, with the handler's filters (`status` as of `now`).
    static func codes(
        _ db: any DatabaseConnection, userID: String?, status: EnrollmentCodeStatus?, now: Int64,
        for scope: AccessScope, paging: Pagination
    ) throws -> Page<EnrollmentCode> {
        var list = ListQuery(
            select: "SELECT \(codeColumns) FROM enrollment_codes e JOIN users u ON u.id = e.user_id", key: "e.rowid",
            scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        list.equal("e.user_id", userID)
        switch status {
        case .used: list.filter("e.used_at IS NOT NULL")
        case .revoked: list.filter("e.used_at IS NULL AND e.revoked_at IS NOT NULL")
        case .expired: list.filter("e.used_at IS NULL AND e.revoked_at IS NULL AND e.expires_at <= ?", .integer(now))
        case .active: list.filter("e.used_at IS NULL AND e.revoked_at IS NULL AND e.expires_at > ?", .integer(now))
        case nil: break
        }
        return try paging.page(db, list) { try code($0, now: now) }
    }

    /// An enrollment code in scope, or `404 not_found`.
    static func code(
        _ db: any DatabaseConnection, id: String, for scope: AccessScope, now: Int64
    ) throws
        -> EnrollmentCode
    {
        let s = scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        guard
            let row = try db.queryOne(
                "SELECT \(codeColumns) FROM enrollment_codes e JOIN users u ON u.id = e.user_id"
                    + " WHERE e.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such enrollment code") }
        return try code(row, now: now)
    }

    /// Marks a code revoked.
    static func revokeCode(_ db: any DatabaseConnection, id: String, now: Int64) throws {
        _ = try db.run("UPDATE enrollment_codes SET revoked_at = ? WHERE id = ?", now, id)
    }

    /// Stores a new code (its SHA-256 only); returns its ID.
    static func insertCode(
        _ db: any DatabaseConnection, codeHash: String, userID: String, createdBy: String, now: Int64, expires: Int64
    ) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO enrollment_codes(id, code_hash, user_id, created_by, created_at, expires_at)"
                + " VALUES(?,?,?,?,?,?)", id, codeHash, userID, createdBy, now, expires)
        return id
    }
}
