import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// Applies one accepted-so-far device event: validates, classifies (Protocol §8) and writes the
/// derived rows and feed entries. A ``EventValidation/Rejection`` thrown here makes the caller
/// roll the event's writes back to its savepoint and store it as `rejected`.
enum EventApplier {
    /// Who pushed, and when.
    struct Actor {
        var deviceID: String
        var userID: String
        var now: Int64
        var skewMilliseconds: Int64
        /// The `changes` seq before this push's transaction: feed rows after it are this push's own.
        var feedStart: Int64? = nil
        /// The items this push's transaction has read already; `nil` reads every item in full.
        var items: ItemCache? = nil
    }

    /// The plan items one push transaction has read, by ID.
    ///
    /// A batch usually names a few items many times, and the full read (item, plan, family and the
    /// worker's assignment) was a fifteenth of a push's CPU. Within the transaction, events change
    /// only an item's `status` and `completion_count` (`CompletionStore.refreshItem`; its `version`
    /// only by the admin API), so a cached item is refreshed from its own row by primary key; the
    /// plan, family and assignment are written by admin requests only, never inside a push.
    /// Confined to the transaction that made it (not `Sendable`).
    final class ItemCache {
        var items: [String: Item] = [:]
        /// Items whose `status`, `version` and `completion_count` in `items` are the row's as this
        /// transaction holds it (locked on PostgreSQL): `refreshItem` keeps them so; a rolled-back
        /// event or a resolution (which refreshes the item on its own) makes the next event read it.
        var stateCurrent: Set<String> = []

        /// `refreshItem` wrote (or found unchanged) the item's count and status.
        func refreshed(_ itemID: String, completionCount: Int, status: String) {
            // One lookup of the ID (hashed once, not once per field).
            guard stateCurrent.contains(itemID), let i = items.index(forKey: itemID) else { return }
            items.values[i].completionCount = completionCount
            items.values[i].status = status
        }

        /// Item counts and statuses not written yet, in first-change order. A batch of 500
        /// completions of one item rewrote its row 500 times: on PostgreSQL each version after the
        /// first fills the page with versions no one can prune before the commit, so the update left
        /// HOT, touched every index of `plan_items` and re-checked its foreign keys (about 60 µs of
        /// the server's CPU per event). Written once by ``writeItems(_:)`` before anything else
        /// could read the row's count or status.
        private var pendingItems: [String: (count: Int, status: String)] = [:]
        private var pendingOrder: [String] = []

        /// Only while ``holdsItemWrites`` (a plain `complete`, which reads no item count or status
        /// but through this cache, and is rejected before its first write or not at all).
        var holdsItemWrites = false

        /// The item's new count and status, to be written by ``writeItems(_:)``.
        func holdItemWrite(_ itemID: String, count: Int, status: String) {
            if pendingItems.updateValue((count, status), forKey: itemID) == nil { pendingOrder.append(itemID) }
        }

        /// Writes the held item rows (deferred: a failure fails the whole push).
        func writeItems(_ db: any DatabaseConnection) throws {
            for itemID in pendingOrder {
                guard let state = pendingItems[itemID] else { continue }
                try db.runDeferred(
                    "UPDATE plan_items SET completion_count = ?, status = ? WHERE id = ?", state.count, state.status,
                    itemID)
            }
            pendingItems.removeAll(keepingCapacity: true)
            pendingOrder.removeAll(keepingCapacity: true)
        }

        /// For the batch's event IDs, the user of each event stored as an original (`original = 1`):
        /// read once per batch (``readBatch(_:events:)``), kept up to date as the batch stores its own;
        /// nil until read (each event then reads its own).
        var originals: [String: String]? = nil
        /// Of the batch's `complete` completion IDs, those already taken: read once, then each
        /// accepted completion is added.
        var takenCompletionIDs: Set<String>? = nil
        /// Items that got their one `plan_item` feed row in this transaction (see `refreshItem`), and
        /// those the current event added: a rolled-back event's rows are gone, so are its entries.
        private(set) var itemFeedRows: Set<String> = []
        private var eventItemFeedRows: [String] = []
        /// Items whose feed rows a path outside this cache's view may have written (a resolution's
        /// `refreshItem`): their rows are read back from `changes`.
        private var itemFeedRowsUnknown: Set<String> = []

