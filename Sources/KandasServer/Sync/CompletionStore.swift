import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// Completions: the fold of their accepted events (Protocol §8.3, §9.1), mapped from the
/// `completions` row plus its files and conflict links.
enum CompletionStore {
    /// A completion's plan: its item's (an item never changes plan). Not stored on the completion
    /// since migration 0038, which saved 37 bytes of every pushed completion's row.
    static let planSQL = "(SELECT i.plan_id FROM plan_items i WHERE i.id = ktext(c.item_id)) AS plan_id"

    /// A completion's creation time: its receipt, the one instant its push stored twice until
    /// migration 0038 dropped `created_at`.
    static let createdSQL = "c.received_at AS created_at"

    /// A completion's family and member: its item's (an item never changes family or member; push
    /// stores the item's). Not stored on the completion since migration 0041.
    static func familySQL(_ c: String = "c") -> String {
        "(SELECT ci.family_id FROM plan_items ci WHERE ci.id = ktext(\(c).item_id))"
    }

    static func memberSQL(_ c: String = "c") -> String {
        "(SELECT ci.member_id FROM plan_items ci WHERE ci.id = ktext(\(c).item_id))"
    }

    /// A completion's device: its `complete` event's (`event_seq`; neither changes, events are
    /// never deleted). Not stored on the completion since migration 0041; its text (a blob since 0049).
    static func deviceSQL(_ c: String = "c") -> String {
        "(SELECT ktext(ce.device_id) FROM device_events ce WHERE ce.seq = \(c).event_seq)"
    }

    static let columns =
        "c.rowid AS _rowid, c.id, ktext(c.item_id) AS item_id, \(planSQL), \(familySQL()) AS family_id, \(memberSQL()) AS member_id,"
        + " c.service_code, \(deviceSQL()) AS device_id,"
        + " ktext(c.user_id) AS user_id, c.state, c.rev, c.is_primary, c.performed_at, c.recorded_at, c.received_at, c.clock_skew_ms,"
        + " c.note, \(StoredLocation.select("c")), c.files_declared, c.files_verified, c.flag_bits, c.missing_bits,"
        + " c.review_state, \(createdSQL), c.updated_at"

    /// A completion by ID with no scope check (sync paths check the item's scope first).
    static func load(_ db: any DatabaseConnection, id: String) throws -> Completion? {
        guard let row = try db.queryOne("SELECT \(columns) FROM completions c WHERE c.id = ?", id) else {
            return nil
        }
        return try completion(db, row)
    }

