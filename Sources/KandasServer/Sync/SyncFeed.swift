import SQLiteKit

/// Writes to the `changes` feed that pull reads (Protocol §7.2).
///
/// Family-scoped rows reach every device whose user is assigned to the family; rows with a
/// `device_id` (`event_outcome`, `receipt`) reach that device only. The `seq` is assigned inside
/// the caller's write transaction, so a pull after `seq` N sees every later commit.
enum SyncFeed {
    static func record(
        _ db: Connection, entity: String, id: String, familyID: String, deviceID: String? = nil, op: String = "upsert",
        now: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at, device_id) VALUES(?,?,?,?,?,?)", entity, id,
            familyID, op, now, deviceID)
    }

    /// The integer in column `n` of the first row.
    static func count(_ db: Connection, _ sql: String, _ values: any SQLBindable...) throws -> Int {
        Int(try db.queryOne(sql, values)?.int("n") ?? 0)
    }
}