        func knowsItemFeedRows(of itemID: String) -> Bool { !itemFeedRowsUnknown.contains(itemID) }

        func forgetItemFeedRows(of itemID: String) { itemFeedRowsUnknown.insert(itemID) }

        /// The original rows of a JSON array of event IDs, with their users, through `device_events_event`
        /// (`kid`: the IDs are blobs on SQLite since migration 0046).
        static func originalsSQL(_ dialect: any SQLDialect) -> String {
            "SELECT ktext(e.event_id) AS event_id, \(EventBodies.userSQL) FROM device_events e WHERE e.original = 1"
                + " AND e.event_id IN (SELECT kid(value) FROM \(dialect.jsonTextArrayElements(parameter: "?")))"
        }

        /// The batch's original-event and completion-ID reads, one query each instead of one per event.
        func readBatch(_ db: any DatabaseConnection, events: [DeviceEvent]) throws {
            guard !events.isEmpty else { return }
            let list = "(SELECT value FROM \(db.dialect.jsonTextArrayElements(parameter: "?")))"
            var originals: [String: String] = [:]
            for row in try db.query(
                Self.originalsSQL(db.dialect),
                JSONValue.array(events.map { .string($0.eventID.description) }).jsonText)
            {
                originals[try row.string("event_id")] = try row.string("user_id")
            }
            self.originals = originals
            let completionIDs: [String] = events.compactMap {
                if case .complete(let p) = $0.payload { return p.completionID.description }
                return nil
            }
            var taken: Set<String> = []
            if !completionIDs.isEmpty {
                for row in try db.query(
                    "SELECT id FROM completions WHERE id IN " + list,
                    JSONValue.array(completionIDs.map { .string($0) }).jsonText)
                {
                    taken.insert(try row.string("id"))
                }
            }
            takenCompletionIDs = taken
        }

        /// The console counters of the batch's new completions, added once before the commit (the
        /// completion insert trigger skips them meanwhile, migrations 0030 and 0031); nil where the
        /// trigger counts each row.
        var counts: ConsoleRollups.PushCounts? = nil

        /// An event starts: the feed rows and counts it records are its own until the next one.
        func beginEvent() {
            eventItemFeedRows.removeAll(keepingCapacity: true)
            counts?.beginEvent()
        }

        /// The event's writes were rolled back to its savepoint.
        func rollBackEvent() {
            stateCurrent.removeAll()
            counts?.rollBackEvent()
            for item in eventItemFeedRows { itemFeedRows.remove(item) }
            eventItemFeedRows.removeAll(keepingCapacity: true)
        }

        func recordedItemFeedRow(_ itemID: String) {
            if itemFeedRows.insert(itemID).inserted { eventItemFeedRows.append(itemID) }
        }
    }

    /// What an accepted event produced.
    struct Applied {
        var completionID: String?
        var completionRev: Int?
        var conflictIDs: [String] = []
    }

    /// The plan item an event names, if the device's user may see it.
    struct Item {
        var id: String
        var planID: String
        var familyID: String
        var memberID: String
        var serviceCode: Int
        var status: String
        var version: Int
        var completionCount: Int
        var planStatus: String
        var regionID: String
        var centreID: String
        /// The family's settlement (latitude, longitude), for the `far_from_settlement` flag.
        var settlement: (Double, Double)?
        var onceOnly: Bool { (try? ServiceCatalog.service(code: serviceCode))?.recurrence == .once }
    }

    typealias Rejection = EventValidation.Rejection

    /// `false` when `apply` throws every ``Rejection`` for this event before its first write, so the
    /// caller needs no savepoint to undo it: a `complete` without files (its only later rejection is an
    /// attachment clash in `AttachmentStore.declare`) and an unrecognized payload (rejected at once).
    ///
    /// A savepoint makes SQLite copy every page the event then touches into the statement journal;
    /// keep this in step with `complete` when adding a check after its `INSERT`.
    static func needsSavepoint(_ event: DeviceEvent) -> Bool {
        switch event.payload {
        case .complete(let p): return !p.files.isEmpty
        case .unrecognized: return false
        case .amend, .void, .resolve: return true
        }
    }

