import Foundation
import KandasProtocol
import KandasStore

/// Reads and maps devices and enrollment codes.
enum DeviceStore {
    static let deviceColumns =
        "d.rowid AS _rowid, d.id, d.user_id, d.device_uuid, d.platform, d.app_version, d.device_name, d.status,"
        + " d.enrolled_at, d.revoked_at, d.revoke_reason, d.last_device_seq, d.client_status,"
        + " (SELECT last_seen_at FROM device_activity a WHERE a.device_id = d.id) AS last_seen_at"
    static let codeColumns =
        "e.rowid AS _rowid, e.id, e.user_id, e.created_by, e.created_at, e.expires_at, e.used_at, e.device_id,"
        + " e.revoked_at"

    static func device(_ row: DatabaseRow) throws -> Device {
        let status = row.optionalString("client_status").flatMap {
            try? JSONCoding.decode(ClientStatus.self, from: Data($0.utf8))
        }
        return Device(
            id: try wireID(row, "id"), userID: try wireID(row, "user_id"), deviceUUID: try wireID(row, "device_uuid"),
            platform: Platform(rawValue: try row.string("platform")) ?? .cli, appVersion: try row.string("app_version"),
            deviceName: row.optionalString("device_name"),
            status: DeviceStatus(rawValue: try row.string("status")) ?? .active,
            enrolledAt: Timestamp(millisecondsSince1970: try row.int("enrolled_at")),
            lastSeenAt: timestamp(row, "last_seen_at"), revokedAt: timestamp(row, "revoked_at"),
            revokeReason: row.optionalString("revoke_reason"), lastDeviceSeq: Int(try row.int("last_device_seq")),
            clientStatus: status)
    }

    static func code(_ row: DatabaseRow, now: Int64) throws -> EnrollmentCode {
        let status: EnrollmentCodeStatus
        if row.optionalInt("used_at") != nil {
            status = .used
        } else if row.optionalInt("revoked_at") != nil {
            status = .revoked
        } else if now >= (try row.int("expires_at")) {
            status = .expired
        } else {
            status = .active
        }
        return EnrollmentCode(
            id: try wireID(row, "id"), userID: try wireID(row, "user_id"), createdBy: try wireID(row, "created_by"),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            expiresAt: Timestamp(millisecondsSince1970: try row.int("expires_at")), status: status,
            usedAt: timestamp(row, "used_at"), deviceID: row.optionalString("device_id").flatMap { WireID($0) })
    }

    /// A device visible to `p` (through its user's centre and region), or `404 not_found`.
    static func device(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> Device {
        let scope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        guard
            let row = try db.queryOne(
                "SELECT \(deviceColumns) FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ? AND \(scope.sql)",
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such device") }
        return try device(row)
    }

    static func device(_ db: any DatabaseConnection, id: String) throws -> Device? {
        try db.queryOne("SELECT \(deviceColumns) FROM devices d WHERE d.id = ?", id).map(device)
    }
}
