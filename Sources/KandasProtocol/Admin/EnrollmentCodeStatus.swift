/// The state of an enrollment code.
public enum EnrollmentCodeStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Usable until it expires.
    case active
    /// Burned by an enrollment.
    case used
    /// Past `expires_at`.
    case expired
    /// Revoked by an administrator.
    case revoked
}