    static func apply(_ db: any DatabaseConnection, _ event: DeviceEvent, seq: Int64, actor: Actor) throws -> Applied {
        switch event.payload {
        case .unrecognized(_, _, let problem):
            throw Rejection(
                problem.code, problem.pointer.isEmpty ? problem.detail : "\(problem.pointer): \(problem.detail)")
        case .complete(let p): return try complete(db, event, p, seq: seq, actor: actor)
        case .amend(let p): return try amend(db, event, p, seq: seq, actor: actor)
        case .void(let p): return try void(db, event, p, seq: seq, actor: actor)
        case .resolve(let p): return try resolve(db, event, p, actor: actor)
        }
    }

    /// Built once: a statement's SQL is its cache key, hashed per run and best not rebuilt per event too.
    static let itemSQL =
        "SELECT i.id, i.plan_id, i.family_id, i.member_id, i.service_code, i.status, i.version, i.completion_count,"
        + " p.status AS plan_status, f.region_id, f.career_centre_id, f.settlement_latitude,"
        + " f.settlement_longitude FROM plan_items i"
        + " JOIN plans p ON p.id = i.plan_id JOIN families f ON f.id = i.family_id WHERE i.id = ?"
        + " AND EXISTS(SELECT 1 FROM family_workers fw WHERE fw.family_id = i.family_id AND fw.user_id = ?)"
    static let insertCompletionSQL =
        "INSERT INTO completions(id, item_id, region_id, career_centre_id, service_code, user_id, state, rev,"
        + " is_primary, performed_at, recorded_at, received_at, clock_skew_ms, note,"
        + " \(StoredLocation.names.joined(separator: ", ")), event_seq, updated_at, flag_bits, missing_bits)"
        + " VALUES(?,kid(?),kid(?),kid(?),?,kid(?),'active',1" + String(repeating: ",?", count: 17) + ")"

    static func item(_ db: any DatabaseConnection, _ event: DeviceEvent, actor: Actor) throws -> Item {
        let item = try read(db, itemID: event.itemID.description, actor: actor)
        guard item.planStatus == "published" else { throw Rejection(.itemNotPublished, "/item_id: plan not published") }
        guard event.baseVersion <= item.version else {
            throw Rejection(.invalidPayload, "/base_version: newer than the item's version \(item.version)")
        }
        return item
    }

    static let itemStateSQL = "SELECT status, version, completion_count FROM plan_items WHERE id = ?"
    /// `itemSQL` and `itemStateSQL` locking the item's row to the end of the push (PostgreSQL, where
    /// pushes run concurrently): its completions, count and status change only under the lock, so
    /// two devices completing one item never both read the old count, and an amend or void reads
    /// the completion's `rev` after any other push of the item committed.
    static let lockedItemSQL = itemSQL + PostgreSQLDialect().forUpdate(of: "i")
    static let lockedItemStateSQL = itemStateSQL + PostgreSQLDialect().forUpdate

    static func itemSQL(_ db: any DatabaseConnection) -> String {
        db.dialect.name == .postgresql ? lockedItemSQL : itemSQL
    }

    static func itemStateSQL(_ db: any DatabaseConnection) -> String {
        db.dialect.name == .postgresql ? lockedItemStateSQL : itemStateSQL
    }

    /// The item as `itemSQL` reads it, from the push's cache when this transaction read it before.
    static func read(_ db: any DatabaseConnection, itemID: String, actor: Actor) throws -> Item {
        // Read (and locked) before in this transaction, and every write to its row since went
        // through `refreshItem`, which left the row's state here: nothing to ask the store.
        if let item = actor.items?.items[itemID], actor.items?.stateCurrent.contains(itemID) == true {
            return item
        }
        if var item = actor.items?.items[itemID] {
            guard let row = try db.queryOne(itemStateSQL(db), itemID) else {
                throw Rejection(.unknownItem, "/item_id: no such plan item")
            }
            item.status = try row.string("status")
            item.version = Int(try row.int("version"))
            item.completionCount = Int(try row.int("completion_count"))
            actor.items?.items[itemID] = item
            actor.items?.stateCurrent.insert(itemID)
            return item
        }
        guard
            let row = try db.queryOne(itemSQL(db), itemID, actor.userID)
        else { throw Rejection(.unknownItem, "/item_id: no such plan item") }
        let item = Item(
            id: try row.string("id"), planID: try row.string("plan_id"), familyID: try row.string("family_id"),
            memberID: try row.string("member_id"), serviceCode: Int(try row.int("service_code")),
            status: try row.string("status"), version: Int(try row.int("version")),
            completionCount: Int(try row.int("completion_count")), planStatus: try row.string("plan_status"),
            regionID: try row.string("region_id"),
            centreID: try row.string("career_centre_id"),
            settlement: row["settlement_latitude"].isNull || row["settlement_longitude"].isNull
                ? nil : (try row.double("settlement_latitude"), try row.double("settlement_longitude")))
        actor.items?.items[itemID] = item
        actor.items?.stateCurrent.insert(itemID)
        return item
    }

