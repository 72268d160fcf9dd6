/// Device tokens from enrollment or refresh.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct TokenResponse: Sendable, Codable, Equatable {
    /// The device.
    public var deviceID: WireID
    /// The field worker it acts for.
    public var userID: WireID
    /// Always `Bearer`.
    public var tokenType: String
    /// Opaque access token (`kda_...`), 1 h.
    public var accessToken: String
    /// Access token expiry.
    public var accessExpiresAt: Timestamp
    /// Opaque refresh token (`kdr_...`); rotates on every refresh.
    public var refreshToken: String
    /// Refresh token expiry (sliding 90 days, at most 365 after enrollment).
    public var refreshExpiresAt: Timestamp

    /// Creates a value from its fields.
    public init(
        deviceID: WireID, userID: WireID, tokenType: String, accessToken: String, accessExpiresAt: Timestamp,
        refreshToken: String, refreshExpiresAt: Timestamp
    ) {
        self.deviceID = deviceID
        self.userID = userID
        self.tokenType = tokenType
        self.accessToken = accessToken
        self.accessExpiresAt = accessExpiresAt
        self.refreshToken = refreshToken
        self.refreshExpiresAt = refreshExpiresAt
    }

    enum CodingKeys: String, CodingKey {
        case deviceID = "device_id"
        case userID = "user_id"
        case tokenType = "token_type"
        case accessToken = "access_token"
        case accessExpiresAt = "access_expires_at"
        case refreshToken = "refresh_token"
        case refreshExpiresAt = "refresh_expires_at"
    }
}
