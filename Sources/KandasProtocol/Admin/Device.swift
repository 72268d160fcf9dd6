/// An enrolled device of a field worker.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Device: Sendable, Codable, Equatable {
    /// Server identity (`device_id`).
    public var id: WireID
    /// The field worker it acts for.
    public var userID: WireID
    /// The installation's own UUID.
    public var deviceUUID: WireID
    /// Platform.
    public var platform: Platform
    /// App version at enrollment or last push.
    public var appVersion: String
    /// Name the user gave the device.
    public var deviceName: String?
    /// Active or revoked.
    public var status: DeviceStatus
    /// Enrollment time.
    public var enrolledAt: Timestamp
    /// Last authenticated request.
    public var lastSeenAt: Timestamp?
    /// Revocation time.
    public var revokedAt: Timestamp?
    /// Why it was revoked.
    public var revokeReason: String?
    /// Highest `device_seq` processed (0 before the first event).
    public var lastDeviceSeq: Int
    /// What the device reported in its last push.
    public var clientStatus: ClientStatus?

    /// Creates a value from its fields.
    public init(
        id: WireID, userID: WireID, deviceUUID: WireID, platform: Platform, appVersion: String,
        deviceName: String? = nil, status: DeviceStatus, enrolledAt: Timestamp, lastSeenAt: Timestamp? = nil,
        revokedAt: Timestamp? = nil, revokeReason: String? = nil, lastDeviceSeq: Int, clientStatus: ClientStatus? = nil
    ) {
        self.id = id
        self.userID = userID
        self.deviceUUID = deviceUUID
        self.platform = platform
        self.appVersion = appVersion
        self.deviceName = deviceName
        self.status = status
        self.enrolledAt = enrolledAt
        self.lastSeenAt = lastSeenAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.lastDeviceSeq = lastDeviceSeq
        self.clientStatus = clientStatus
    }

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case deviceUUID = "device_uuid"
        case platform
        case appVersion = "app_version"
        case deviceName = "device_name"
        case status
        case enrolledAt = "enrolled_at"
        case lastSeenAt = "last_seen_at"
        case revokedAt = "revoked_at"
        case revokeReason = "revoke_reason"
        case lastDeviceSeq = "last_device_seq"
        case clientStatus = "client_status"
    }
}
