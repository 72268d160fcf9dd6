/// Body of `POST /v1/auth/login`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct LoginRequest: Sendable, Codable, Equatable {
    /// Login name.
    public var username: String
    /// Password.
    public var password: String

    /// Creates a value from its fields.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    enum CodingKeys: String, CodingKey {
        case username
        case password
    }
}
