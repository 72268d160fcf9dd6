/// A location fix with its quality.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Geolocation: Sendable, Codable, Equatable {
    /// WGS 84 latitude, -90...90.
    public var latitude: Double
    /// WGS 84 longitude, -180...180.
    public var longitude: Double
    /// Horizontal accuracy (68% radius) in metres.
    public var accuracyMeters: Double
    /// Device clock of the fix.
    public var fixTime: Timestamp
    /// Provider.
    public var provider: LocationProvider
    /// The OS reported a mock location.
    public var mock: Bool
    /// Altitude in metres.
    public var altitudeMeters: Double?

    /// Creates a value from its fields.
    public init(
        latitude: Double, longitude: Double, accuracyMeters: Double, fixTime: Timestamp, provider: LocationProvider,
        mock: Bool, altitudeMeters: Double? = nil
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyMeters = accuracyMeters
        self.fixTime = fixTime
        self.provider = provider
        self.mock = mock
        self.altitudeMeters = altitudeMeters
    }

    enum CodingKeys: String, CodingKey {
        case latitude
        case longitude
        case accuracyMeters = "accuracy_m"
        case fixTime = "fix_time"
        case provider
        case mock
        case altitudeMeters = "altitude_m"
    }
}
