/// An enrollment code as listed (never with the code itself).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EnrollmentCode: Sendable, Codable, Equatable {
    /// Identity of the code record.
    public var id: WireID
    /// The field worker.
    public var userID: WireID
    /// The administrator who created it.
    public var createdBy: WireID
    /// Creation time.
    public var createdAt: Timestamp
    /// Expiry.
    public var expiresAt: Timestamp
    /// State.
    public var status: EnrollmentCodeStatus
    /// When a device used it.
    public var usedAt: Timestamp?
    /// The device it enrolled.
    public var deviceID: WireID?

    /// Creates a value from its fields.
    public init(
        id: WireID, userID: WireID, createdBy: WireID, createdAt: Timestamp, expiresAt: Timestamp,
        status: EnrollmentCodeStatus, usedAt: Timestamp? = nil, deviceID: WireID? = nil
    ) {
        self.id = id
        self.userID = userID
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.status = status
        self.usedAt = usedAt
        self.deviceID = deviceID
    }

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case status
        case usedAt = "used_at"
        case deviceID = "device_id"
    }
}
