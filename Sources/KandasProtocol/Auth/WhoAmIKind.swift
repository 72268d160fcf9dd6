/// The kind of bearer token presented.
public enum WhoAmIKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// A user session.
    case user
    /// A device access token.
    case device
}
