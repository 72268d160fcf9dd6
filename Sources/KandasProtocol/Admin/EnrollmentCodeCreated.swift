/// A new one-time enrollment code; the only time the code is shown.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EnrollmentCodeCreated: Sendable, Codable, Equatable {
    /// Identity of the code record.
    public var id: WireID
    /// The field worker.
    public var userID: WireID
    /// 26 characters of RFC 4648 base32 (128 random bits).
    public var code: String
    /// QR payload `kandas1:<base-url>#<code>`.
    public var payload: String
    /// Expiry.
    public var expiresAt: Timestamp
    /// Creation time.
    public var createdAt: Timestamp

    /// Creates a value from its fields.
    public init(id: WireID, userID: WireID, code: String, payload: String, expiresAt: Timestamp, createdAt: Timestamp) {
        self.id = id
        self.userID = userID
        self.code = code
        self.payload = payload
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case code
        case payload
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }
}