    /// The item fields that differ between the device's base version and the current one.
    static func itemChanges(
        _ db: any DatabaseConnection, itemID: String, base: Int, current: Int
    ) throws -> [ItemFieldChange] {
        let rows = try db.query(
            "SELECT version, due_date, instructions, assigned_worker_id, status FROM plan_item_versions"
                + " WHERE item_id = ? AND version IN (?, ?)", itemID, base, current)
        guard let b = rows.first(where: { (try? $0.int("version")) == Int64(base) }),
            let c = rows.first(where: { (try? $0.int("version")) == Int64(current) })
        else { return [] }
        var out: [ItemFieldChange] = []
        for field in ["due_date", "instructions", "assigned_worker_id", "status"] {
            let old = b.optionalString(field)
            let new = c.optionalString(field)
            if old != new {
                out.append(
                    ItemFieldChange(
                        field: field, baseValue: old.map { .string($0) }, currentValue: new.map { .string($0) }))
            }
        }
        return out
    }

    /// `completed_after_cancel` (complete on a cancelled item) or `plan_changed` (base older than the item).
    static func planFinding(
        _ db: any DatabaseConnection, _ item: Item, base: Int, complete: Bool
    ) throws -> ConflictStore.Finding? {
        let changes = base < item.version ? try itemChanges(db, itemID: item.id, base: base, current: item.version) : []
        if complete && item.status == "cancelled" {
            return ConflictStore.Finding(
                kind: .completedAfterCancel, severity: .hard, fields: changes.map(\.field), itemChanges: changes)
        }
        let fields = changes.map(\.field)
        if fields.contains("instructions") {
            return ConflictStore.Finding(kind: .planChanged, severity: .hard, fields: fields, itemChanges: changes)
        }
        if fields.contains("due_date") || fields.contains("assigned_worker_id") {
            return ConflictStore.Finding(kind: .planChanged, severity: .soft, fields: fields, itemChanges: changes)
        }
        return nil
    }

