/// Body of `POST /v1/sync/push`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PushRequest: Sendable, Codable, Equatable {
    /// The token's device.
    public var deviceID: WireID
    /// Device clock at sending (skew).
    public var sentAt: Timestamp
    /// Queue state for supervisors.
    public var clientStatus: ClientStatus?
    /// 1-500 events in increasing `device_seq`.
    public var events: [DeviceEvent]

    /// Creates a value from its fields.
    public init(deviceID: WireID, sentAt: Timestamp, clientStatus: ClientStatus? = nil, events: [DeviceEvent]) {
        self.deviceID = deviceID
        self.sentAt = sentAt
        self.clientStatus = clientStatus
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id"
        case sentAt = "sent_at"
        case clientStatus = "client_status"
        case events
    }
}
