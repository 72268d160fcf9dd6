/// Payload of a `void` event.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct VoidPayload: Sendable, Codable, Equatable {
    /// The completion.
    public var completionID: WireID
    /// The rev the device saw.
    public var baseCompletionRev: Int
    /// Why (1-500 characters).
    public var reason: String

    /// Creates a value from its fields.
    public init(completionID: WireID, baseCompletionRev: Int, reason: String) {
        self.completionID = completionID
        self.baseCompletionRev = baseCompletionRev
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case baseCompletionRev = "base_completion_rev"
        case reason
    }
}
