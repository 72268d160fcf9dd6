/// Properties of an exported completion (no personal data).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ExportFeatureProperties: Sendable, Codable, Equatable {
    /// Completion.
    public var completionID: WireID
    /// Plan item.
    public var itemID: WireID
    /// Family.
    public var familyID: WireID
    /// Service 1-25.
    public var serviceCode: Int
    /// When.
    public var performedAt: Timestamp
    /// Location accuracy.
    public var accuracyMeters: Double
    /// Review state.
    public var reviewState: ReviewState
    /// Completeness.
    public var completeness: Completeness
    /// k.
    public var filesVerified: Int
    /// n.
    public var filesDeclared: Int

    /// Creates a value from its fields.
    public init(
        completionID: WireID, itemID: WireID, familyID: WireID, serviceCode: Int, performedAt: Timestamp,
        accuracyMeters: Double, reviewState: ReviewState, completeness: Completeness, filesVerified: Int,
        filesDeclared: Int
    ) {
        self.completionID = completionID
        self.itemID = itemID
        self.familyID = familyID
        self.serviceCode = serviceCode
        self.performedAt = performedAt
        self.accuracyMeters = accuracyMeters
        self.reviewState = reviewState
        self.completeness = completeness
        self.filesVerified = filesVerified
        self.filesDeclared = filesDeclared
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case itemID = "item_id"
        case familyID = "family_id"
        case serviceCode = "service_code"
        case performedAt = "performed_at"
        case accuracyMeters = "accuracy_m"
        case reviewState = "review_state"
        case completeness
        case filesVerified = "files_verified"
        case filesDeclared = "files_declared"
    }
}
