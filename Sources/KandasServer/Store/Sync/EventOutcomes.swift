import KandasProtocol
import KandasStore

/// Stored event outcomes as `EventResult`s: push duplicates and the `event_outcome` pull entity.
enum EventOutcomes {
    /// A device's rows of an event ID, through `device_events_event` (`kid`: the IDs are blobs on
    /// SQLite since migrations 0046 and 0049, read back as text through `ktext`).
    static let resultSQL =
        "SELECT device_seq, outcome, code, detail, ktext(completion_id) AS completion_id, completion_rev,"
        + " conflict_ids, original FROM device_events WHERE device_id = kid(?) AND event_id = kid(?)"

    /// The device of an event ID's original row, through `device_events_event`.
    static let originalDeviceSQL =
        "SELECT ktext(device_id) AS device_id FROM device_events WHERE event_id = kid(?) AND original = 1"

    /// The result stored for a device's event; a re-enrolled device's duplicate carries the original's outcome.
    static func result(_ db: any DatabaseConnection, deviceID: String, eventID: String) throws -> EventResult {
        guard
            let row = try db.queryOne(
                resultSQL, deviceID, eventID)
        else { throw ServerError(.internalError, "event outcome missing") }
        let deviceSeq = Int(try row.int("device_seq"))
        if try row.string("outcome") == "duplicate",
            let original = try db.queryOne(
                originalDeviceSQL, eventID)
        {
            var first = try result(db, deviceID: try original.string("device_id"), eventID: eventID)
            first.storedOutcome = first.outcome
            first.outcome = .duplicate
            first.deviceSeq = deviceSeq
            return first
        }
        return try stored(row, eventID: eventID)
    }

    /// The result a `device_events` row states itself (any outcome but `duplicate`, whose answer is the
    /// original's); one row at a time here or a page at a time by ``ChangeLoader``.
    static func stored(_ row: DatabaseRow, eventID: String) throws -> EventResult {
        let conflicts = (decodeJSON([String].self, try row.string("conflict_ids")) ?? []).compactMap { WireID($0) }
        return EventResult(
            eventID: try wireID(row: eventID), deviceSeq: Int(try row.int("device_seq")),
            outcome: EventOutcome(rawValue: try row.string("outcome")) ?? .rejected, code: row.optionalString("code"),
            detail: row.optionalString("detail"),
            completionID: row.optionalString("completion_id").flatMap { WireID($0) },
            completionRev: row.optionalInt("completion_rev").map { Int($0) },
            conflictIDs: conflicts.isEmpty ? nil : conflicts)
    }
}
