/// Body of `PATCH /v1/admin/users/{id}`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct UserUpdate: Sendable, Codable, Equatable {
    /// The version the change is based on.
    public var version: Int
    /// New display name.
    public var displayName: String?
    /// New role.
    public var role: UserRole?
    /// New region.
    public var regionID: WireID?
    /// New career centre.
    public var careerCentreID: WireID?
    /// Enable or disable.
    public var active: Bool?
    /// New password, 12-256 characters.
    public var password: String?

    /// Creates a value from its fields.
    public init(
        version: Int, displayName: String? = nil, role: UserRole? = nil, regionID: WireID? = nil,
        careerCentreID: WireID? = nil, active: Bool? = nil, password: String? = nil
    ) {
        self.version = version
        self.displayName = displayName
        self.role = role
        self.regionID = regionID
        self.careerCentreID = careerCentreID
        self.active = active
        self.password = password
    }

    enum CodingKeys: String, CodingKey {
        case version
        case displayName = "display_name"
        case role
        case regionID = "region_id"
        case careerCentreID = "career_centre_id"
        case active
        case password
    }
}
