/// A completion's review state after its latest decision.
public enum ReviewState: String, Sendable, Codable, Equatable, CaseIterable {
    /// Not reviewed.
    case pending
    /// Approved.
    case approved
    /// Has issues.
    case hasIssues = "has_issues"
    /// Rejected.
    case rejected
}
