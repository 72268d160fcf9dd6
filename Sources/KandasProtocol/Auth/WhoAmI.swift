/// Response of `GET /v1/auth/me`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct WhoAmI: Sendable, Codable, Equatable {
    /// Session or device.
    public var kind: WhoAmIKind
    /// The user (the device's worker for device tokens).
    public var user: User
    /// The device, for device tokens.
    public var device: Device?

    /// Creates a value from its fields.
    public init(kind: WhoAmIKind, user: User, device: Device? = nil) {
        self.kind = kind
        self.user = user
        self.device = device
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case user
        case device
    }
}
