/// Whether a device may still sync.
public enum DeviceStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Enrolled and not revoked.
    case active
    /// Revoked by an administrator.
    case revoked
}
