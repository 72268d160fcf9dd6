/// A career centre: the unit supervisors and field workers belong to.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct CareerCentre: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// The region it belongs to.
    public var regionID: WireID
    /// Display name.
    public var name: String
    /// Postal address.
    public var address: String?
    /// Optimistic-concurrency version, +1 on every change.
    public var version: Int
    /// Creation time (server clock).
    public var createdAt: Timestamp
    /// Last change (server clock).
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, regionID: WireID, name: String, address: String? = nil, version: Int, createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.id = id
        self.regionID = regionID
        self.name = name
        self.address = address
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case regionID = "region_id"
        case name
        case address
        case version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
