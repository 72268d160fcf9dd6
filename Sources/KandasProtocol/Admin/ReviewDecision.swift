/// A reviewer's decision on a completion.
public enum ReviewDecision: String, Sendable, Codable, Equatable, CaseIterable {
    /// The evidence is sufficient.
    case approve
    /// Needs a fix by the worker.
    case hasIssues = "has_issues"
    /// Not accepted; excluded from the monthly report.
    case reject
    /// A remark only.
    case comment
}
