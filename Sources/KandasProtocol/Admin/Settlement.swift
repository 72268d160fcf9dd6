/// Where a family is registered; evidence far from it is flagged.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Settlement: Sendable, Codable, Equatable {
    /// Settlement name.
    public var name: String
    /// WGS 84 latitude.
    public var latitude: Double?
    /// WGS 84 longitude.
    public var longitude: Double?

    /// Creates a value from its fields.
    public init(name: String, latitude: Double? = nil, longitude: Double? = nil) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
    }

    enum CodingKeys: String, CodingKey {
        case name
        case latitude
        case longitude
    }
}
