import Foundation
import KandasProtocol
import KandasStore

/// The store side of a push (Protocol §6): a batch applied in `device_seq` order inside the
/// handler's one write transaction, one result per event, and each event's `device_events` row.
extension PushHandler {
    static func process(
        _ db: any DatabaseConnection, _ events: [DeviceEvent], bodies: PushEnvelope.Bodies, actor: EventApplier.Actor,
        clientStatus: String?
    ) throws -> PushResponse {
        // The device's row lock (PostgreSQL; SQLite's writer runs alone) makes a concurrent push of
        // the same device, through this instance or another, wait here until this one commits and
        // then check its `device_seq`s against what this one stored.
        var last = Int(
            try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?" + db.dialect.forUpdate, actor.deviceID)?
                .int("last_device_seq") ?? 0)
        var numbers = try EventNumbers(db, count: events.count(where: { $0.deviceSeq > last }))
        var actor = actor
        let batch = EventApplier.ItemCache()
        actor.items = batch
        // The original-event and completion-ID checks of the whole batch in one read each (one round
        // trip per batch instead of two per event on PostgreSQL).
        try batch.readBatch(db, events: events.filter { $0.deviceSeq > last })
        batch.counts = try ConsoleRollups.PushCounts.start(db)
        // Feed rows above this one are this transaction's own (PostgreSQL: its provisional rows,
        // numbered at commit; SQLite: the rows after the last `seq` handed out before it).
        actor.feedStart =
            try db.dialect.provisionalFeedSeq.map { $0 - 1 }
            ?? db.queryOne(db.dialect.lastAssignedQuery(table: "changes", column: "seq"))?.optionalInt("seq") ?? 0
        var results: [EventResult] = []
        results.reserveCapacity(events.count)
        for (i, event) in events.enumerated() {
            // Held item writes reach the store before any event that may read an item's count or
            // status in SQL or roll back to a savepoint; a plain `complete` keeps holding them.
            let plainComplete: Bool
            if case .complete = event.payload {
                plainComplete = !EventApplier.needsSavepoint(event)
            } else {
                plainComplete = false
            }
            if !plainComplete { try batch.writeItems(db) }
            batch.holdsItemWrites = plainComplete
            if event.deviceSeq <= last {
                results.append(try resend(db, event, actor: actor))
            } else if event.deviceSeq == last + 1 {
                results.append(try consume(db, event, body: { bodies[i] }, seq: try numbers.take(), actor: actor))
                last = event.deviceSeq
            } else {
                results.append(
                    EventResult(
                        eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .gap, code: ErrorCode.gap.rawValue,
                        expectedDeviceSeq: last + 1))
            }
        }
        try batch.writeItems(db)
        batch.holdsItemWrites = false
        try batch.counts?.write(db)
        _ = try db.run(
            "UPDATE devices SET last_device_seq = ?, client_status = COALESCE(?, client_status) WHERE id = ?", last,
            clientStatus, actor.deviceID)
        return PushResponse(
            results: results, lastDeviceSeq: last, serverTime: Timestamp(millisecondsSince1970: actor.now))
    }

    /// The `device_events.seq` of each consumed event, in receive order.
    ///
    /// A write transaction that runs alone (SQLite) knows the next AUTOINCREMENT value before it
    /// writes, so each event's derived rows are applied first and its row is then inserted once,
    /// with its final outcome (no insert-then-update, no re-read). Concurrent writers (PostgreSQL)
    /// take the batch's values from the column's sequence in one round trip instead.
    struct EventNumbers {
        private var reserved: [Int64] = []
        private var sequenced = false
        private var following: Int64 = 0

        init(_ db: any DatabaseConnection, count: Int) throws {
            guard count > 0 else { return }
            if let query = db.dialect.sequenceValuesQuery(table: "device_events", column: "seq") {
                reserved = try db.query(query, count).map { try $0.int("seq") }.reversed()
                sequenced = true
            } else {
                following =
                    max(
                        try db.queryOne("SELECT max(seq) AS n FROM device_events")?.optionalInt("n") ?? 0,
                        try db.queryOne(db.dialect.lastAssignedQuery(table: "device_events", column: "seq"))?
                            .optionalInt("seq") ?? 0) + 1
            }
        }

