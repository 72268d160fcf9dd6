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
}
