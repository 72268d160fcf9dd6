/// Queue state a device reports with each push, shown to supervisors.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ClientStatus: Sendable, Codable, Equatable {
    /// Events not yet acknowledged.
    public var outboxEvents: Int
    /// Size of those events.
    public var outboxBytes: Int
    /// Recording time of the oldest unacknowledged event.
    public var oldestUnsentAt: Timestamp?
    /// Files not yet verified by the server.
    public var filesPending: Int
    /// Bytes of those files still to send.
    public var bytesPending: Int
    /// The app's version.
    public var appVersion: String
    /// Last sync error: an error code or short text without personal data.
    public var lastError: String?

    /// Creates a value from its fields.
    public init(
        outboxEvents: Int, outboxBytes: Int, oldestUnsentAt: Timestamp? = nil, filesPending: Int, bytesPending: Int,
        appVersion: String, lastError: String? = nil
    ) {
        self.outboxEvents = outboxEvents
        self.outboxBytes = outboxBytes
        self.oldestUnsentAt = oldestUnsentAt
        self.filesPending = filesPending
        self.bytesPending = bytesPending
        self.appVersion = appVersion
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case outboxEvents = "outbox_events"
        case outboxBytes = "outbox_bytes"
        case oldestUnsentAt = "oldest_unsent_at"
        case filesPending = "files_pending"
        case bytesPending = "bytes_pending"
        case appVersion = "app_version"
        case lastError = "last_error"
    }
}
