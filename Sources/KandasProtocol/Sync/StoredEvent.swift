/// A device event as stored, with what the server decided.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct StoredEvent: Sendable, Codable, Equatable {
    /// The event as received.
    public var event: DeviceEvent
    /// The device.
    public var deviceID: WireID
    /// Its worker.
    public var userID: WireID
    /// Server receive order.
    public var seq: Int
    /// Server time.
    public var receivedAt: Timestamp
    /// Device clock minus server clock at that push.
    public var clockSkewMilliseconds: Int
    /// `accepted` or `rejected`.
    public var outcome: EventOutcome
    /// Rejection code.
    public var code: String?
    /// Conflicts it opened or joined.
    public var conflictIDs: [WireID]

    /// Creates a value from its fields.
    public init(
        event: DeviceEvent, deviceID: WireID, userID: WireID, seq: Int, receivedAt: Timestamp,
        clockSkewMilliseconds: Int, outcome: EventOutcome, code: String? = nil, conflictIDs: [WireID]
    ) {
        self.event = event
        self.deviceID = deviceID
        self.userID = userID
        self.seq = seq
        self.receivedAt = receivedAt
        self.clockSkewMilliseconds = clockSkewMilliseconds
        self.outcome = outcome
        self.code = code
        self.conflictIDs = conflictIDs
    }

    enum CodingKeys: String, CodingKey {
        case event
        case deviceID = "device_id"
        case userID = "user_id"
        case seq
        case receivedAt = "received_at"
        case clockSkewMilliseconds = "clock_skew_ms"
        case outcome
        case code
        case conflictIDs = "conflict_ids"
    }
}
