import KandasProtocol
import KandasStore

/// `device_events.body` of accepted `complete` events, kept once (issue 15, migration 0026).
///
/// An accepted `complete` without files is fully described by its `device_events` row (`event_id`,
/// `device_seq`, `item_id`, `base_version`, `recorded_at`, `completion_id`) and the columns its
/// completion was inserted with (`member_id`, `performed_at`, `note`, `location`): the payload was
/// decoded strictly (an unknown field rejects the event), so those columns hold every field of it.
/// Such a row stores an empty `body`, and the event is rebuilt from the completion when read, equal
/// (`DeviceEvent ==`) to the one received. The completion's columns change only by an amend or a
/// resolution choosing an amend: ``materialize(_:completionID:)`` writes the rebuilt body into the
/// row first, so the event stays what was received. Every other event keeps its received bytes.
///
/// Every read of a stored event goes through ``event(_:_:)`` (the amend check reads only `amend`
/// rows, which keep their bytes).
enum EventBodies {
    /// What `device_events.body` stores for an event with this outcome: empty when the completion
    /// carries the event, the received bytes otherwise (`body` is asked for them only then).
    static func stored(_ event: DeviceEvent, body: () -> String, accepted: Bool) -> String {
        guard accepted, case .complete(let p) = event.payload, p.files.isEmpty else { return body() }
        return ""
    }

    /// The user of a `device_events` row (alias `e`), as column `user_id`: its device's, which never
    /// changes (a device enrolled again is a new device). Not stored on the row since migration 0039,
    /// which saved 37 bytes of every pushed event. The device by `bin_id`, its ID in the form
    /// `device_events.device_id` holds it (a blob on SQLite since migration 0049), through `devices_bin`.
    static let userSQL = "(SELECT d.user_id FROM devices d WHERE d.bin_id = e.device_id) AS user_id"

    /// The `device_events` columns ``event(_:_:)`` reads, for a query's select list (alias `e`); the
    /// UUIDs as their text (blobs on SQLite since migration 0046).
    static let columns =
        "e.body, e.type, ktext(e.event_id) AS event_id, e.device_seq, ktext(e.item_id) AS item_id, e.base_version,"
        + " e.recorded_at, ktext(e.completion_id) AS completion_id"

    /// The event of a row selected with ``columns``; nil when unreadable.
    static func event(_ db: any DatabaseConnection, _ row: DatabaseRow) throws -> DeviceEvent? {
        let body = try row.string("body")
        guard body.isEmpty else { return decodeJSON(DeviceEvent.self, body) }
        guard let completionID = row.optionalString("completion_id"),
            let saved = try db.queryOne(
                "SELECT \(CompletionStore.memberSQL()) AS member_id, c.performed_at, c.note, \(StoredLocation.select("c")) FROM completions c WHERE c.id = ?",
                completionID),
            let eventID = WireID(try row.string("event_id")), let itemID = WireID(try row.string("item_id")),
            let completionWireID = WireID(completionID), let memberID = WireID(try saved.string("member_id"))
        else { return nil }
        return DeviceEvent(
            eventID: eventID, deviceSeq: Int(try row.int("device_seq")), itemID: itemID,
            baseVersion: Int(try row.int("base_version")),
            recordedAt: Timestamp(millisecondsSince1970: try row.int("recorded_at")),
            payload: .complete(
                CompletePayload(
                    completionID: completionWireID, memberID: memberID,
                    performedAt: Timestamp(millisecondsSince1970: try saved.int("performed_at")),
                    note: saved.optionalString("note"),
                    location: StoredLocation.read(saved),
                    files: [])))
    }

    /// The events of a completion (`completion_id` = `parameter`), for a WHERE clause on
    /// `device_events` `alias`: its `complete` event is found by the completion's `event_seq`, every
    /// later one through `device_events_completion`, which leaves `complete` events out (0028).
    static func ofCompletion(_ alias: String, _ parameter: String) -> String {
        "((\(alias).completion_id = kid(\(parameter)) AND \(alias).type <> 'complete')"
            + " OR \(alias).seq = (SELECT event_seq FROM completions WHERE id = \(parameter)))"
    }

    /// Before the columns of completion `completionID` change: its `complete` event's body is
    /// written out, so the event stays what was received.
    static func materialize(_ db: any DatabaseConnection, completionID: String) throws {
        for row in try db.query(
            "SELECT e.seq, \(columns) FROM device_events e WHERE e.seq = (SELECT event_seq FROM completions"
                + " WHERE id = ?) AND e.type = 'complete' AND e.body = ''", completionID)
        {
            guard let event = try event(db, row) else { continue }
            _ = try db.run("UPDATE device_events SET body = ? WHERE seq = ?", try jsonText(event), try row.int("seq"))
        }
    }
}