    /// A completion visible to a staff principal, or `404 not_found`.
    static func load(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> Completion {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM completions c JOIN families f ON f.id = \(familySQL()) WHERE c.id = ?"
                    + " AND \(scope.sql)", values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such completion") }
        return try completion(db, row)
    }

    static func completion(_ db: any DatabaseConnection, _ row: DatabaseRow) throws -> Completion {
        let id = try row.string("id")
        let files = try AttachmentStore.files(db, completionID: id)
        let conflicts = try db.query(
            "SELECT conflict_id FROM conflict_completions WHERE completion_id = ? ORDER BY conflict_id", id
        ).map { try wireID($0, "conflict_id") }
        return try completion(row, files: files, conflictIDs: conflicts)
    }

    /// A completion from its row and its child rows (files, conflict IDs), loaded one by one here
    /// or a page at a time by ``ChangeLoader``.
    static func completion(_ row: DatabaseRow, files: [EvidenceFile], conflictIDs: [WireID]) throws -> Completion {
        let declared = Int(try row.int("files_declared"))
        let verified = Int(try row.int("files_verified"))
        return Completion(
            id: try wireID(row, "id"), itemID: try wireID(row, "item_id"), planID: try wireID(row, "plan_id"),
            familyID: try wireID(row, "family_id"), memberID: try wireID(row, "member_id"),
            serviceCode: Int(try row.int("service_code")), deviceID: try wireID(row, "device_id"),
            userID: try wireID(row, "user_id"),
            state: CompletionState(rawValue: try row.string("state")) ?? .active, rev: Int(try row.int("rev")),
            primary: try row.bool("is_primary"), performedAt: try time(row, "performed_at"),
            recordedAt: try time(row, "recorded_at"), receivedAt: try time(row, "received_at"),
            clockSkewMilliseconds: Int(try row.int("clock_skew_ms")), note: row.optionalString("note"),
            location: StoredLocation.read(row), files: files,
            filesDeclared: declared, filesVerified: verified, completeness: try completeness(row),
            evidenceMissing: try missing(row),
            evidenceFlags: EvidenceBits.list(try row.int("flag_bits"), EvidenceBits.flags),
            reviewState: ReviewState(rawValue: try row.string("review_state")) ?? .pending, conflictIDs: conflictIDs,
            createdAt: try time(row, "created_at"), updatedAt: try time(row, "updated_at"))
    }

    /// The one definition of complete (services.md §1.2, sync-v1 §9.1), read from the stored
    /// `missing_bits` column (`evidence_missing`, ``EvidenceBits``): complete when nothing is missing.
    static func completeness(_ row: DatabaseRow) throws -> Completeness {
        try row.int("missing_bits") == 0 ? .complete : .incomplete
    }

    /// What keeps a completion from counting (`evidence_missing`), in wire spelling.
    static func missing(_ row: DatabaseRow) throws -> [String] {
        EvidenceBits.list(try row.int("missing_bits"), EvidenceBits.missing)
    }

    /// The SQL condition "complete" on a `completions` row aliased `c` (the same definition).
    static let completeSQL = "c.missing_bits = 0"

    static func time(_ row: DatabaseRow, _ column: String) throws -> Timestamp {
        Timestamp(millisecondsSince1970: try row.int(column))
    }

    /// Recomputes the evidence flags (for review, never a refusal) and what keeps the completion
    /// from being complete (Protocol §9.1; Rules 2, paras 36-37).
    static func refreshFlags(_ db: any DatabaseConnection, id: String) throws {
        guard
            let row = try db.queryOne(
                "SELECT c.service_code, \(StoredLocation.select("c")), c.performed_at, c.recorded_at, c.clock_skew_ms,"
                    + " c.files_declared, c.files_verified,"
                    + " f.settlement_latitude, f.settlement_longitude FROM completions c"
                    + " JOIN families f ON f.id = \(familySQL()) WHERE c.id = ?", id)
        else { return }
        let kinds = Set(
            try db.query("SELECT DISTINCT kind FROM attachments WHERE completion_id = ?", id).map {
                try $0.string("kind")
            })
        let settlement: (Double, Double)? =
            row["settlement_latitude"].isNull || row["settlement_longitude"].isNull
            ? nil : (try row.double("settlement_latitude"), try row.double("settlement_longitude"))
        let location = StoredLocation.read(row)
        let code = Int(try row.int("service_code"))
        let flags = evidenceFlags(
            serviceCode: code, location: location, kinds: kinds, settlement: settlement,
            skewMilliseconds: try row.int("clock_skew_ms"), performedAt: try row.int("performed_at"),
            recordedAt: try row.int("recorded_at"))
        let missing = evidenceMissing(
            serviceCode: code, location: location, kinds: kinds, declared: Int(try row.int("files_declared")),
            verified: Int(try row.int("files_verified")))
        _ = try db.run(
            "UPDATE completions SET flag_bits = ?, missing_bits = ? WHERE id = ?",
            try EvidenceBits.storedMask(flags, EvidenceBits.flags),
            try EvidenceBits.storedMask(missing, EvidenceBits.missing),
            id)
    }

    /// The evidence kinds present on a completion: a file of the kind declared, or its location.
    static func present(location: Geolocation?, kinds: Set<String>) -> Set<EvidenceRule.Kind> {
        var present: Set<EvidenceRule.Kind> = []
        if kinds.contains("photo") { present.insert(.photo) }
        if kinds.contains("video") { present.insert(.video) }
        if kinds.contains("document") { present.insert(.document) }
        if location != nil { present.insert(.geolocation) }
        return present
    }

    /// What keeps a completion from being complete (`evidence_missing`, Protocol §9.1): the
    /// service's required kinds not present, then `unverified_files`. An unknown service code
    /// (never accepted by push) requires photo, video and geolocation.
    static func evidenceMissing(
        serviceCode: Int, location: Geolocation?, kinds: Set<String>, declared: Int, verified: Int
    ) -> [String] {
        let rule = (try? ServiceCatalog.service(code: serviceCode))?.evidence ?? EvidenceRule(document: .recommended)
        return rule.incompleteReasons(
            present: present(location: location, kinds: kinds), filesDeclared: declared, filesVerified: verified)
    }

    /// The evidence flags of a completion from its values (Protocol §9.1), with no store access.
    static func evidenceFlags(
        serviceCode: Int, location: Geolocation?, kinds: Set<String>, settlement: (Double, Double)?,
        skewMilliseconds: Int64, performedAt: Int64, recordedAt: Int64
    ) -> [String] {
        let present = present(location: location, kinds: kinds)
        var flags: [String] = []
        if let service = try? ServiceCatalog.service(code: serviceCode) {
            for kind in service.evidence.missing(from: present) {
                flags.append(kind == .geolocation ? "missing_location" : "missing_" + kind.rawValue)
            }
        }
        if let location {
            if location.mock { flags.append("mock_location") }
            if location.accuracyMeters > 100 { flags.append("low_accuracy") }
            if let settlement {
                let km = distanceKm(location.latitude, location.longitude, settlement.0, settlement.1)
                if km > 20 { flags.append("far_from_settlement") }
            }
        }
        if abs(skewMilliseconds) > 600_000 { flags.append("clock_skew") }
        if performedAt > recordedAt { flags.append("performed_after_recorded") }
        return flags
    }

    /// An amend's or a resolution's changes (Protocol §8.3): the fields given replace the stored ones
    /// (a new location replaces all seven columns, an absent altitude too), the revision goes up.
    static func amend(
        _ db: any DatabaseConnection, id: String, note: String?, performedAt: Int64?, location: Geolocation?, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE completions SET note = COALESCE(?, note), performed_at = COALESCE(?, performed_at),"
                + (location == nil ? "" : " \(StoredLocation.assignments),")
                + " rev = rev + 1, updated_at = ? WHERE id = ?",
            values: [note.map { .text($0) } ?? .null, performedAt.map { .integer($0) } ?? .null]
                + (location == nil ? [] : StoredLocation.values(location)) + [.integer(now), .text(id)])
    }

