/// The GeoJSON export of completions.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ExportFeatureCollection: Sendable, Codable, Equatable {
    /// Always `FeatureCollection`.
    public var type: String
    /// Completions that have a location.
    public var features: [ExportFeature]

    /// Creates a value from its fields.
    public init(type: String, features: [ExportFeature]) {
        self.type = type
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case type
        case features
    }
}
