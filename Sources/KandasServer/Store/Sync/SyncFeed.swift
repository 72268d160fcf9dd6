import KandasProtocol
import KandasStore

/// Writes to the `changes` feed that pull reads (Protocol §7.2).
///
/// Family-scoped rows reach every device whose user is assigned to the family; rows with a
/// `device_id` (`event_outcome`, `receipt`) reach that device only. The `seq` is assigned inside
/// the caller's write transaction, so a pull after `seq` N sees every later commit.
///
/// `entity_id`, `family_id` and `device_id` are 16-byte blobs on SQLite (migration 0045): every statement
/// binds them through `kid(?)` and reads them through `ktext(col)` (identity functions on PostgreSQL); a
/// bare `?` compared with them matches nothing. `entity` and `op` are integer codes (migration 0048,
/// ``FeedCodes``, ``FeedOp``); the wire keeps the names.
enum SyncFeed {
    /// The insert of ``record(_:entity:id:familyID:deviceID:op:)``.
    static let insertSQL =
        "INSERT INTO changes(entity, entity_id, family_id, op, device_id) VALUES(?,kid(?),kid(?),?,kid(?))"

    static func record(
        _ db: any DatabaseConnection, entity: ChangeEntity, id: String, familyID: String, deviceID: String? = nil,
        op: FeedOp = .upsert
    ) throws {
        // Deferred: nothing reads its answer, and a failed feed row fails the whole write anyway.
        try db.runDeferred(insertSQL, FeedCodes.code(entity), id, familyID, op.rawValue, deviceID)
    }

    /// The integer in column `n` of the first row.
    static func count(_ db: any DatabaseConnection, _ sql: String, _ values: any DatabaseBindable...) throws -> Int {
        Int(try db.queryOne(sql, values)?.int("n") ?? 0)
    }
}

extension SyncFeed {
    /// One feed row as pull reads it.
    struct Entry: Equatable {
        var seq: Int64
        var entity: ChangeEntity
        var entityID: String
        var isDelete: Bool
    }

    /// `entity <> 1`: not an `event_outcome` row; the WHERE of `changes_entity` (migration 0048), which a
    /// statement states in these words for SQLite to use the index.
    static let notOutcome = "entity <> \(FeedCodes.code(.eventOutcome))"

    /// The query of ``entries(_:after:userID:deviceID:limit:)``: family rows through `changes_family`
    /// (partial: `device_id IS NULL`, migration 0025), device rows through `changes_device`.
    ///
    /// An `event_outcome` row is always its device's latest of that event (the push retires the older
    /// one, migration 0035), so only the other rows look for a later row, through `changes_entity`,
    /// which leaves outcome rows out: ``notOutcome`` is its WHERE, stated so SQLite uses it.
    static func entriesSQL(_ dialect: any SQLDialect) -> String {
        "SELECT c.seq, c.entity, ktext(c.entity_id), c.op FROM changes c WHERE c.seq > ?1 AND c.seq <= ?2"
            + " AND ((c.device_id IS NULL AND c.family_id IN"
            + " (SELECT kid(family_id) FROM family_workers WHERE user_id = ?3)) OR c.device_id = kid(?4))"
            + " AND (c.entity = \(FeedCodes.code(.eventOutcome)) OR NOT EXISTS(SELECT 1 FROM changes l"
            + " WHERE l.entity_id = c.entity_id AND l.seq > c.seq AND l.entity = c.entity AND l.\(notOutcome)"
            + " AND \(dialect.isSame("l.device_id", "c.device_id"))))"
            + " ORDER BY c.seq LIMIT ?5"
    }

    /// The feed rows after `after` that a device sees, only the latest row of each object, in `seq` order.
    ///
    /// The one place pull reads `changes` (columns `seq`, `entity`, `entity_id`, `op`, `family_id`,
    /// `device_id`; indexes `changes_family`, `changes_device`, `changes_entity`) and `family_workers`
    /// (`user_id`, `family_id`).
    ///
    /// Keyset pagination in `seq` windows: SQLite answers the scope filter (the user's families OR
    /// this device) with two index range scans whose union it must sort, so without an upper bound a
    /// page read and sorted *every* later row of the scope to keep the first 1001 (0.2-0.4 s a page
    /// at 100,000 completions, most of a full pull). Each query here is bounded to a window of `seq`
    /// after the cursor; a window that holds too few rows is followed by one twice as wide, so a
    /// page costs about its own rows whether the scope is dense or sparse in the feed.
    /// - Parameter limit: at most this many rows (pull asks for one more than its page to learn `has_more`).
    static func entries(
        _ db: any DatabaseConnection, after: Int64, userID: String, deviceID: String, limit: Int
    ) throws -> [Entry] {
        let newest = try db.queryOne("SELECT max(seq) AS n FROM changes")?.optionalInt("n") ?? 0
        let statement = try db.prepare(entriesSQL(db.dialect))
        defer { statement.reset() }
        var entries: [Entry] = []
        entries.reserveCapacity(min(limit, 1024))
        var lower = after
        var window = Int64(max(4 * limit, 1024))
        while entries.count < limit && lower < newest {
            let upper = lower > newest - window ? newest : lower + window
            try statement.bind([
                .integer(lower), .integer(upper), .text(userID), .text(deviceID),
                .integer(Int64(limit - entries.count)),
            ])
            try statement.forEachRow { row in
                guard let seq = row.int(0), let code = row.int(1), let entityID = row.string(2), let op = row.int(3)
                else { throw ServerError(.internalError, "a change feed row is malformed") }
                entries.append(
                    Entry(
                        seq: seq, entity: try entity(code, seq: seq), entityID: entityID,
                        isDelete: try isDelete(op, seq: seq)))
            }
            lower = upper
            window = min(window * 2, Int64.max / 4)
        }
        return entries
    }

    /// The kind of feed row `seq`'s entity code.
    ///
    /// - Throws: ``ServerError`` `internal_error` for a code no kind of this build has (a row written by a
    ///   newer build or by hand): the page fails rather than skipping a change the device would never get.
    static func entity(_ code: Int64, seq: Int64) throws(ServerError) -> ChangeEntity {
        guard let entity = FeedCodes.entity(code) else {
            throw ServerError(.internalError, "change feed row \(seq) has entity code \(code), which no kind has")
        }
        return entity
    }

    /// Whether feed row `seq`'s op code says the object is gone.
    ///
    /// - Throws: ``ServerError`` `internal_error` for a code no ``FeedOp`` has.
    static func isDelete(_ code: Int64, seq: Int64) throws(ServerError) -> Bool {
        guard let op = FeedOp(rawValue: code) else {
            throw ServerError(.internalError, "change feed row \(seq) has op code \(code), which no op has")
        }
        return op == .delete
    }
}
