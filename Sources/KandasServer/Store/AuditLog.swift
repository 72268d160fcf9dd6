import Crypto
import Foundation
import KandasProtocol
import KandasStore

/// The append-only audit log: one hash-chained row per administrative action (Protocol §4.12).
///
/// Rows are written inside the transaction of the action they record, so an action and its
/// entry commit together. SQLite triggers refuse `UPDATE` and `DELETE` on the table, and no
/// endpoint writes it. `hash` = SHA-256 hex of `prev_hash` + `\n` + the canonical JSON (sorted
/// keys) of the entry without `hash`; the first entry's `prev_hash` is 64 zeros.
enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)

    static func append(
        _ db: any DatabaseConnection, at: Int64, actor: Principal?, action: String, entityType: String,
        entityID: String?,
        remoteAddr: String, requestID: String, summary: String?
    ) throws {
        let last = try db.queryOne("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let seq = (last?.optionalInt("seq") ?? 0) + 1
        let prev = last?.optionalString("hash") ?? genesis
        var entry = AuditEntry(
            id: WireID.random(), seq: Int(seq), at: Timestamp(millisecondsSince1970: at),
            actorType: actor == nil ? .system : (actor?.kind == .device ? .device : .user),
            actorID: actor.flatMap { WireID($0.deviceID ?? $0.userID) }, actorRole: actor?.role, action: action,
            entityType: entityType, entityID: entityID.flatMap { WireID($0) }, remoteAddr: remoteAddr,
            requestID: requestID, summary: summary, previousHash: prev, hash: "")
        entry.hash = try chainHash(entry)
        _ = try db.run(
            "INSERT INTO audit_log(seq, id, at, actor_type, actor_id, actor_role, action, entity_type, entity_id,"
                + " remote_addr, request_id, summary, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            seq, entry.id.description, at, entry.actorType.rawValue, entry.actorID?.description,
            entry.actorRole?.rawValue, action, entityType, entry.entityID?.description, remoteAddr, requestID, summary,
            prev, entry.hash)
    }

    /// The chain hash of `entry` (its own `hash` field is ignored).
    static func chainHash(_ entry: AuditEntry) throws -> String {
        var value = try JSONCoding.decode(JSONValue.self, from: JSONCoding.encode(entry))
        if case .object(var fields) = value {
            fields["hash"] = nil
            value = .object(fields)
        }
        let canonical = try JSONCoding.encode(value)
        return SHA256.hash(Array((entry.previousHash + "\n").utf8) + [UInt8](canonical)).hex
    }

    static func entry(_ row: DatabaseRow) throws -> AuditEntry {
        AuditEntry(
            id: try wireID(row, "id"), seq: Int(try row.int("seq")),
            at: Timestamp(millisecondsSince1970: try row.int("at")),
            actorType: ActorType(rawValue: try row.string("actor_type")) ?? .system,
            actorID: row.optionalString("actor_id").flatMap { WireID($0) },
            actorRole: row.optionalString("actor_role").flatMap { UserRole(rawValue: $0) },
            action: try row.string("action"), entityType: try row.string("entity_type"),
            entityID: row.optionalString("entity_id").flatMap { WireID($0) },
            remoteAddr: try row.string("remote_addr"), requestID: try row.string("request_id"),
            summary: row.optionalString("summary"), previousHash: try row.string("prev_hash"),
            hash: try row.string("hash"))
    }
}

/// Reads a stored UUID column; a malformed one is a store bug, reported as a 500.
func wireID(_ row: DatabaseRow, _ column: String) throws -> WireID {
    guard let id = WireID(try row.string(column)) else {
        throw ServerError(.internalError, "stored identifier in \(column) is malformed")
    }
    return id
}

func timestamp(_ row: DatabaseRow, _ column: String) -> Timestamp? {
    row.optionalInt(column).map { Timestamp(millisecondsSince1970: $0) }
}

func calendarDate(_ row: DatabaseRow, _ column: String) throws -> CalendarDate {
    guard let date = CalendarDate(try row.string(column)) else {
        throw ServerError(.internalError, "stored date in \(column) is malformed")
    }
    return date
}

extension AuditLog {
    /// The filters of the audit list (validated by the handler).
    struct ListFilter {
        var actorID: String?
        var entityID: String?
        var action: String?
        var entityType: String?
        var from: Int64?
        var to: Int64?
    }

    /// The audit log in `seq` order: national roles see every entry; a supervisor, region admin or
    /// regional auditor the entries whose actor (a user, or a device of a user) is in its scope.
    static func entries(
        _ db: any DatabaseConnection, _ filter: ListFilter, for scope: AccessScope, paging: Pagination
    ) throws -> Page<AuditEntry> {
        var list = ListQuery(
            select: "SELECT a.seq AS _rowid, a.* FROM audit_log a", key: "a.seq", scope: scope.auditActors(alias: "a"))
        list.equal("a.actor_id", filter.actorID)
        list.equal("a.entity_id", filter.entityID)
        list.equal("a.action", filter.action)
        list.equal("a.entity_type", filter.entityType)
        if let from = filter.from { list.filter("a.at >= ?", .integer(from)) }
        if let to = filter.to { list.filter("a.at < ?", .integer(to)) }
        return try paging.page(db, list, map: entry)
    }
}
