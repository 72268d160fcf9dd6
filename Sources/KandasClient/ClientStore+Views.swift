import KandasProtocol
import SQLiteKit

/// Reads for the view: the mirror with the unreflected outbox, one item's slice, the inbox's lists,
/// the queue summary, the quarantine and the enrollment. Each public read runs in one SQLite snapshot.
extension ClientStore {
    // MARK: Domain API

    /// Everything the view needs, read in one snapshot.
    func snapshot() async throws(ClientError) -> Snapshot {
        let home = self.home
        return try await read { db in try Self.snapshot(db, home: home) }
    }

    /// What one item's view needs, read in one snapshot.
    func snapshot(itemID: WireID) async throws(ClientError) -> Snapshot {
        let home = self.home
        return try await read { db in try Self.snapshot(db, home: home, itemID: itemID) }
    }

    /// What the view of a completion's item needs; empty when the completion is unknown.
    func snapshot(completionID: WireID) async throws(ClientError) -> Snapshot {
        let home = self.home
        return try await read { db in
            guard let itemID = try Self.itemID(db, completionID: completionID) else { return Snapshot() }
            return try Self.snapshot(db, home: home, itemID: itemID)
        }
    }

    /// One mirror object by id, or `nil`.
    func lookup<T: Decodable & Sendable>(
        _ entity: ChangeEntity, _ id: WireID, as type: T.Type
    ) async throws(ClientError)
        -> T?
    {
        try await read { db in try Self.lookup(db, entity, id, as: type) }
    }

    /// A plan item and a member (by id), read together.
    func itemAndMember(itemID: WireID, memberID: WireID?) async throws(ClientError) -> (PlanItem?, Member?) {
        try await read { db in
            let item = try Self.lookup(db, .planItem, itemID, as: PlanItem.self)
            let memberID = memberID ?? item?.memberID ?? itemID
            return (item, try Self.lookup(db, .member, memberID, as: Member.self))
        }
    }

    /// Open conflicts, each marked when a resolve for it waits in the outbox.
    func openConflicts() async throws(ClientError) -> [Inbox.ConflictEntry] {
        try await read { db in try Self.openConflicts(db) }
    }

    /// Open conflicts and the reviews asking for changes, read in one snapshot.
    func attention() async throws(ClientError) -> ([Inbox.ConflictEntry], [Review]) {
        try await read { db in (try Self.openConflicts(db), try Self.reviewsAskingForChanges(db)) }
    }

    /// Events the server rejected, oldest first.
    func quarantined() async throws(ClientError) -> [QuarantinedEvent] {
        try await read { db in try Self.quarantined(db) }
    }

    /// Outbox, uploads and sync health.
    func summary() async throws(ClientError) -> ClientSummary {
        try await read { db in try Self.summary(db) }
    }

    /// The current enrollment, or `nil` before the first one.
    func enrollment() async throws(ClientError) -> Enrollment? {
        try await read { db in try Self.enrollment(db) }
    }

    // MARK: Inside a transaction

    static func snapshot(_ db: Connection, home: String) throws -> Snapshot {
        func all<T: Decodable>(_ entity: ChangeEntity, _ type: T.Type) throws -> [T] {
            let table = mirrorTables[entity]!
            return try db.query("SELECT data FROM \(table) ORDER BY id").map {
                try JSONCoding.value(T.self, fromText: try $0.string("data"))
            }
        }
        var snapshot = Snapshot()
        snapshot.families = try all(.family, Family.self)
        snapshot.members = Dictionary(uniqueKeysWithValues: try all(.member, Member.self).map { ($0.id, $0) })
        snapshot.plans = Dictionary(uniqueKeysWithValues: try all(.plan, Plan.self).map { ($0.id, $0) })
        snapshot.items = Dictionary(uniqueKeysWithValues: try all(.planItem, PlanItem.self).map { ($0.id, $0) })
        snapshot.completions = Dictionary(
            uniqueKeysWithValues: try all(.completion, Completion.self).map { ($0.id, $0) })
        snapshot.conflicts = try all(.conflict, Conflict.self)
        snapshot.reviews = try all(.review, Review.self)
        snapshot.receipts = try all(.receipt, Receipt.self)
        snapshot.overlay = try db.query(
            "SELECT event FROM outbox WHERE reflected = 0 AND state != 'rejected' ORDER BY id"
        ).map { try JSONCoding.value(DeviceEvent.self, fromText: try $0.string("event")) }
        snapshot.files = try db.query("SELECT * FROM files ORDER BY rowid").map { try localFile($0, home: home) }
        return snapshot
    }

