/// Body of `POST /v1/admin/enrollment-codes`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EnrollmentCodeRequest: Sendable, Codable, Equatable {
    /// The field worker the device will act for.
    public var userID: WireID
    /// Lifetime in seconds (default 900, at most 259200).
    public var ttlSeconds: Int?

    /// Creates a value from its fields.
    public init(userID: WireID, ttlSeconds: Int? = nil) {
        self.userID = userID
        self.ttlSeconds = ttlSeconds
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case ttlSeconds = "ttl_s"
    }
}