    static func complete(
        _ db: any DatabaseConnection, _ event: DeviceEvent, _ p: CompletePayload, seq: Int64, actor: Actor
    ) throws -> Applied {
        let item = try item(db, event, actor: actor)
        // The item's member exists (foreign key), so only another member ID needs the lookup.
        let sameMember = p.memberID.description == item.memberID
        guard try sameMember || db.exists("SELECT 1 FROM members WHERE id = ?", p.memberID.description) else {
            throw Rejection(.unknownMember, "/payload/member_id: no such member")
        }
        guard sameMember else {
            throw Rejection(.memberMismatch, "/payload/member_id: not the item's member")
        }
        try EventValidation.note(p.note, "/payload/note")
        try EventValidation.location(p.location, "/payload/location")
        try EventValidation.files(p.files, "/payload/files")
        let id = p.completionID.description
        let taken =
            try actor.items?.takenCompletionIDs.map { $0.contains(id) }
            ?? db.exists("SELECT 1 FROM completions WHERE id = ?", id)
        guard !taken else {
            throw Rejection(.invalidPayload, "/payload/completion_id: already used by another completion")
        }
        var findings: [ConflictStore.Finding] = []
        if let finding = try planFinding(db, item, base: event.baseVersion, complete: true) { findings.append(finding) }
        // A second active completion of a once-only item is a duplicate (Protocol §8.1): it joins the
        // item's open duplicate conflict, whose members are every active completion already, so only a
        // new conflict lists the earlier ones (bounded work per event however many duplicates came).
        var duplicate = false
        if item.onceOnly, try ConflictStore.hasActiveCompletion(db, itemID: item.id) {
            duplicate = true
            if try ConflictStore.hasOpenDuplicate(db, itemID: item.id) {
                findings.append(ConflictStore.Finding(kind: .duplicateCompletion, severity: .hard))
            } else {
                let earlier = try ConflictStore.activeCompletions(db, itemID: item.id)
                findings.append(
                    ConflictStore.Finding(
                        kind: .duplicateCompletion, severity: .hard, earlierEventSeqs: earlier.map(\.eventSeq),
                        completionIDs: earlier.map(\.id)))
            }
        }
        // Every rejection of a complete without files is above this line (see `needsSavepoint`).
        // With no files the flags depend only on this event, so they are written with the row;
        // declared files are flagged by `refreshFlags` once their rows exist.
        let flags = CompletionStore.evidenceFlags(
            serviceCode: item.serviceCode, location: p.location, kinds: [], settlement: item.settlement,
            skewMilliseconds: actor.skewMilliseconds, performedAt: p.performedAt.millisecondsSince1970,
            recordedAt: event.recordedAt.millisecondsSince1970)
        let missing = CompletionStore.evidenceMissing(
            serviceCode: item.serviceCode, location: p.location, kinds: [], declared: 0, verified: 0)
        let missingBits = try EvidenceBits.storedMask(missing, EvidenceBits.missing)
        // Deferred (a round trip saved on PostgreSQL): its failure fails the whole push anyway.
        try db.runDeferred(
            insertCompletionSQL,
            values: [
                .text(id), .text(item.id), .text(item.regionID), .text(item.centreID),
                .integer(Int64(item.serviceCode)),
                .text(actor.userID),
                .integer(duplicate ? 0 : 1), .integer(p.performedAt.millisecondsSince1970),
                .integer(event.recordedAt.millisecondsSince1970), .integer(actor.now), .integer(actor.skewMilliseconds),
                p.note.map { .text($0) } ?? .null,
            ] + StoredLocation.values(p.location) + [
                .integer(seq), .integer(actor.now), .integer(try EvidenceBits.storedMask(flags, EvidenceBits.flags)),
                .integer(missingBits),
            ])
        // The push counts its completions (SQLite has no insert trigger, 0031; PostgreSQL's skips
        // them, 0030); without the push's batch the row is counted here, once.
        let counts = actor.items?.counts ?? (db.dialect.name == .postgresql ? nil : ConsoleRollups.PushCounts())
        counts?.inserted(
            region: item.regionID, centre: item.centreID, family: item.familyID, receivedAt: actor.now,
            located: p.location != nil, incomplete: missingBits != 0)
        if actor.items?.counts == nil { try counts?.write(db) }
        if !p.files.isEmpty,
            let code = try AttachmentStore.declare(
                db, p.files, completionID: id, deviceID: actor.deviceID, now: actor.now)
        {
            throw Rejection(code, "/payload/files: an attachment_id was declared before with other metadata")
        }
        let conflicts = try findings.map {
            try ConflictStore.openOrJoin(
                db, $0, itemID: item.id, completionID: id, eventSeq: seq, eventID: event.eventID.description,
                now: actor.now)
        }
        try finish(
            db, completionID: id, item: item, conflicts: conflicts, files: !p.files.isEmpty, now: actor.now, delta: 1,
            flagsCurrent: p.files.isEmpty, primaryCurrent: duplicate, feedSince: actor.feedStart, batch: actor.items)
        return Applied(completionID: id, completionRev: 1, conflictIDs: conflicts.map(\.id))
    }

