/// A recorded review decision; reaches devices by pull.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Review: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// The completion.
    public var completionID: WireID
    /// The decision.
    public var decision: ReviewDecision
    /// Comment.
    public var comment: String?
    /// The reviewer.
    public var reviewerID: WireID
    /// The reviewer's display name.
    public var reviewerName: String
    /// When.
    public var createdAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, completionID: WireID, decision: ReviewDecision, comment: String? = nil, reviewerID: WireID,
        reviewerName: String, createdAt: Timestamp
    ) {
        self.id = id
        self.completionID = completionID
        self.decision = decision
        self.comment = comment
        self.reviewerID = reviewerID
        self.reviewerName = reviewerName
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case completionID = "completion_id"
        case decision
        case comment
        case reviewerID = "reviewer_id"
        case reviewerName = "reviewer_name"
        case createdAt = "created_at"
    }
}
