/// Response of `POST /v1/sync/push`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PushResponse: Sendable, Codable, Equatable {
    /// One per request event, same order.
    public var results: [EventResult]
    /// Highest `device_seq` processed for the device.
    public var lastDeviceSeq: Int
    /// Server clock.
    public var serverTime: Timestamp

    /// Creates a value from its fields.
    public init(results: [EventResult], lastDeviceSeq: Int, serverTime: Timestamp) {
        self.results = results
        self.lastDeviceSeq = lastDeviceSeq
        self.serverTime = serverTime
    }

    enum CodingKeys: String, CodingKey {
        case results
        case lastDeviceSeq = "last_device_seq"
        case serverTime = "server_time"
    }
}
