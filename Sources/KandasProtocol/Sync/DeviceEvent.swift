/// One event of a device's append-only log (sync-v1 §6.1).
///
/// The envelope (`event_id`, `device_seq`, `item_id`, `base_version`, `recorded_at`) must decode
/// or the whole push is refused; the payload never fails decoding (see `EventPayload`).
public struct DeviceEvent: Sendable, Codable, Equatable {
    /// Client-generated identity, never reused.
    public var eventID: WireID
    /// Gap-free per-device sequence number, from 1.
    public var deviceSeq: Int
    /// The plan item the event is about.
    public var itemID: WireID
    /// The item version the device showed.
    public var baseVersion: Int
    /// Device clock when the user saved the event.
    public var recordedAt: Timestamp
    /// Type and payload.
    public var payload: EventPayload

    /// Creates an event.
    public init(
        eventID: WireID, deviceSeq: Int, itemID: WireID, baseVersion: Int, recordedAt: Timestamp,
        payload: EventPayload
    ) {
        self.eventID = eventID
        self.deviceSeq = deviceSeq
        self.itemID = itemID
        self.baseVersion = baseVersion
        self.recordedAt = recordedAt
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case deviceSeq = "device_seq"
        case type
        case itemID = "item_id"
        case baseVersion = "base_version"
        case recordedAt = "recorded_at"
        case payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventID = try container.decode(WireID.self, forKey: .eventID)
        deviceSeq = try container.decode(Int.self, forKey: .deviceSeq)
        itemID = try container.decode(WireID.self, forKey: .itemID)
        baseVersion = try container.decode(Int.self, forKey: .baseVersion)
        recordedAt = try container.decode(Timestamp.self, forKey: .recordedAt)
        let type = try container.decode(String.self, forKey: .type)
        payload = EventPayload(type: type, payload: try container.decode(JSONValue.self, forKey: .payload))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(deviceSeq, forKey: .deviceSeq)
        try container.encode(payload.typeName, forKey: .type)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(baseVersion, forKey: .baseVersion)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(payload.jsonValue, forKey: .payload)
    }
}
