/// Body of `POST /v1/admin/conflicts/{id}/resolve`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ConflictResolveRequest: Sendable, Codable, Equatable {
    /// How to resolve (sync-v1 §8.4).
    public var resolution: Resolution
    /// For `choose_event`: one of the conflict's events.
    public var chosenEventID: WireID?
    /// Why (1-2000 characters).
    public var comment: String

    /// Creates a value from its fields.
    public init(resolution: Resolution, chosenEventID: WireID? = nil, comment: String) {
        self.resolution = resolution
        self.chosenEventID = chosenEventID
        self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
        case resolution
        case chosenEventID = "chosen_event_id"
        case comment
    }
}
