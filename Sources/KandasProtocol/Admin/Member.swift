/// A person of a family, identified by IIN.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Member: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// The family.
    public var familyID: WireID
    /// 12-digit IIN, validated.
    public var iin: String
    /// Surname.
    public var lastName: String
    /// Given name.
    public var firstName: String
    /// Patronymic.
    public var patronymic: String?
    /// Birth date (agrees with the IIN).
    public var birthDate: CalendarDate
    /// Relation to the head.
    public var relation: Relation
    /// Optimistic-concurrency version.
    public var version: Int
    /// Creation time.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, familyID: WireID, iin: String, lastName: String, firstName: String, patronymic: String? = nil,
        birthDate: CalendarDate, relation: Relation, version: Int, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.familyID = familyID
        self.iin = iin
        self.lastName = lastName
        self.firstName = firstName
        self.patronymic = patronymic
        self.birthDate = birthDate
        self.relation = relation
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case familyID = "family_id"
        case iin
        case lastName = "last_name"
        case firstName = "first_name"
        case patronymic
        case birthDate = "birth_date"
        case relation
        case version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
