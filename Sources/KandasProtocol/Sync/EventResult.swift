/// The outcome of one pushed event (also pulled as `event_outcome`).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EventResult: Sendable, Codable, Equatable {
    /// Echo.
    public var eventID: WireID
    /// Echo.
    public var deviceSeq: Int
    /// Outcome.
    public var outcome: EventOutcome
    /// For `duplicate`: `accepted` or `rejected`.
    public var storedOutcome: EventOutcome?
    /// For `rejected` and `gap` (and duplicates of rejected events).
    public var code: String?
    /// Human text.
    public var detail: String?
    /// For `gap`: the next `device_seq` the server takes.
    public var expectedDeviceSeq: Int?
    /// The completion created or changed.
    public var completionID: WireID?
    /// Its rev after this event.
    public var completionRev: Int?
    /// Conflicts the event opened or joined.
    public var conflictIDs: [WireID]?

    /// Creates a value from its fields.
    public init(
        eventID: WireID, deviceSeq: Int, outcome: EventOutcome, storedOutcome: EventOutcome? = nil, code: String? = nil,
        detail: String? = nil, expectedDeviceSeq: Int? = nil, completionID: WireID? = nil, completionRev: Int? = nil,
        conflictIDs: [WireID]? = nil
    ) {
        self.eventID = eventID
        self.deviceSeq = deviceSeq
        self.outcome = outcome
        self.storedOutcome = storedOutcome
        self.code = code
        self.detail = detail
        self.expectedDeviceSeq = expectedDeviceSeq
        self.completionID = completionID
        self.completionRev = completionRev
        self.conflictIDs = conflictIDs
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case deviceSeq = "device_seq"
        case outcome
        case storedOutcome = "stored_outcome"
        case code
        case detail
        case expectedDeviceSeq = "expected_device_seq"
        case completionID = "completion_id"
        case completionRev = "completion_rev"
        case conflictIDs = "conflict_ids"
    }
}
