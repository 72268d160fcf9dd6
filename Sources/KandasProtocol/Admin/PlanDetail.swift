/// A plan with its items.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanDetail: Sendable, Codable, Equatable {
    /// The plan.
    public var plan: Plan
    /// Its items, cancelled ones included.
    public var items: [PlanItem]

    /// Creates a value from its fields.
    public init(plan: Plan, items: [PlanItem]) {
        self.plan = plan
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case plan
        case items
    }
}
