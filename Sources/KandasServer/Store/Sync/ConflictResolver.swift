import KandasProtocol
import KandasStore

/// Clears a conflict (Protocol §8.4), for a device's `resolve` event and an administrator alike.
enum ConflictResolver {
    static func allowed(_ resolution: Resolution, for kind: ConflictKind) -> Bool {
        switch resolution {
        case .keepDisplayed: return true
        case .chooseEvent: return kind == .amendSameField || kind == .duplicateCompletion
        case .voidCompletion:
            return [.completedAfterCancel, .planChanged, .duplicateCompletion, .staleVoid].contains(kind)
        }
    }

    /// Applies a resolution in the caller's transaction; returns the conflict's completion (if any).
    ///
    /// - Throws: ``EventValidation/Rejection`` `conflict_already_resolved` (the first resolve in
    ///   server order wins) or `resolution_not_allowed`.
    static func resolve(
        _ db: any DatabaseConnection, conflictID: String, resolution: Resolution, chosenEventID: WireID?,
        comment: String?,
        by actor: ActorRef, now: Int64
    ) throws -> String? {
        typealias Rejection = EventValidation.Rejection
        guard
            let row = try db.queryOne(
                "SELECT kind, status, item_id, completion_id, family_id, conflicting_fields FROM conflicts WHERE id = ?",
                conflictID)
        else { throw Rejection(.unknownConflict, "/payload/conflict_id: no such conflict") }
        guard try row.string("status") == "open" else {
            throw Rejection(.conflictAlreadyResolved, "/payload/conflict_id: resolved earlier")
        }
        let kind = ConflictKind(rawValue: try row.string("kind")) ?? .planChanged
        guard allowed(resolution, for: kind) else {
            throw Rejection(.resolutionNotAllowed, "/payload/resolution: not allowed for \(kind.rawValue)")
        }
        let familyID = try row.string("family_id")
        let itemID = try row.string("item_id")
        let anchor = row.optionalString("completion_id")
        var displayed: String? = nil
        func voidCompletion(_ id: String) throws {
            _ = try db.run(
                "UPDATE completions SET state = 'voided', rev = rev + 1, updated_at = ? WHERE id = ? AND state = 'active'",
                now, id)
        }
        switch resolution {
        case .keepDisplayed:
            break
        case .chooseEvent:
            guard let chosen = chosenEventID,
                let event = try db.queryOne(
                    "SELECT \(EventBodies.columns) FROM conflict_events ce JOIN device_events e ON e.seq = ce.event_seq"
                        + " WHERE ce.conflict_id = ? AND e.event_id = kid(?)", conflictID, chosen.description)
            else {
                throw Rejection(.resolutionNotAllowed, "/payload/chosen_event_id: not one of the conflict's events")
            }
            displayed = chosen.description
            if kind == .amendSameField, let anchor,
                let payload = try EventBodies.event(db, event)?.payload
            {
                try EventBodies.materialize(db, completionID: anchor)
                let fields = decodeJSON([String].self, try row.string("conflicting_fields")) ?? []
                let values = EventValues.values(of: payload, fields: fields)
                var note: String? = nil
                var performed: Int64? = nil
                var location: Geolocation? = nil
                if case .string(let v)? = values["note"] { note = v }
                if case .string(let v)? = values["performed_at"] { performed = Timestamp(v)?.millisecondsSince1970 }
                if let v = values["location"], v != .null { location = decodeJSON(Geolocation.self, try jsonText(v)) }
                try CompletionStore.amend(
                    db, id: anchor, note: note, performedAt: performed, location: location, now: now)
            } else if kind == .duplicateCompletion, let keep = event.optionalString("completion_id") {
                for other in try db.query(
                    "SELECT completion_id FROM conflict_completions WHERE conflict_id = ? AND completion_id != ?",
                    conflictID, keep)
                {
                    try voidCompletion(try other.string("completion_id"))
                }
            }
        case .voidCompletion:
            if kind == .duplicateCompletion {
                for other in try db.query(
                    "SELECT c.id FROM conflict_completions cc JOIN completions c ON c.id = cc.completion_id"
                        + " WHERE cc.conflict_id = ? AND c.is_primary = 0", conflictID)
                {
                    try voidCompletion(try other.string("id"))
                }
            } else if let anchor {
                try voidCompletion(anchor)
            }
        }
        _ = try db.run(
            "UPDATE conflicts SET status = 'resolved', resolved_at = ?, resolved_by_type = ?, resolved_by_id = ?,"
                + " resolution = ?, resolution_comment = ?, displayed_event_id = COALESCE(?, displayed_event_id)"
                + " WHERE id = ?", now, actor.actorType.rawValue, actor.id.description, resolution.rawValue, comment,
            displayed, conflictID)
        try ConflictStore.refreshOpenCounts(db, conflictID: conflictID)
        try CompletionStore.refreshItem(db, itemID: itemID, now: now)
        try SyncFeed.record(db, entity: .conflict, id: conflictID, familyID: familyID)
        for id in try db.query("SELECT completion_id FROM conflict_completions WHERE conflict_id = ?", conflictID) {
            try SyncFeed.record(
                db, entity: .completion, id: try id.string("completion_id"), familyID: familyID)
        }
        return anchor
    }
}
