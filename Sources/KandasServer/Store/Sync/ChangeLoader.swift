import KandasProtocol
import KandasStore

/// Turns feed entries into the `Change`s pull sends: each object's current state, or `delete`.
///
/// A page's objects are loaded with one query per entity kind (and one per child table), the IDs
/// bound as one JSON array (`IN (SELECT value FROM json_each(?))`, which SQLite answers with the
/// primary-key or child index), instead of one to three queries per entry: a 1000-completion page
/// used to cost 3000 statements. Entries whose ID is not a UUID are skipped (an entry's kind is always
/// known: ``SyncFeed/entries(_:after:userID:deviceID:limit:)`` fails on a code no kind has); a plan or
/// item that is not published is skipped (drafts never reach devices, Protocol §7.2); any other object
/// that no longer exists becomes a `delete`.
struct ChangeLoader {
    let db: any DatabaseConnection
    /// The pulling device: `event_outcome` rows are this device's own.
    let deviceID: String
    /// Issue time of receipts.
    let now: Int64

    /// The changes of `entries`, in their order.
    ///
    /// - Throws: ``ServerError`` `internal_error` when an `event_outcome` entry has no stored event;
    ///   `DatabaseError` from the store.
    func changes(_ entries: ArraySlice<SyncFeed.Entry>) throws -> [Change] {
        // Each ID is parsed once (a UUID parse is a sscanf in Foundation).
        var known: [(entry: SyncFeed.Entry, id: WireID, kind: ChangeEntity)] = []
        known.reserveCapacity(entries.count)
        var wanted: [ChangeEntity: [String]] = [:]
        for entry in entries {
            guard let id = WireID(entry.entityID) else { continue }
            let kind = entry.entity
            known.append((entry, id, kind))
            if !entry.isDelete { wanted[kind, default: []].append(entry.entityID) }
        }
        var loaded: [ChangeEntity: [String: ChangeData]] = [:]
        for (kind, ids) in wanted { loaded[kind] = try load(kind, ids) }
        var changes: [Change] = []
        changes.reserveCapacity(known.count)
        for (entry, id, kind) in known {
            let seq = Int(entry.seq)
            if entry.isDelete {
                changes.append(.delete(seq: seq, entity: kind, id: id))
            } else if let data = loaded[kind]?[entry.entityID] {
                changes.append(.put(seq: seq, id: id, data))
            } else if kind == .eventOutcome {
                throw ServerError(.internalError, "event outcome missing")
            } else if kind != .plan && kind != .planItem {
                changes.append(.delete(seq: seq, entity: kind, id: id))
            }
        }
        return changes
    }

    /// The current objects of one kind by stored ID; absent IDs are missing from the result.
    func load(_ kind: ChangeEntity, _ ids: [String]) throws -> [String: ChangeData] {
        let list = Self.jsonArray(ids)
        switch kind {
        case .family:
            return try keyed(
                "SELECT \(FamilyStore.familyColumns) FROM families f WHERE f.id IN \(idList)", list
            ) { .family(try FamilyStore.family(db, $0)) }
        case .member:
            return try keyed(
                "SELECT \(FamilyStore.memberColumns) FROM members m WHERE m.id IN \(idList)", list
            ) { .member(try FamilyStore.member($0)) }
        case .plan:
            return try keyed(
                "SELECT \(PlanStore.planColumns) FROM plans p WHERE p.id IN \(idList) AND p.status = 'published'",
                list
            ) { .plan(try PlanStore.plan($0)) }
        case .planItem:
            return try keyed(
                "SELECT \(PlanStore.itemColumns) FROM plan_items i JOIN plans p ON p.id = i.plan_id"
                    + " WHERE i.id IN \(idList) AND p.status = 'published'", list
            ) { .planItem(try PlanStore.item($0)) }
        case .completion:
            return try completions(list).mapValues { .completion($0) }
        case .conflict:
            return try keyed("SELECT \(ConflictStore.columns) FROM conflicts k WHERE k.id IN \(idList)", list) {
                .conflict(try ConflictStore.conflict(db, $0))
            }
        case .review:
            return try keyed("SELECT \(ReviewStore.columns) FROM reviews r WHERE r.id IN \(idList)", list) {
                .review(try ReviewStore.review($0))
            }
        case .eventOutcome:
            return try outcomes(list).mapValues { .eventOutcome($0) }
        case .receipt:
            return try receipts(list).mapValues { .receipt($0) }
        }
    }

    /// The SQL that reads the bound JSON array of IDs (parameter 1) as a list for `IN`.
    var idList: String { "(SELECT value FROM \(db.dialect.jsonTextArrayElements(parameter: "?1")))" }

    /// A JSON array of IDs (UUID text, checked by the caller: nothing to escape).
    static func jsonArray(_ ids: [String]) -> String {
        var text = "["
        text.reserveCapacity(ids.count * 39 + 2)
        for (n, id) in ids.enumerated() {
            if n > 0 { text += "," }
            text += "\""
            text += id
            text += "\""
        }
        return text + "]"
    }

    /// Rows of `sql` (its `id` column the key) mapped by `map`.
    func keyed<T>(_ sql: String, _ list: String, _ map: (DatabaseRow) throws -> T) throws -> [String: T] {
        var out: [String: T] = [:]
        for row in try db.query(sql, list) { out[try row.string("id")] = try map(row) }
        return out
    }
}
