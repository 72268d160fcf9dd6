/// The source of a location fix.
public enum LocationProvider: String, Sendable, Codable, Equatable, CaseIterable {
    /// Satellite fix.
    case gps
    /// Cell or Wi-Fi.
    case network
    /// The OS's fused provider.
    case fused
    /// Entered by hand.
    case manual
}
