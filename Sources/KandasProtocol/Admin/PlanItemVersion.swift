/// One recorded version of a plan item.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanItemVersion: Sendable, Codable, Equatable {
    /// The item.
    public var itemID: WireID
    /// The version this record describes.
    public var version: Int
    /// The change that produced it.
    public var action: PlanItemAction
    /// When.
    public var changedAt: Timestamp
    /// The user.
    public var changedBy: WireID
    /// State after the change.
    public var fields: PlanItemFields
    /// Reason given.
    public var reason: String?

    /// Creates a value from its fields.
    public init(
        itemID: WireID, version: Int, action: PlanItemAction, changedAt: Timestamp, changedBy: WireID,
        fields: PlanItemFields, reason: String? = nil
    ) {
        self.itemID = itemID
        self.version = version
        self.action = action
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.fields = fields
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case version
        case action
        case changedAt = "changed_at"
        case changedBy = "changed_by"
        case fields
        case reason
    }
}
