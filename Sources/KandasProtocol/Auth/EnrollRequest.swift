/// Body of `POST /v1/auth/enroll`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EnrollRequest: Sendable, Codable, Equatable {
    /// The enrollment code (case and `-`/spaces ignored).
    public var code: String
    /// The installation's UUID, generated once.
    public var deviceUUID: WireID
    /// Platform.
    public var platform: Platform
    /// App version.
    public var appVersion: String
    /// A name for the device.
    public var deviceName: String?

    /// Creates a value from its fields.
    public init(code: String, deviceUUID: WireID, platform: Platform, appVersion: String, deviceName: String? = nil) {
        self.code = code
        self.deviceUUID = deviceUUID
        self.platform = platform
        self.appVersion = appVersion
        self.deviceName = deviceName
    }

    enum CodingKeys: String, CodingKey {
        case code
        case deviceUUID = "device_uuid"
        case platform
        case appVersion = "app_version"
        case deviceName = "device_name"
    }
}
