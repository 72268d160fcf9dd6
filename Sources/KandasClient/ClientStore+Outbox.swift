import Foundation
import KandasProtocol
import SQLiteKit

/// The next pending events as one push request body (sync-v1 §6.1), and what the answer is checked against.
struct PushBatch: Sendable {
    /// The whole `PushRequest` JSON, byte for byte what `JSONCoding.encode(PushRequest)` writes.
    var body: [UInt8]
    /// Event ids in `device_seq` order: the answer's results must list them in this order.
    var eventIDs: [WireID]
    /// The first event's seq (where a gap without `expected_device_seq` resends from).
    var firstSeq: Int
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

    /// The next pending events of the enrolled device, in `device_seq` order, written as a push body with the
    /// queue state read in the same snapshot; `nil` when nothing is pending.
    ///
    /// Rows are streamed from the statement into one buffer: each stored event's JSON is parsed once, its
    /// `device_seq` set from the column (a re-enrollment renumbers the column only) and written back with
    /// sorted keys. No `DeviceEvent` values, `JSONDecoder` or `JSONEncoder` trees are built for a batch.
    func pushBatch(
        limit: Int, deviceID: WireID, sentAt: Timestamp, status: @escaping @Sendable (ClientSummary) -> ClientStatus
    ) async throws(ClientError) -> PushBatch? {
        try await read { db in
            let key = try Self.deviceKey(db)
            var body: [UInt8] = []
            body.append(contentsOf: #"{"client_status":"#.utf8)
            body.append(contentsOf: try JSONCoding.encodeBytes(status(try Self.summary(db))))
            body.append(contentsOf: #","device_id":"#.utf8)
            JSONValue.writeString(deviceID.description, to: &body)
            body.append(contentsOf: #","events":["#.utf8)
            var eventIDs: [WireID] = []
            var firstSeq: Int?
            let statement = try db.cached(
                "SELECT event_id, device_seq, event FROM outbox WHERE state = 'pending' AND device_key = ? "
                    + "ORDER BY device_seq LIMIT ?")
            defer { statement.reset() }
            try statement.bind(key, limit)
            while let row = try statement.next() {
                let seq = Int(try row.int("device_seq"))
                let stored = try? JSONValue.parse(Array(try row.string("event").utf8))
                guard let id = WireID(try row.string("event_id")), case .object(var event) = stored else {
                    throw ClientError(.storage, "outbox event \(seq) is not a stored event's JSON")
                }
                event["device_seq"] = .number(Double(seq))
                if firstSeq != nil { body.append(UInt8(ascii: ",")) }
                JSONValue.object(event).write(to: &body)
                eventIDs.append(id)
                firstSeq = firstSeq ?? seq
            }
            guard let firstSeq else { return nil }
            body.append(contentsOf: #"],"sent_at":"#.utf8)
            body.append(contentsOf: try JSONCoding.encodeBytes(sentAt))
            body.append(UInt8(ascii: "}"))
            return PushBatch(body: body, eventIDs: eventIDs, firstSeq: firstSeq)
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
