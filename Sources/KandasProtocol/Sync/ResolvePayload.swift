/// Payload of a `resolve` event.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ResolvePayload: Sendable, Codable, Equatable {
    /// The conflict.
    public var conflictID: WireID
    /// How.
    public var resolution: Resolution
    /// For `choose_event`.
    public var chosenEventID: WireID?
    /// Why.
    public var comment: String?

    /// Creates a value from its fields.
    public init(conflictID: WireID, resolution: Resolution, chosenEventID: WireID? = nil, comment: String? = nil) {
        self.conflictID = conflictID
        self.resolution = resolution
        self.chosenEventID = chosenEventID
        self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
        case conflictID = "conflict_id"
        case resolution
        case chosenEventID = "chosen_event_id"
        case comment
    }
}
