import Foundation
import KandasProtocol
import SQLiteKit

/// An unsent event as the outbox holds it.
struct OutboxEvent: Sendable {
    /// The event id.
    var eventID: WireID
    /// The seq the event goes out under now: a re-enrollment renumbers the outbox, not the recorded event.
    var deviceSeq: Int
    /// The `DeviceEvent` as recorded (its JSON text); its own `device_seq` may predate a renumbering.
    var recorded: String
}

/// The next pending events and the queue state, read in one snapshot.
struct PendingEvents: Sendable {
    /// In `device_seq` order.
    var events: [OutboxEvent]
    /// The outbox and upload summary at the moment they were read.
    var summary: ClientSummary
}

extension ClientStore {
    /// The seq owner for new events: the enrolled device, or a placeholder renumbered at enrollment.
    static func deviceKey(_ db: Connection) throws -> String {
        try setting(db, .deviceID) ?? "unenrolled"
    }

    /// Appends an event to the outbox with the next gap-free `device_seq` (call inside a write transaction).
    ///
    /// The seq is read and used in the same transaction as the insert, so two recordings never share
    /// one and a failed recording leaves no hole.
    static func appendEvent(
        _ db: Connection, eventID: WireID, itemID: WireID, baseVersion: Int, recordedAt: Timestamp,
        payload: EventPayload, completionID: WireID?
    ) throws -> Int {
        let key = try deviceKey(db)
        let last = try db.scalar("SELECT coalesce(max(device_seq), 0) FROM outbox WHERE device_key = ?", key)
        guard case .integer(let lastSeq) = last else { throw ClientError(.storage, "outbox seq is not an integer") }
        let seq = Int(lastSeq) + 1
        let event = DeviceEvent(
            eventID: eventID, deviceSeq: seq, itemID: itemID, baseVersion: baseVersion, recordedAt: recordedAt,
            payload: payload)
        let text = try JSONCoding.text(event)
        try db.run(
            """
            INSERT INTO outbox(event_id, device_key, device_seq, type, item_id, completion_id, event, size, recorded_at,
                state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
            """,
            eventID.description, key, seq, payload.typeName, itemID.description, completionID?.description, text,
            text.utf8.count, recordedAt.millisecondsSince1970)
        return seq
    }

    /// The next pending events of the enrolled device, in `device_seq` order, with the queue state read in
    /// the same snapshot; `nil` when nothing is pending.
    func pendingEvents(limit: Int) async throws(ClientError) -> PendingEvents? {
        try await read { db in
            let key = try Self.deviceKey(db)
            var events: [OutboxEvent] = []
            let statement = try db.cached(
                "SELECT event_id, device_seq, event FROM outbox WHERE state = 'pending' AND device_key = ? "
                    + "ORDER BY device_seq LIMIT ?")
            defer { statement.reset() }
            try statement.bind(key, limit)
            while let row = try statement.next() {
                let seq = Int(try row.int("device_seq"))
                guard let id = WireID(try row.string("event_id")) else {
                    throw ClientError(.storage, "outbox event \(seq) has no valid event id")
                }
                events.append(OutboxEvent(eventID: id, deviceSeq: seq, recorded: try row.string("event")))
            }
            guard !events.isEmpty else { return nil }
            return PendingEvents(events: events, summary: try Self.summary(db))
        }
    }

    /// Records the outcomes a push answered, in one transaction (see `recordOutcome`).
    func recordOutcomes(_ results: [EventResult], now: Timestamp) async throws(ClientError) {
        guard !results.isEmpty else { return }
        try await write { db in
            for result in results { try Self.recordOutcome(db, result, now: now) }
        }
    }

    /// Records one push or pull outcome for an event (accepted and duplicates: sent; rejected: quarantined).
    static func recordOutcome(_ db: Connection, _ result: EventResult, now: Timestamp) throws {
        let outcome = result.outcome == .duplicate ? (result.storedOutcome ?? .accepted) : result.outcome
        let conflicts = result.conflictIDs.map { $0.map(\.description).joined(separator: ",") }
        switch outcome {
        case .accepted:
            try db.run(
                """
                UPDATE outbox SET state = 'sent', code = NULL, detail = NULL, completion_rev = ?, conflict_ids = ?,
                    acked_at = coalesce(acked_at, ?)
                WHERE event_id = ?
                """, result.completionRev, conflicts, now.millisecondsSince1970, result.eventID.description)
        case .rejected:
            try db.run(
                """
                UPDATE outbox SET state = 'rejected', code = ?, detail = ?, acked_at = coalesce(acked_at, ?)
                WHERE event_id = ?
                """, result.code ?? "rejected", result.detail, now.millisecondsSince1970, result.eventID.description)
        case .duplicate, .gap:
            break
        }
    }

    /// After a gap: marks every event of this device from `expected` on as pending again, so the next
    /// push resends from there. Returns false when the outbox has no event numbered `expected` (lost).
    func resendFrom(_ expected: Int) async throws(ClientError) -> Bool {
        try await write { db in
            let key = try Self.deviceKey(db)
            guard try db.exists("SELECT 1 FROM outbox WHERE device_key = ? AND device_seq = ?", key, expected) else {
                return false
            }
            try db.run(
                "UPDATE outbox SET state = 'pending', reflected = 0 WHERE device_key = ? AND device_seq >= ? "
                    + "AND state != 'pending'", key, expected)
            return true
        }
    }

    /// Moves every unsent event to a new device, numbered 1, 2, 3... in recording order (sync-v1 §2.4:
    /// a re-enrolled device pushes the old outbox under its new identity; event ids are unchanged).
    static func renumberPending(_ db: Connection, to deviceID: WireID) throws {
        let rows = try db.query("SELECT id FROM outbox WHERE state = 'pending' ORDER BY device_key, device_seq, id")
        let last = try db.scalar(
            "SELECT coalesce(max(device_seq), 0) FROM outbox WHERE device_key = ?", deviceID.description)
        guard case .integer(var next) = last else { throw ClientError(.storage, "outbox seq is not an integer") }
        for row in rows {
            next += 1
            // Under a scratch key first, so UNIQUE (device_key, device_seq) never sees a transient clash.
            try db.run("UPDATE outbox SET device_key = 'moving', device_seq = ? WHERE id = ?", next, try row.int("id"))
        }
        try db.run("UPDATE outbox SET device_key = ? WHERE device_key = 'moving'", deviceID.description)
    }
}