    /// One mirror object by id, or `nil`.
    static func lookup<T: Decodable>(
        _ db: Connection, _ entity: ChangeEntity, _ id: WireID, as type: T.Type
    ) throws -> T? {
        let table = mirrorTables[entity]!
        return try db.queryOne("SELECT data FROM \(table) WHERE id = ?", id.description).map {
            try JSONCoding.value(T.self, fromText: try $0.string("data"))
        }
    }

    /// Only what one item's view needs (the item, its member, completions, conflicts, reviews, unreflected
    /// events and files), so recording stays fast however long the outbox grows.
    static func snapshot(_ db: Connection, home: String, itemID: WireID) throws -> Snapshot {
        var snapshot = Snapshot()
        guard let item = try lookup(db, .planItem, itemID, as: PlanItem.self) else { return snapshot }
        snapshot.items[item.id] = item
        if let member = try lookup(db, .member, item.memberID, as: Member.self) { snapshot.members[member.id] = member }
        let id = itemID.description
        for row in try db.query(
            "SELECT data FROM mirror_completions WHERE json_extract(data, '$.item_id') = ?", id)
        {
            let completion = try JSONCoding.value(Completion.self, fromText: try row.string("data"))
            snapshot.completions[completion.id] = completion
        }
        snapshot.conflicts = try db.query(
            "SELECT data FROM mirror_conflicts WHERE json_extract(data, '$.item_id') = ? ORDER BY id", id
        ).map { try JSONCoding.value(Conflict.self, fromText: try $0.string("data")) }
        snapshot.reviews = try db.query(
            """
            SELECT data FROM mirror_reviews WHERE json_extract(data, '$.completion_id') IN
                (SELECT id FROM mirror_completions WHERE json_extract(data, '$.item_id') = ?) ORDER BY id
            """, id
        ).map { try JSONCoding.value(Review.self, fromText: try $0.string("data")) }
        snapshot.overlay = try db.query(
            "SELECT event FROM outbox WHERE item_id = ? AND reflected = 0 AND state != 'rejected' ORDER BY id", id
        ).map { try JSONCoding.value(DeviceEvent.self, fromText: try $0.string("event")) }
        snapshot.files = try db.query(
            "SELECT f.* FROM files f JOIN outbox o ON o.event_id = f.event_id WHERE o.item_id = ? ORDER BY f.rowid", id
        ).map { try localFile($0, home: home) }
        return snapshot
    }

    /// The item a completion belongs to: from the mirror, or from this device's `complete` event.
    static func itemID(_ db: Connection, completionID: WireID) throws -> WireID? {
        if let completion = try lookup(db, .completion, completionID, as: Completion.self) { return completion.itemID }
        return try db.queryOne(
            "SELECT item_id FROM outbox WHERE completion_id = ? AND type = 'complete' LIMIT 1", completionID.description
        ).flatMap { WireID(try $0.string("item_id")) }
    }

    /// The inbox's conflict list read from the store: the mirror's conflicts and the unreflected resolve
    /// events only, in the order `snapshot` reads them, so the result equals the snapshot's.
    static func openConflicts(_ db: Connection) throws -> [Inbox.ConflictEntry] {
        let table = mirrorTables[.conflict] ?? "mirror_conflicts"
        let conflicts = try db.query("SELECT data FROM \(table) ORDER BY id").map {
            try JSONCoding.value(Conflict.self, fromText: try $0.string("data"))
        }
        let resolves = try db.query(
            "SELECT event FROM outbox WHERE reflected = 0 AND state != 'rejected' AND type = ? ORDER BY id",
            EventType.resolve.rawValue
        ).map { try JSONCoding.value(DeviceEvent.self, fromText: try $0.string("event")) }
        return Inbox.openConflicts(conflicts, overlay: resolves)
    }