    /// Flags, primary and item counters, and the feed rows every completion change needs.
    ///
    /// Each conflict the event opened or joined gets one feed row; of its other members only those
    /// the event newly linked are sent again (their `conflict_ids` changed), never every member: a
    /// join changes nothing in them, and re-recording them made the change log grow with the square
    /// of the duplicates (issue 14).
    /// - Parameter primaryCurrent: the completion was inserted as a non-primary duplicate of a
    ///   once-only item whose primary stays, so the item's primary and count need no recount.
    static func finish(
        _ db: any DatabaseConnection, completionID: String, item: Item, conflicts: [ConflictStore.Joined], files: Bool,
        now: Int64,
        delta: Int = 0, flagsCurrent: Bool = false, primaryCurrent: Bool = false, feedSince: Int64? = nil,
        batch: ItemCache? = nil
    ) throws {
        if !flagsCurrent {
            try CompletionStore.refreshFlags(db, id: completionID)
            // An amend may complete the evidence of an approved completion (Rules 2, para 37).
            try CardForwardStore.enqueueIfEligible(db, completionID: completionID)
        }
        // The item row as `item(...)` read it: nothing between that read and here writes `plan_items`.
        try CompletionStore.refreshItem(
            db, itemID: item.id, now: now, delta: delta,
            known: .init(
                serviceCode: item.serviceCode, status: item.status, familyID: item.familyID,
                completionCount: item.completionCount), primaryCurrent: primaryCurrent, feedSince: feedSince,
            batch: batch)
        try SyncFeed.record(db, entity: .completion, id: completionID, familyID: item.familyID)
        for conflict in conflicts {
            try SyncFeed.record(db, entity: .conflict, id: conflict.id, familyID: item.familyID)
            for member in conflict.linked where member != completionID {
                try SyncFeed.record(db, entity: .completion, id: member, familyID: item.familyID)
            }
        }
        if files {
            try AttachmentStore.issueReceipts(db, completionID: completionID, familyID: item.familyID)
        }
    }

    /// The completion an amend or void names, on the event's item and not voided.
    static func target(_ db: any DatabaseConnection, _ item: Item, _ id: WireID, base: Int) throws -> Int {
        guard
            let row = try db.queryOne(
                "SELECT state, rev FROM completions WHERE id = ? AND item_id = kid(?)", id.description, item.id)
        else { throw Rejection(.unknownCompletion, "/payload/completion_id: no such completion on this item") }
        guard try row.string("state") == "active" else {
            throw Rejection(.completionVoided, "/payload/completion_id: the completion is voided")
        }
        let rev = Int(try row.int("rev"))
        guard base <= rev else {
            throw Rejection(.invalidPayload, "/payload/base_completion_rev: newer than rev \(rev)")
        }
        return rev
    }

    static func amend(
        _ db: any DatabaseConnection, _ event: DeviceEvent, _ p: AmendPayload, seq: Int64, actor: Actor
    ) throws
        -> Applied
    {
        let item = try item(db, event, actor: actor)
        let rev = try target(db, item, p.completionID, base: p.baseCompletionRev)
        let files = p.addFiles ?? []
        let mine = EventValues.all(of: event.payload)
        guard !mine.isEmpty || !files.isEmpty else {
            throw Rejection(.invalidPayload, "/payload/changes: at least one change or file")
        }
        try EventValidation.note(p.changes.note, "/payload/changes/note")
        try EventValidation.location(p.changes.location, "/payload/changes/location")
        try EventValidation.files(files, "/payload/add_files")
        let id = p.completionID.description
        var findings: [ConflictStore.Finding] = []
        if let finding = try planFinding(db, item, base: event.baseVersion, complete: false) {
            findings.append(finding)
        }
        if p.baseCompletionRev < rev {
            var same: [String] = []
            var sameSeqs: [Int64] = []
            var laterSeqs: [Int64] = []
            for row in try db.query(
                "SELECT seq, body FROM device_events WHERE completion_id = kid(?) AND type <> 'complete'"
                    + " AND type = 'amend' AND outcome = 'accepted'"
                    + " AND original = 1 AND completion_rev > ? ORDER BY seq", id, p.baseCompletionRev)
            {
                guard
                    let theirs = decodeJSON(DeviceEvent.self, try row.string("body")).map({
                        EventValues.all(of: $0.payload)
                    })
                else { continue }
                let seqNo = try row.int("seq")
                laterSeqs.append(seqNo)
                let clashing = mine.filter { theirs[$0.key] != nil && theirs[$0.key] != $0.value }.keys.sorted()
                if !clashing.isEmpty {
                    sameSeqs.append(seqNo)
                    for f in clashing where !same.contains(f) { same.append(f) }
                }
            }
            if !same.isEmpty {
                findings.append(
                    ConflictStore.Finding(
                        kind: .amendSameField, severity: .hard, fields: same, earlierEventSeqs: sameSeqs))
            } else if !mine.isEmpty {
                findings.append(
                    ConflictStore.Finding(
                        kind: .amendMerged, severity: .soft, fields: mine.keys.sorted(), earlierEventSeqs: laterSeqs))
            }
        }
        // Protocol §8.3: the fold in receive order, so the amend received last is displayed.
        try EventBodies.materialize(db, completionID: id)
        try CompletionStore.amend(
            db, id: id, note: p.changes.note, performedAt: p.changes.performedAt?.millisecondsSince1970,
            location: p.changes.location, now: actor.now)
        if !files.isEmpty,
            let code = try AttachmentStore.declare(
                db, files, completionID: id, deviceID: actor.deviceID, now: actor.now)
        {
            throw Rejection(code, "/payload/add_files: an attachment_id was declared before with other metadata")
        }
        let conflicts = try findings.map {
            try ConflictStore.openOrJoin(
                db, $0, itemID: item.id, completionID: id, eventSeq: seq, eventID: event.eventID.description,
                now: actor.now)
        }
        try finish(
            db, completionID: id, item: item, conflicts: conflicts, files: !files.isEmpty, now: actor.now,
            feedSince: actor.feedStart, batch: actor.items)
        return Applied(completionID: id, completionRev: rev + 1, conflictIDs: conflicts.map(\.id))
    }

