import KandasProtocol
import KandasStore

/// The batched loads of the sync tables: completions with their files and conflict links,
/// receipts, and this device's event outcomes.
///
/// They read `completions` (``CompletionStore/columns``), `attachments` (``AttachmentStore/columns``
/// by `completion_id`), `conflict_completions` (`completion_id`, `conflict_id`) and `device_events`
/// (by `device_id` and `event_id`). Each object is built by the function the per-row load uses
/// (``CompletionStore/completion(_:files:conflictIDs:)``, ``AttachmentStore/receipt(_:files:now:)``,
/// ``EventOutcomes/stored(_:eventID:)``) with the child rows passed in; `PullHandlerTests` compares a
/// page with those per-row loads.
extension ChangeLoader {
    /// Completions by ID, each with its files and conflict IDs.
    func completions(_ list: String) throws -> [String: Completion] {
        let files = try filesByCompletion(list)
        var conflicts: [String: [WireID]] = [:]
        for row in try db.query(
            "SELECT completion_id, conflict_id FROM conflict_completions WHERE completion_id IN \(idList)"
                + " ORDER BY completion_id, conflict_id", list)
        {
            conflicts[try row.string("completion_id"), default: []].append(try wireID(row, "conflict_id"))
        }
        return try keyed("SELECT \(CompletionStore.columns) FROM completions c WHERE c.id IN \(idList)", list) {
            let id = try $0.string("id")
            return try CompletionStore.completion($0, files: files[id] ?? [], conflictIDs: conflicts[id] ?? [])
        }
    }

    /// Declared files by completion ID, in declaration order.
    func filesByCompletion(_ list: String) throws -> [String: [EvidenceFile]] {
        var files: [String: [EvidenceFile]] = [:]
        for row in try db.query(
            "SELECT \(AttachmentStore.columns) FROM attachments a WHERE a.completion_id IN \(idList)"
                + " ORDER BY a.completion_id, a.position", list)
        {
            files[try row.string("completion_id"), default: []].append(try AttachmentStore.file(row))
        }
        return files
    }

    /// Receipts by completion ID, issued now.
    func receipts(_ list: String) throws -> [String: Receipt] {
        let files = try filesByCompletion(list)
        return try keyed(
            "SELECT id, rev, files_declared, files_verified, missing_bits FROM completions WHERE id IN"
                + " \(idList)", list
        ) { try AttachmentStore.receipt($0, files: files[try $0.string("id")] ?? [], now: now) }
    }

    /// The rows of device `?2` of the event IDs in JSON array `?1`, through `device_events_event`; the
    /// IDs bound through `kid` and read through `ktext` (blobs on SQLite since migrations 0046 and 0049).
    static func outcomesSQL(_ dialect: any SQLDialect) -> String {
        "SELECT ktext(event_id) AS event_id, device_seq, outcome, code, detail, ktext(completion_id) AS completion_id,"
            + " completion_rev, conflict_ids FROM device_events WHERE device_id = kid(?2) AND event_id IN"
            + " (SELECT kid(value) FROM \(dialect.jsonTextArrayElements(parameter: "?1")))"
    }

    /// This device's event outcomes by event ID.
    ///
    /// An event the device sent more than once, or a `duplicate` (whose answer is the original's,
    /// possibly another device's), is read by ``EventOutcomes/result(_:deviceID:eventID:)`` itself.
    func outcomes(_ list: String) throws -> [String: EventResult] {
        let rows = try db.query(Self.outcomesSQL(db.dialect), list, deviceID)
        var seen: [String: Int] = [:]
        for row in rows { seen[try row.string("event_id"), default: 0] += 1 }
        var out: [String: EventResult] = [:]
        for row in rows {
            let eventID = try row.string("event_id")
            if seen[eventID] == 1, try row.string("outcome") != "duplicate" {
                out[eventID] = try EventOutcomes.stored(row, eventID: eventID)
            } else if out[eventID] == nil {
                out[eventID] = try EventOutcomes.result(db, deviceID: deviceID, eventID: eventID)
            }
        }
        return out
    }
}