    /// The reviews asking for changes read from the store: only completions in those two states and their
    /// reviews, in the order `snapshot` reads them, so the result equals the whole-snapshot one.
    static func reviewsAskingForChanges(_ db: Connection) throws -> [Review] {
        let completionsTable = mirrorTables[.completion] ?? "mirror_completions"
        let reviewsTable = mirrorTables[.review] ?? "mirror_reviews"
        let asking =
            "json_extract(data, '$.review_state') IN ('\(ReviewState.hasIssues.rawValue)', "
            + "'\(ReviewState.rejected.rawValue)')"
        let completions = try db.query("SELECT data FROM \(completionsTable) WHERE \(asking) ORDER BY id").map {
            try JSONCoding.value(Completion.self, fromText: try $0.string("data"))
        }
        let reviews = try db.query(
            """
            SELECT data FROM \(reviewsTable) WHERE json_extract(data, '$.completion_id') IN
                (SELECT id FROM \(completionsTable) WHERE \(asking)) ORDER BY id
            """
        ).map { try JSONCoding.value(Review.self, fromText: try $0.string("data")) }
        return Inbox.reviewsAskingForChanges(completions: completions, reviews: reviews)
    }

    static func quarantined(_ db: Connection) throws -> [QuarantinedEvent] {
        try db.query(
            "SELECT event_id, device_seq, type, item_id, code, detail FROM outbox WHERE state = 'rejected' ORDER BY id"
        ).compactMap { row in
            guard let event = WireID(try row.string("event_id")), let item = WireID(try row.string("item_id")) else {
                return nil
            }
            return QuarantinedEvent(
                eventID: event, deviceSeq: Int(try row.int("device_seq")), type: try row.string("type"),
                itemID: item, code: row.optionalString("code") ?? "rejected", detail: row.optionalString("detail"))
        }
    }

    static func summary(_ db: Connection) throws -> ClientSummary {
        let outbox = try db.queryOne(
            "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes, min(recorded_at) AS oldest FROM outbox "
                + "WHERE state = 'pending'")
        let files = try db.queryOne(
            "SELECT count(*) AS n, coalesce(sum(f.size), 0) AS bytes FROM files f JOIN outbox o ON o.event_id = f.event_id "
                + "WHERE f.state IN ('pending', 'uploading') AND o.state != 'rejected'")
        var byServerState: [UploadState: Int] = [:]
        for row in try db.query(
            "SELECT f.server_state AS s, count(*) AS n FROM files f JOIN outbox o ON o.event_id = f.event_id "
                + "WHERE f.server_state IS NOT NULL AND f.server_state != 'verified' "
                + "AND f.state NOT IN ('freed', 'failed') AND o.state != 'rejected' GROUP BY f.server_state")
        {
            if let state = UploadState(rawValue: try row.string("s")) { byServerState[state] = Int(try row.int("n")) }
        }
        let enrolled = try setting(db, .deviceID) != nil
        let revoked = try setting(db, .reEnrollRequired) != nil
        return ClientSummary(
            enrolled: enrolled && !revoked, reEnrollRequired: revoked,
            outboxEvents: Int(try outbox?.int("n") ?? 0), outboxBytes: Int(try outbox?.int("bytes") ?? 0),
            oldestUnsentAt: outbox?.optionalInt("oldest").map { Timestamp(millisecondsSince1970: $0) },
            filesPending: Int(try files?.int("n") ?? 0), bytesPending: try files?.int("bytes") ?? 0,
            filesFailed: Int(try db.scalarInt("SELECT count(*) FROM files WHERE state = 'failed'")),
            filesByServerState: byServerState,
            quarantinedEvents: Int(try db.scalarInt("SELECT count(*) FROM outbox WHERE state = 'rejected'")),
            lastError: try setting(db, .lastError),
            lastSyncAt: try setting(db, .lastSyncAt).flatMap(Timestamp.init))
    }

    static func enrollment(_ db: Connection) throws -> Enrollment? {
        guard let url = try setting(db, .serverURL),
            let device = try setting(db, .deviceID).flatMap(WireID.init),
            let user = try setting(db, .userID).flatMap(WireID.init),
            let uuid = try setting(db, .deviceUUID).flatMap(WireID.init)
        else { return nil }
        return Enrollment(
            serverURL: url, deviceID: device, userID: user, deviceUUID: uuid,
            reEnrollRequired: try setting(db, .reEnrollRequired) != nil)
    }
}

extension Connection {
    /// An integer scalar (0 for NULL).
    func scalarInt(_ sql: String) throws -> Int64 {
        if case .integer(let value) = try scalar(sql) { return value }
        return 0
    }
}