    static func void(
        _ db: any DatabaseConnection, _ event: DeviceEvent, _ p: VoidPayload, seq: Int64, actor: Actor
    ) throws
        -> Applied
    {
        let item = try item(db, event, actor: actor)
        let rev = try target(db, item, p.completionID, base: p.baseCompletionRev)
        let reason = p.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(reason.count) else {
            throw Rejection(.invalidPayload, "/payload/reason: 1-2000 characters")
        }
        try EventValidation.text(reason, "/payload/reason")
        let id = p.completionID.description
        var conflicts: [ConflictStore.Joined] = []
        if p.baseCompletionRev < rev {
            let later = try db.query(
                // The `complete` event (rev 1) by the completion's `event_seq` (0028).
                "SELECT seq FROM device_events WHERE completion_id = kid(?1) AND type <> 'complete'"
                    + " AND outcome = 'accepted' AND original = 1 AND completion_rev > ?2"
                    + " UNION SELECT event_seq AS seq FROM completions WHERE id = ?1 AND ?2 < 1 ORDER BY seq", id,
                p.baseCompletionRev
            ).map { try $0.int("seq") }
            conflicts.append(
                try ConflictStore.openOrJoin(
                    db, ConflictStore.Finding(kind: .staleVoid, severity: .soft, earlierEventSeqs: later),
                    itemID: item.id, completionID: id, eventSeq: seq, eventID: event.eventID.description,
                    now: actor.now))
        }
        _ = try db.run(
            "UPDATE completions SET state = 'voided', rev = rev + 1, updated_at = ? WHERE id = ?", actor.now, id)
        try finish(
            db, completionID: id, item: item, conflicts: conflicts, files: false, now: actor.now, delta: -1,
            feedSince: actor.feedStart, batch: actor.items)
        return Applied(completionID: id, completionRev: rev + 1, conflictIDs: conflicts.map(\.id))
    }

    static func resolve(
        _ db: any DatabaseConnection, _ event: DeviceEvent, _ p: ResolvePayload, actor: Actor
    ) throws -> Applied {
        let item = try item(db, event, actor: actor)
        if let comment = p.comment, comment.count > 2000 {
            throw Rejection(.invalidPayload, "/payload/comment: at most 2000 characters")
        }
        try EventValidation.text(p.comment, "/payload/comment")
        guard
            try db.exists(
                "SELECT 1 FROM conflicts WHERE id = ? AND item_id = ?", p.conflictID.description, item.id)
        else { throw Rejection(.unknownConflict, "/payload/conflict_id: no such conflict on this item") }
        // The resolution refreshes the item (and may record its feed row) on its own.
        actor.items?.forgetItemFeedRows(of: item.id)
        actor.items?.stateCurrent.remove(item.id)
        let completion = try ConflictResolver.resolve(
            db, conflictID: p.conflictID.description, resolution: p.resolution, chosenEventID: p.chosenEventID,
            comment: p.comment, by: ActorRef(actorType: .device, id: WireID(actor.deviceID) ?? .random()),
            now: actor.now)
        let rev = try completion.flatMap {
            try db.queryOne("SELECT rev FROM completions WHERE id = ?", $0)?.int("rev")
        }
        return Applied(
            completionID: completion, completionRev: rev.map { Int($0) }, conflictIDs: [p.conflictID.description])
    }
}
