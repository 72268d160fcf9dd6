import KandasProtocol
import KandasStore

/// Conflicts (Protocol §8): opened or joined at push time, every competing event linked, read
/// back as the wire `Conflict` with one `ConflictVersion` per event in server receive order.
enum ConflictStore {
    /// What an event's classification found: kind, severity, fields, item changes.
    struct Finding {
        var kind: ConflictKind
        var severity: ConflictSeverity
        var fields: [String] = []
        var itemChanges: [ItemFieldChange]? = nil
        /// The event that was displayed before (joins `event_seq` too, e.g. the first duplicate).
        var earlierEventSeqs: [Int64] = []
        /// Completions the conflict concerns (duplicates: all active ones).
        var completionIDs: [String] = []
    }

    /// A conflict an event opened or joined, and the completions this event linked to it.
    struct Joined {
        var id: String
        /// Completions that were not members before: only their `conflict_ids` changed.
        var linked: [String]
    }

    /// Opens a conflict, or joins the open one of the same kind on the same completion
    /// (item for `duplicate_completion`); returns its ID and the completions newly linked to it.
    /// The hard/soft severity never drops.
    ///
    /// The work is bounded by what this event adds: a join links one event and at most one
    /// completion, and recounts `open_conflicts` only for the completions it linked (the other
    /// members' open count did not change), so the thousandth duplicate costs what the second did.
    static func openOrJoin(
        _ db: any DatabaseConnection, _ finding: Finding, itemID: String, completionID: String?, eventSeq: Int64,
        eventID: String, now: Int64
    ) throws -> Joined {
        let anchor = finding.kind == .duplicateCompletion ? nil : completionID
        let existing = try db.queryOne(
            "SELECT id, severity, conflicting_fields FROM conflicts WHERE item_id = ? AND kind = ? AND status = 'open'"
                + " AND \(db.dialect.isSame("completion_id", "?")) LIMIT 1", itemID, finding.kind.rawValue, anchor)
        let id: String
        if let existing {
            id = try existing.string("id")
            var fields = decodeJSON([String].self, try existing.string("conflicting_fields")) ?? []
            for f in finding.fields where !fields.contains(f) { fields.append(f) }
            let severity = try existing.string("severity") == "hard" ? "hard" : finding.severity.rawValue
            _ = try db.run(
                "UPDATE conflicts SET severity = ?, conflicting_fields = ?, displayed_event_id = ?,"
                    + " item_changes = COALESCE(?, item_changes) WHERE id = ?", severity, try jsonText(fields),
                eventID, try finding.itemChanges.map(jsonText), id)
        } else {
            id = WireID.random().description
            guard
                let item = try db.queryOne(
                    "SELECT i.family_id, f.career_centre_id, f.region_id FROM plan_items i"
                        + " JOIN families f ON f.id = i.family_id WHERE i.id = ?", itemID)
            else { throw ServerError(.internalError, "conflict on a missing item") }
            _ = try db.run(
                "INSERT INTO conflicts(id, kind, severity, status, item_id, completion_id, family_id, career_centre_id,"
                    + " region_id, conflicting_fields, item_changes, displayed_event_id, detected_at)"
                    + " VALUES(?,?,?,'open',?,?,?,?,?,?,?,?,?)", id, finding.kind.rawValue, finding.severity.rawValue,
                itemID, anchor, try item.string("family_id"), try item.string("career_centre_id"),
                try item.string("region_id"), try jsonText(finding.fields), try finding.itemChanges.map(jsonText),
                eventID, now)
        }
        for seq in finding.earlierEventSeqs + [eventSeq] {
            _ = try db.run(
                "INSERT INTO conflict_events(conflict_id, event_seq) VALUES(?,?) ON CONFLICT DO NOTHING", id, seq)
        }
        var linked: [String] = []
        for completion in finding.completionIDs + [completionID].compactMap({ $0 }) where !linked.contains(completion) {
            if try db.run(
                "INSERT INTO conflict_completions(completion_id, conflict_id) VALUES(?,?) ON CONFLICT DO NOTHING",
                completion, id)
                > 0
            {
                linked.append(completion)
            }
        }
        try refreshOpenCounts(db, completionIDs: linked)
        return Joined(id: id, linked: linked)
    }

    /// Whether the item has an open `duplicate_completion` conflict (which every active completion joined).
    static func hasOpenDuplicate(_ db: any DatabaseConnection, itemID: String) throws -> Bool {
        try db.exists(
            "SELECT 1 FROM conflicts WHERE item_id = ? AND kind = 'duplicate_completion' AND status = 'open'"
                + " AND completion_id IS NULL", itemID)
    }

    /// Whether the item has an active completion.
    static func hasActiveCompletion(_ db: any DatabaseConnection, itemID: String) throws -> Bool {
        try db.exists("SELECT 1 FROM completions WHERE item_id = kid(?) AND state = 'active'", itemID)
    }

