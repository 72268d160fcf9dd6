/// A family with its members (`GET /v1/admin/families/{id}`).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct FamilyDetail: Sendable, Codable, Equatable {
    /// The family.
    public var family: Family
    /// Its members.
    public var members: [Member]

    /// Creates a value from its fields.
    public init(family: Family, members: [Member]) {
        self.family = family
        self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case family
        case members
    }
}
