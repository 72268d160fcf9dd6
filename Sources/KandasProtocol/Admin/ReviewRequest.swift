/// Body of `POST /v1/admin/completions/{id}/reviews`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ReviewRequest: Sendable, Codable, Equatable {
    /// The decision.
    public var decision: ReviewDecision
    /// 1-2000 characters; required except for `approve`.
    public var comment: String?

    /// Creates a value from its fields.
    public init(decision: ReviewDecision, comment: String? = nil) {
        self.decision = decision
        self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
        case decision
        case comment
    }
}
