/// A user session for the admin API.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct LoginResponse: Sendable, Codable, Equatable {
    /// Opaque bearer token (`kua_...`).
    public var accessToken: String
    /// Always `Bearer`.
    public var tokenType: String
    /// Absolute expiry (8 h after login).
    public var expiresAt: Timestamp
    /// The session ends after this many seconds without a request.
    public var idleTimeoutSeconds: Int
    /// The user.
    public var user: User

    /// Creates a value from its fields.
    public init(accessToken: String, tokenType: String, expiresAt: Timestamp, idleTimeoutSeconds: Int, user: User) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresAt = "expires_at"
        case idleTimeoutSeconds = "idle_timeout_s"
        case user
    }
}