    /// Great-circle distance (haversine, mean Earth radius).
    static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let rad = Double.pi / 180
        let dLat = (lat2 - lat1) * rad
        let dLon = (lon2 - lon1) * rad
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 6371.0 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }

    /// Primary completions (Protocol §8.1): for a once-only service, the active completion whose
    /// `complete` was received first; every completion of a recurring service is primary.
    /// Also keeps the item's `completion_count` and `status` in step.
    ///
    /// - Parameter delta: for a recurring service, the change in active completions this event made
    ///   (+1 complete, -1 void), so a push does not recount an item's whole history (a recurring item
    ///   may collect thousands of completions); nil recounts (resolutions).
    /// - Parameter primaryCurrent: a once-only item only gained a non-primary duplicate (its primary
    ///   and count stay), so its completions are not scanned: a push of the thousandth duplicate
    ///   costs what the second did.
    static func refreshItem(
        _ db: any DatabaseConnection, itemID: String, now: Int64, delta: Int? = nil, known: ItemState? = nil,
        primaryCurrent: Bool = false, feedSince: Int64? = nil, batch: EventApplier.ItemCache? = nil
    ) throws {
        guard let item = try known ?? ItemState.load(db, itemID: itemID) else { return }
        let familyID = item.familyID
        let once = (try? ServiceCatalog.service(code: item.serviceCode))?.recurrence == .once
        let count: Int
        if once && primaryCurrent {
            count = 1
        } else if once {
            let first = try db.queryOne(
                "SELECT id FROM completions WHERE item_id = kid(?) AND state = 'active' ORDER BY event_seq LIMIT 1",
                itemID)?
                .optionalString("id")
            for row in try db.query(
                "SELECT id FROM completions WHERE item_id = kid(?) AND is_primary != CASE WHEN id = ? THEN 1 ELSE 0 END",
                itemID, first ?? "")
            {
                let id = try row.string("id")
                _ = try db.run(
                    "UPDATE completions SET is_primary = ?, updated_at = ? WHERE id = ?", id == first, now, id)
                try SyncFeed.record(db, entity: .completion, id: id, familyID: familyID)
            }
            count = first == nil ? 0 : 1
        } else if let delta {
            count = max(0, item.completionCount + delta)
        } else {
            count = try SyncFeed.count(
                db, "SELECT count(*) AS n FROM completions WHERE item_id = kid(?) AND state = 'active'", itemID)
        }
        let status = item.status
        // A cancelled item stays cancelled (Protocol §8.1); otherwise completed while it has a primary completion.
        let newStatus = status == "cancelled" ? status : (count > 0 ? "completed" : "open")
        // `item` is the row as this transaction holds it (read here or by the caller, locked on
        // PostgreSQL, written by nobody else since), so whether the update changes it is known without
        // asking: the update need not wait for its row count (one round trip fewer on PostgreSQL).
        batch?.refreshed(itemID, completionCount: count, status: newStatus)
        guard item.completionCount != count || item.status != newStatus else { return }
        if let batch, batch.holdsItemWrites {
            batch.holdItemWrite(itemID, count: count, status: newStatus)
        } else {
            try db.runDeferred(
                "UPDATE plan_items SET completion_count = ?, status = ? WHERE id = ?", count, newStatus, itemID)
        }
        // One feed row per item per push transaction is enough: pull sends an object's state as of the
        // read, only for its latest row, and a reader sees the whole transaction or none of it. A row
        // this push wrote already (and kept: a rolled-back event's row does not count) stands for the
        // item; a recurring item's count changes on every complete of the batch. The push's batch
        // knows the rows it recorded itself; otherwise they are read back.
        if let feedSince {
            if let batch, batch.knowsItemFeedRows(of: itemID) {
                if batch.itemFeedRows.contains(itemID) { return }
            } else if try db.exists(laterItemRowSQL, itemID, feedSince) {
                return
            }
        }
        try SyncFeed.record(db, entity: .planItem, id: itemID, familyID: familyID)
        if feedSince != nil { batch?.recordedItemFeedRow(itemID) }
    }

    /// Whether the item has a feed row after `seq` (the push's own), through `changes_entity`: its WHERE
    /// (`SyncFeed.notOutcome`, migration 0035/0048) is stated so SQLite uses it.
    static let laterItemRowSQL =
        "SELECT 1 FROM changes WHERE entity_id = kid(?) AND seq > ? AND entity = \(FeedCodes.code(.planItem))"
        + " AND \(SyncFeed.notOutcome) AND device_id IS NULL"

    /// The `plan_items` columns `refreshItem` needs.
    struct ItemState {
        var serviceCode: Int
        var status: String
        var familyID: String
        var completionCount: Int

        static func load(_ db: any DatabaseConnection, itemID: String) throws -> ItemState? {
            guard
                let row = try db.queryOne(
                    "SELECT service_code, status, family_id, completion_count FROM plan_items WHERE id = ?"
                        + db.dialect.forUpdate, itemID)
            else { return nil }
            return ItemState(
                serviceCode: Int(try row.int("service_code")), status: try row.string("status"),
                familyID: try row.string("family_id"), completionCount: Int(try row.int("completion_count")))
        }
    }
}

extension EvidenceBits {
    /// The mask of a list the server computed: a name without a bit is a bug, reported, never dropped.
    static func storedMask(_ list: [String], _ names: [String]) throws -> Int64 {
        guard let mask = mask(list, names) else {
            throw ServerError(
                .internalError, "evidence list \(list) has a name without a stored bit or is out of order")
        }
        return mask
    }
}

/// Encodes a wire value as compact JSON text for a TEXT column (the wire encoder's bytes, without `JSONEncoder`).
func jsonText<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try JSONCoding.encodeBytes(value), as: UTF8.self)
}

/// Decodes JSON text from a column; nil when absent or unreadable (one pass, no `JSONDecoder`).
func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
    try? JSONCoding.decodeReportingUnknown(type, from: JSONValue.parse(Array(text.utf8))).value
}