        mutating func take() throws -> Int64 {
            if let value = reserved.popLast() { return value }
            // Each consumed event is one `device_seq` above the batch's starting `last`: never more than reserved.
            guard !sequenced else { throw DatabaseError(.misuse, "device_events: no reserved seq left") }
            defer { following += 1 }
            return following
        }
    }

    /// Rule 1: a resend of a consumed `device_seq`.
    static func resend(
        _ db: any DatabaseConnection, _ event: DeviceEvent, actor: EventApplier.Actor
    ) throws -> EventResult {
        guard
            let row = try db.queryOne(
                resendSQL, actor.deviceID, event.deviceSeq), try row.string("event_id") == event.eventID.description
        else {
            return EventResult(
                eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .rejected,
                code: ErrorCode.deviceSeqReused.rawValue, detail: "another event_id was stored with this device_seq")
        }
        var stored = try EventOutcomes.result(db, deviceID: actor.deviceID, eventID: event.eventID.description)
        stored.storedOutcome = stored.outcome == .duplicate ? stored.storedOutcome : stored.outcome
        stored.outcome = .duplicate
        return stored
    }

    /// Rule 2: the next `device_seq`, stored as row `seq`.
    static func consume(
        _ db: any DatabaseConnection, _ event: DeviceEvent, body: () -> String, seq: Int64,
        actor: EventApplier.Actor
    ) throws -> EventResult {
        let id = event.eventID.description
        let originalUser: String?
        if let originals = actor.items?.originals {
            originalUser = originals[id]
        } else {
            originalUser = try db.queryOne(originalUserSQL, id)?.string("user_id")
        }
        if let originalUser {
            let sameUser = originalUser == actor.userID
            try insert(
                db, event, seq: seq, body: body, actor: actor, original: false,
                outcome: sameUser ? "duplicate" : "rejected", code: sameUser ? nil : .eventIDReused)
            // A re-enrolled device resending its user's event now holds the event's files (§10.2).
            if sameUser {
                try AttachmentStore.transfer(db, event, toDevice: actor.deviceID, userID: actor.userID)
            }
            try dropEarlierOutcome(db, eventID: id, seq: seq, deviceID: actor.deviceID)
            try SyncFeed.record(
                db, entity: .eventOutcome, id: id, familyID: "", deviceID: actor.deviceID)
            return try EventOutcomes.result(db, deviceID: actor.deviceID, eventID: id)
        }
        // Stored below as the original, accepted or rejected: a later event of the batch with this ID is its duplicate.
        actor.items?.originals?[id] = actor.userID
        actor.items?.beginEvent()
        var result = EventResult(eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .accepted)
        // Prepared once (the statement cache), not parsed per event as `execute` would; and only for
        // events that can be rejected after a write (a savepoint copies every page the event touches).
        let savepoint = EventApplier.needsSavepoint(event)
        if savepoint { try db.run("SAVEPOINT event") }
        do {
            let applied = try EventApplier.apply(db, event, seq: seq, actor: actor)
            if savepoint { try db.run("RELEASE event") }
            try insert(
                db, event, seq: seq, body: body, actor: actor, original: true, outcome: "accepted", code: nil,
                applied: applied)
            if let completion = applied.completionID { actor.items?.takenCompletionIDs?.insert(completion) }
            result.completionID = applied.completionID.flatMap { WireID($0) }
            result.completionRev = applied.completionRev
            let conflicts = applied.conflictIDs.compactMap { WireID($0) }
            result.conflictIDs = conflicts.isEmpty ? nil : conflicts
        } catch let rejection as EventValidation.Rejection {
            // One bad event never blocks the rest: its writes are undone, it is stored rejected (§6.2).
            if savepoint {
                try db.run("ROLLBACK TO event")
                try db.run("RELEASE event")
                actor.items?.rollBackEvent()
            }
            try insert(
                db, event, seq: seq, body: body, actor: actor, original: true, outcome: "rejected",
                code: rejection.code, detail: rejection.detail)
            result.outcome = .rejected
            result.code = rejection.code.rawValue
            result.detail = rejection.detail
        }
        try SyncFeed.record(db, entity: .eventOutcome, id: id, familyID: "", deviceID: actor.deviceID)
        return result
    }

