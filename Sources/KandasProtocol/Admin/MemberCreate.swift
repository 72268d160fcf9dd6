/// A new member (in a family creation, an import, or `POST .../members`).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MemberCreate: Sendable, Codable, Equatable {
    /// 12-digit IIN.
    public var iin: String
    /// Surname.
    public var lastName: String
    /// Given name.
    public var firstName: String
    /// Patronymic.
    public var patronymic: String?
    /// Birth date; must agree with the IIN.
    public var birthDate: CalendarDate
    /// Relation to the head.
    public var relation: Relation

    /// Creates a value from its fields.
    public init(
        iin: String, lastName: String, firstName: String, patronymic: String? = nil, birthDate: CalendarDate,
        relation: Relation
    ) {
        self.iin = iin
        self.lastName = lastName
        self.firstName = firstName
        self.patronymic = patronymic
        self.birthDate = birthDate
        self.relation = relation
    }

    enum CodingKeys: String, CodingKey {
        case iin
        case lastName = "last_name"
        case firstName = "first_name"
        case patronymic
        case birthDate = "birth_date"
        case relation
    }
}