    /// The item's active completions in receive order (ID, `event_seq`).
    static func activeCompletions(
        _ db: any DatabaseConnection, itemID: String
    ) throws -> [(id: String, eventSeq: Int64)] {
        try db.query(
            "SELECT id, event_seq FROM completions WHERE item_id = kid(?) AND state = 'active' ORDER BY event_seq",
            itemID
        ).map { (try $0.string("id"), try $0.int("event_seq")) }
    }

    /// `open_conflicts` of the given completions, recounted.
    static func refreshOpenCounts(_ db: any DatabaseConnection, completionIDs: [String]) throws {
        for id in completionIDs {
            _ = try db.run(
                "UPDATE completions SET open_conflicts = (SELECT count(*) FROM conflict_completions cc"
                    + " JOIN conflicts k ON k.id = cc.conflict_id WHERE cc.completion_id = completions.id"
                    + " AND k.status = 'open') WHERE id = ?", id)
        }
    }

    /// Keeps `completions.open_conflicts` (the console's "has conflict" filter) in step.
    static func refreshOpenCounts(_ db: any DatabaseConnection, conflictID: String) throws {
        _ = try db.run(
            "UPDATE completions SET open_conflicts = (SELECT count(*) FROM conflict_completions cc"
                + " JOIN conflicts k ON k.id = cc.conflict_id WHERE cc.completion_id = completions.id"
                + " AND k.status = 'open') WHERE id IN (SELECT completion_id FROM conflict_completions"
                + " WHERE conflict_id = ?)", conflictID)
    }

    static let columns =
        "k.rowid AS _rowid, k.id, k.kind, k.severity, k.status, k.item_id, k.completion_id, k.family_id,"
        + " k.conflicting_fields, k.item_changes, k.displayed_event_id, k.detected_at, k.resolved_at,"
        + " k.resolved_by_type, k.resolved_by_id, k.resolution, k.resolution_comment"

    static func load(_ db: any DatabaseConnection, id: String) throws -> Conflict? {
        guard let row = try db.queryOne("SELECT \(columns) FROM conflicts k WHERE k.id = ?", id) else { return nil }
        return try conflict(db, row)
    }

    static func conflict(_ db: any DatabaseConnection, _ row: DatabaseRow) throws -> Conflict {
        let id = try row.string("id")
        let fields = decodeJSON([String].self, try row.string("conflicting_fields")) ?? []
        let kind = ConflictKind(rawValue: try row.string("kind")) ?? .planChanged
        var versions: [ConflictVersion] = []
        for e in try db.query(
            "SELECT ktext(e.device_id) AS device_id, \(EventBodies.userSQL), e.received_at, \(EventBodies.columns)"
                + " FROM conflict_events ce JOIN device_events e ON e.seq = ce.event_seq WHERE ce.conflict_id = ?"
                + " ORDER BY e.seq", id)
        {
            let event = try EventBodies.event(db, e)
            var values: [String: JSONValue] = [:]
            if kind != .duplicateCompletion, let event {
                values = EventValues.values(of: event.payload, fields: fields)
            }
            versions.append(
                ConflictVersion(
                    eventID: try wireID(e, "event_id"), deviceID: try wireID(e, "device_id"),
                    userID: try wireID(e, "user_id"),
                    receivedAt: Timestamp(millisecondsSince1970: try e.int("received_at")),
                    recordedAt: Timestamp(millisecondsSince1970: try e.int("recorded_at")),
                    completionID: e.optionalString("completion_id").flatMap { WireID($0) }, values: values))
        }
        let resolvedBy: ActorRef? = row.optionalString("resolved_by_id").flatMap { rid in
            WireID(rid).map {
                ActorRef(actorType: ActorType(rawValue: row.optionalString("resolved_by_type") ?? "") ?? .user, id: $0)
            }
        }
        return Conflict(
            id: try wireID(row, "id"), kind: kind,
            severity: ConflictSeverity(rawValue: try row.string("severity")) ?? .hard,
            status: ConflictStatus(rawValue: try row.string("status")) ?? .open, itemID: try wireID(row, "item_id"),
            completionID: row.optionalString("completion_id").flatMap { WireID($0) },
            eventIDs: versions.map(\.eventID), conflictingFields: fields, versions: versions,
            itemChanges: row.optionalString("item_changes").flatMap { decodeJSON([ItemFieldChange].self, $0) },
            displayedEventID: row.optionalString("displayed_event_id").flatMap { WireID($0) },
            detectedAt: Timestamp(millisecondsSince1970: try row.int("detected_at")),
            resolvedAt: timestamp(row, "resolved_at"), resolvedBy: resolvedBy,
            resolution: row.optionalString("resolution").flatMap { Resolution(rawValue: $0) },
            resolutionComment: row.optionalString("resolution_comment"))
    }
}
