/// Who did something.
public enum ActorType: String, Sendable, Codable, Equatable, CaseIterable {
    /// A logged-in user.
    case user
    /// An enrolled device.
    case device
    /// The server itself.
    case system
}
