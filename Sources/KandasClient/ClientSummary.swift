public import KandasProtocol

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
}
