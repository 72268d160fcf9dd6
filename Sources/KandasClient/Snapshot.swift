import KandasProtocol
import SQLiteKit

/// The mirror plus the unreflected outbox and the files table, read in one SQLite snapshot.
///
/// A device's scope is a worker's families (hundreds of rows), so the view is built in memory.
struct Snapshot: Sendable {
    var families: [Family] = []
    var members: [WireID: Member] = [:]
    var plans: [WireID: Plan] = [:]
    var items: [WireID: PlanItem] = [:]
    var completions: [WireID: Completion] = [:]
    var conflicts: [Conflict] = []
    var reviews: [Review] = []
    var receipts: [Receipt] = []
    /// Pending, and sent but not yet reflected by pull, in recording order (rejected ones excluded).
    var overlay: [DeviceEvent] = []
    var files: [LocalFile] = []

    static func load(_ db: Connection, home: String) throws -> Snapshot {
        func all<T: Decodable>(_ entity: ChangeEntity, _ type: T.Type) throws -> [T] {
            let table = ClientStore.mirrorTables[entity]!
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
        snapshot.files = try db.query("SELECT * FROM files ORDER BY rowid").map { try LocalFile(row: $0, home: home) }
        return snapshot
    }

    /// One mirror object by id, or `nil`.
    static func lookup<T: Decodable>(
        _ db: Connection, _ entity: ChangeEntity, _ id: WireID, as type: T.Type
    ) throws -> T? {
        let table = ClientStore.mirrorTables[entity]!
        return try db.queryOne("SELECT data FROM \(table) WHERE id = ?", id.description).map {
            try JSONCoding.value(T.self, fromText: try $0.string("data"))
        }
    }

    /// Only what one item's view needs (the item, its member, completions, conflicts, reviews, unreflected
    /// events and files), so recording stays fast however long the outbox grows.
    static func load(_ db: Connection, home: String, itemID: WireID) throws -> Snapshot {
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
        ).map { try LocalFile(row: $0, home: home) }
        return snapshot
    }

    /// The item a completion belongs to: from the mirror, or from this device's `complete` event.
    static func itemID(_ db: Connection, completionID: WireID) throws -> WireID? {
        if let completion = try lookup(db, .completion, completionID, as: Completion.self) { return completion.itemID }
        return try db.queryOne(
            "SELECT item_id FROM outbox WHERE completion_id = ? AND type = 'complete' LIMIT 1", completionID.description
        ).flatMap { WireID(try $0.string("item_id")) }
    }
}
