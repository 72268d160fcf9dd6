/// Body of `POST /v1/admin/career-centres`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct CareerCentreCreate: Sendable, Codable, Equatable {
    /// The region.
    public var regionID: WireID
    /// Display name (1-200 characters).
    public var name: String
    /// Postal address.
    public var address: String?

    /// Creates a value from its fields.
    public init(regionID: WireID, name: String, address: String? = nil) {
        self.regionID = regionID
        self.name = name
        self.address = address
    }

    enum CodingKeys: String, CodingKey {
        case regionID = "region_id"
        case name
        case address
    }
}
