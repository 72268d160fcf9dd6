/// A person who logs in or owns devices.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct User: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// Login name, 3-64 of `[a-z0-9._-]`.
    public var username: String
    /// Name shown in the console.
    public var displayName: String
    /// The role.
    public var role: UserRole
    /// Region scope (all roles but `national_admin`).
    public var regionID: WireID?
    /// Career-centre scope (`field_worker`, `centre_supervisor`).
    public var careerCentreID: WireID?
    /// False when disabled: no login, sessions revoked.
    public var active: Bool
    /// Optimistic-concurrency version.
    public var version: Int
    /// Creation time.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp
    /// Last successful password login.
    public var lastLoginAt: Timestamp?

    /// Creates a value from its fields.
    public init(
        id: WireID, username: String, displayName: String, role: UserRole, regionID: WireID? = nil,
        careerCentreID: WireID? = nil, active: Bool, version: Int, createdAt: Timestamp, updatedAt: Timestamp,
        lastLoginAt: Timestamp? = nil
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.regionID = regionID
        self.careerCentreID = careerCentreID
        self.active = active
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastLoginAt = lastLoginAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case username
        case displayName = "display_name"
        case role
        case regionID = "region_id"
        case careerCentreID = "career_centre_id"
        case active
        case version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastLoginAt = "last_login_at"
    }
}
