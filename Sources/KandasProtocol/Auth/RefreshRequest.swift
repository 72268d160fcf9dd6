/// Body of `POST /v1/auth/refresh`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct RefreshRequest: Sendable, Codable, Equatable {
    /// The current refresh token.
    public var refreshToken: String

    /// Creates a value from its fields.
    public init(refreshToken: String) {
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}
