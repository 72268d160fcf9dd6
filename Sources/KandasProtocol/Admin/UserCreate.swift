/// Body of `POST /v1/admin/users`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct UserCreate: Sendable, Codable, Equatable {
    /// Login name, 3-64 of `[a-z0-9._-]`.
    public var username: String
    /// Name shown in the console.
    public var displayName: String
    /// The role.
    public var role: UserRole
    /// Region (for `region_admin`, `auditor`).
    public var regionID: WireID?
    /// Career centre (for `field_worker`, `centre_supervisor`).
    public var careerCentreID: WireID?
    /// Initial password, 12-256 characters.
    public var password: String

    /// Creates a value from its fields.
    public init(
        username: String, displayName: String, role: UserRole, regionID: WireID? = nil, careerCentreID: WireID? = nil,
        password: String
    ) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.regionID = regionID
        self.careerCentreID = careerCentreID
        self.password = password
    }

    enum CodingKeys: String, CodingKey {
        case username
        case displayName = "display_name"
        case role
        case regionID = "region_id"
        case careerCentreID = "career_centre_id"
        case password
    }
}
