/// Response of `GET /v1/sync/pull`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PullResponse: Sendable, Codable, Equatable {
    /// Wipe every mirror table before applying this page.
    public var reset: Bool
    /// Changes in `seq` order.
    public var changes: [Change]
    /// Opaque; send it back on the next pull.
    public var cursor: String
    /// More changes exist; pull again.
    public var hasMore: Bool
    /// Highest processed `device_seq` of this device (same snapshot).
    public var lastDeviceSeq: Int
    /// Server clock.
    public var serverTime: Timestamp

    /// Creates a value from its fields.
    public init(
        reset: Bool, changes: [Change], cursor: String, hasMore: Bool, lastDeviceSeq: Int, serverTime: Timestamp
    ) {
        self.reset = reset
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
        self.lastDeviceSeq = lastDeviceSeq
        self.serverTime = serverTime
    }

    enum CodingKeys: String, CodingKey {
        case reset
        case changes
        case cursor
        case hasMore = "has_more"
        case lastDeviceSeq = "last_device_seq"
        case serverTime = "server_time"
    }
}
