import KandasProtocol

/// The mirror plus the unreflected outbox and the files table, read in one SQLite snapshot
/// (`ClientStore.snapshot()`).
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
}