    /// Retires this device's outcome row of an event it consumed before (the same ID at an earlier
    /// `device_seq`): the row written next stands for it. Pull sends only an object's latest row and,
    /// since migration 0035, no longer looks for a later one of an `event_outcome` (`SyncFeed`), so a
    /// device sees one per event. The row stays, with `device_id` '' (no device's), rather than going:
    /// PostgreSQL numbers a commit's feed rows after the highest `seq`, which a deleted newest row would
    /// hand out again, below a cursor that passed it. Other devices' duplicates (the usual case: a
    /// device enrolled again) find no earlier event of this device through `device_events_event` and
    /// skip the update, which reads this device's feed rows (`changes_device`).
    static func dropEarlierOutcome(_ db: any DatabaseConnection, eventID: String, seq: Int64, deviceID: String) throws {
        guard
            try db.exists(earlierEventSQL, eventID, deviceID, seq)
        else { return }
        _ = try db.run(retireOutcomeSQL, deviceID, eventID)
    }

    /// The event stored at a consumed `device_seq` (the device's `UNIQUE(device_id, device_seq)`); its ID
    /// as text (a blob on SQLite since migration 0046), the device's bound through `kid` (since 0049).
    static let resendSQL =
        "SELECT ktext(event_id) AS event_id FROM device_events WHERE device_id = kid(?) AND device_seq = ?"

    /// The user of an event ID's original row, through `device_events_event`: a row here makes the
    /// event a duplicate (same user) or a rejected reuse (§6.2). `kid(?)`: the ID as it is stored.
    static let originalUserSQL =
        "SELECT \(EventBodies.userSQL) FROM device_events e WHERE e.event_id = kid(?) AND e.original = 1"

    /// Whether this device consumed the event ID before (``dropEarlierOutcome(_:eventID:seq:deviceID:)``),
    /// through `device_events_event`.
    static let earlierEventSQL =
        "SELECT 1 FROM device_events WHERE event_id = kid(?) AND device_id = kid(?) AND seq < ?"

    /// The update of ``dropEarlierOutcome(_:eventID:seq:deviceID:)``, through `changes_device`.
    static let retireOutcomeSQL =
        "UPDATE changes SET device_id = '' WHERE device_id = kid(?) AND entity = \(FeedCodes.code(.eventOutcome))"
        + " AND entity_id = kid(?)"

    /// Built once: a statement's SQL is its cache key, so it is hashed per run and best not rebuilt too.
    static let insertSQL =
        "INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,"
        + " received_at, recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev,"
        + " conflict_ids, base_version) VALUES(?,kid(?),?,kid(?),?,?,kid(?),?,?,?,?,?,?,?,kid(?),?,?,?)"

    static func insert(
        _ db: any DatabaseConnection, _ event: DeviceEvent, seq: Int64, body: () -> String, actor: EventApplier.Actor,
        original: Bool,
        outcome: String, code: ErrorCode?, detail: String? = nil, applied: EventApplier.Applied? = nil
    ) throws {
        // Deferred (a round trip saved on PostgreSQL): its failure fails the whole push anyway.
        try db.runDeferred(
            insertSQL,
            values: [
                .integer(seq), .text(actor.deviceID), .integer(Int64(event.deviceSeq)),
                .text(event.eventID.description), .integer(original ? 1 : 0),
                .text(event.payload.typeName), .text(event.itemID.description),
                .text(EventBodies.stored(event, body: body, accepted: applied?.completionID != nil)),
                .integer(actor.now),
                .integer(event.recordedAt.millisecondsSince1970), .integer(actor.skewMilliseconds), .text(outcome),
                code.map { .text($0.rawValue) } ?? .null, detail.map { .text($0) } ?? .null,
                applied?.completionID.map { .text($0) } ?? .null,
                applied?.completionRev.map { .integer(Int64($0)) } ?? .null,
                .text(conflictIDsText(applied?.conflictIDs ?? [])), .integer(Int64(event.baseVersion)),
            ])
    }

    /// The `conflict_ids` column text; the usual empty list without building a JSON tree.
    static func conflictIDsText(_ ids: [String]) -> String {
        ids.isEmpty ? "[]" : JSONValue.array(ids.map { .string($0) }).jsonText
    }
}
