public import KandasProtocol
import SQLiteKit

/// What `kandas status` shows: the outbox, pending uploads and the health of the last sync.
public struct ClientSummary: Sendable, Equatable {
    /// Enrolled and not revoked.
    public var enrolled: Bool
    /// The device must enroll again (revoked); everything local is kept.
    public var reEnrollRequired: Bool
    /// Events not yet acknowledged by the server.
    public var outboxEvents: Int
    /// Their JSON size.
    public var outboxBytes: Int
    /// When the oldest of them was recorded.
    public var oldestUnsentAt: Timestamp?
    /// Files not yet uploaded (files of rejected events are not counted: they will not be uploaded).
    public var filesPending: Int
    /// Bytes of those files.
    public var bytesPending: Int64
    /// Files the server refused permanently (kept locally).
    public var filesFailed: Int
    /// Files still waiting on the server, by the state its newest receipt gave them (sync-v1 §11):
    /// `declared`, `receiving`, `corrupt`, `expired`; states with no file are absent, `verified` never
    /// appears. Files not yet listed by any receipt, freed, failed or of rejected events are not counted.
    /// A `corrupt` or `expired` file is uploaded again from its local copy on the next sync.
    public var filesByServerState: [UploadState: Int] = [:]
    /// Events the server rejected (see `KandasClient.quarantined()`).
    public var quarantinedEvents: Int
    /// The last sync error, if the last sync failed.
    public var lastError: String?
    /// When a sync last completed.
    public var lastSyncAt: Timestamp?

    static func load(_ db: Connection) throws -> ClientSummary {
        let outbox = try db.queryOne(
            "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes, min(recorded_at) AS oldest FROM outbox "
                + "WHERE state = 'pending'")
        let files = try db.queryOne(
            "SELECT count(*) AS n, coalesce(sum(f.size), 0) AS bytes FROM files f JOIN outbox o ON o.event_id = f.event_id "
                + "WHERE f.state IN ('pending', 'uploading') AND o.state != 'rejected'")
        var byServerState: [UploadState: Int] = [:]
        for row in try db.query(
            "SELECT f.server_state AS s, count(*) AS n FROM files f JOIN outbox o ON o.event_id = f.event_id "
                + "WHERE f.server_state IS NOT NULL AND f.server_state != 'verified' "
                + "AND f.state NOT IN ('freed', 'failed') AND o.state != 'rejected' GROUP BY f.server_state")
        {
            if let state = UploadState(rawValue: try row.string("s")) { byServerState[state] = Int(try row.int("n")) }
        }
        let enrolled = try ClientStore.setting(db, .deviceID) != nil
        let revoked = try ClientStore.setting(db, .reEnrollRequired) != nil
        return ClientSummary(
            enrolled: enrolled && !revoked, reEnrollRequired: revoked,
            outboxEvents: Int(try outbox?.int("n") ?? 0), outboxBytes: Int(try outbox?.int("bytes") ?? 0),
            oldestUnsentAt: outbox?.optionalInt("oldest").map { Timestamp(millisecondsSince1970: $0) },
            filesPending: Int(try files?.int("n") ?? 0), bytesPending: try files?.int("bytes") ?? 0,
            filesFailed: Int(try db.scalarInt("SELECT count(*) FROM files WHERE state = 'failed'")),
            filesByServerState: byServerState,
            quarantinedEvents: Int(try db.scalarInt("SELECT count(*) FROM outbox WHERE state = 'rejected'")),
            lastError: try ClientStore.setting(db, .lastError),
            lastSyncAt: try ClientStore.setting(db, .lastSyncAt).flatMap(Timestamp.init))
    }
}

extension Connection {
    /// An integer scalar (0 for NULL).
    func scalarInt(_ sql: String) throws -> Int64 {
        if case .integer(let value) = try scalar(sql) { return value }
        return 0
    }
}
