/// Body of `POST /v1/admin/plans`: a draft plan.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanCreate: Sendable, Codable, Equatable {
    /// The family.
    public var familyID: WireID
    /// Items (0-500).
    public var items: [PlanItemCreate]

    /// Creates a value from its fields.
    public init(familyID: WireID, items: [PlanItemCreate]) {
        self.familyID = familyID
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case familyID = "family_id"
        case items
    }
}
