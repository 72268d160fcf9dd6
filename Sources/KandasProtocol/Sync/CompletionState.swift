/// Whether a completion counts.
public enum CompletionState: String, Sendable, Codable, Equatable, CaseIterable {
    /// Counts.
    case active
    /// Voided; kept but not counted.
    case voided
}
