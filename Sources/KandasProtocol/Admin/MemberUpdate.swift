/// Body of `PATCH /v1/admin/members/{id}` (IIN and birth date are immutable).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MemberUpdate: Sendable, Codable, Equatable {
    /// The version the change is based on.
    public var version: Int
    /// New surname.
    public var lastName: String?
    /// New given name.
    public var firstName: String?
    /// New patronymic.
    public var patronymic: String?
    /// New relation.
    public var relation: Relation?

    /// Creates a value from its fields.
    public init(
        version: Int, lastName: String? = nil, firstName: String? = nil, patronymic: String? = nil,
        relation: Relation? = nil
    ) {
        self.version = version
        self.lastName = lastName
        self.firstName = firstName
        self.patronymic = patronymic
        self.relation = relation
    }

    enum CodingKeys: String, CodingKey {
        case version
        case lastName = "last_name"
        case firstName = "first_name"
        case patronymic
        case relation
    }
}
