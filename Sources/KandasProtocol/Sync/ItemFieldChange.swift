/// A plan-item field that changed between the device's base and now.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ItemFieldChange: Sendable, Codable, Equatable {
    /// `due_date`, `instructions`, `assigned_worker_id` or `status`.
    public var field: String
    /// Value at `base_version` (absent: was unset).
    public var baseValue: JSONValue?
    /// Value now (absent: unset).
    public var currentValue: JSONValue?

    /// Creates a value from its fields.
    public init(field: String, baseValue: JSONValue? = nil, currentValue: JSONValue? = nil) {
        self.field = field
        self.baseValue = baseValue
        self.currentValue = currentValue
    }

    enum CodingKeys: String, CodingKey {
        case field
        case baseValue = "base_value"
        case currentValue = "current_value"
    }
}
