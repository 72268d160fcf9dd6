/// One competing version in a conflict.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ConflictVersion: Sendable, Codable, Equatable {
    /// The event.
    public var eventID: WireID
    /// Its device.
    public var deviceID: WireID
    /// Its worker.
    public var userID: WireID
    /// Server receive time.
    public var receivedAt: Timestamp
    /// Device clock at recording.
    public var recordedAt: Timestamp
    /// The completion it created or changed.
    public var completionID: WireID?
    /// Conflicting field -> value this event carried.
    public var values: [String: JSONValue]

    /// Creates a value from its fields.
    public init(
        eventID: WireID, deviceID: WireID, userID: WireID, receivedAt: Timestamp, recordedAt: Timestamp,
        completionID: WireID? = nil, values: [String: JSONValue]
    ) {
        self.eventID = eventID
        self.deviceID = deviceID
        self.userID = userID
        self.receivedAt = receivedAt
        self.recordedAt = recordedAt
        self.completionID = completionID
        self.values = values
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case deviceID = "device_id"
        case userID = "user_id"
        case receivedAt = "received_at"
        case recordedAt = "recorded_at"
        case completionID = "completion_id"
        case values
    }
}
