/// Whether a conflict is still open.
public enum ConflictStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Needs a `resolve`.
    case open
    /// Cleared.
    case resolved
}
