/// Body of `POST /v1/admin/devices/{id}/revoke`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct DeviceRevokeRequest: Sendable, Codable, Equatable {
    /// Why (1-500 characters); kept in the audit log.
    public var reason: String

    /// Creates a value from its fields.
    public init(reason: String) {
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case reason
    }
}
