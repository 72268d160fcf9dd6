/// A GeoJSON Point (RFC 7946).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PointGeometry: Sendable, Codable, Equatable {
    /// Always `Point`.
    public var type: String
    /// `[longitude, latitude]`.
    public var coordinates: [Double]

    /// Creates a value from its fields.
    public init(type: String, coordinates: [Double]) {
        self.type = type
        self.coordinates = coordinates
    }

    enum CodingKeys: String, CodingKey {
        case type
        case coordinates
    }
}
