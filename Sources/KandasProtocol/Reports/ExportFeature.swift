/// A GeoJSON Feature for one completion.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ExportFeature: Sendable, Codable, Equatable {
    /// Always `Feature`.
    public var type: String
    /// The completion.
    public var id: WireID
    /// Where.
    public var geometry: PointGeometry
    /// What.
    public var properties: ExportFeatureProperties

    /// Creates a value from its fields.
    public init(type: String, id: WireID, geometry: PointGeometry, properties: ExportFeatureProperties) {
        self.type = type
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }

    enum CodingKeys: String, CodingKey {
        case type
        case id
        case geometry
        case properties
    }
}
