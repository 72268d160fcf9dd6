/// Soft conflicts are merged; hard ones need a decision.
public enum ConflictSeverity: String, Sendable, Codable, Equatable, CaseIterable {
    /// Merged deterministically; shown to supervisors.
    case soft
    /// Needs a decision.
    case hard
}
