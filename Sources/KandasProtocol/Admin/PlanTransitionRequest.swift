/// Body of `POST /v1/admin/plans/{id}/transition`: the next lifecycle step.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanTransitionRequest: Sendable, Codable, Equatable {
    /// The next status (one step forward).
    public var to: PlanStatus
    /// The plan version the step is based on.
    public var version: Int
    /// When it happened in reality (default: now).
    public var at: Timestamp?

    /// Creates a value from its fields.
    public init(to: PlanStatus, version: Int, at: Timestamp? = nil) {
        self.to = to
        self.version = version
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case to
        case version
        case at
    }
}
