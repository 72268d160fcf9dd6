/// The state of a plan item.
public enum PlanItemStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Not done yet.
    case open
    /// At least one active completion.
    case completed
    /// Cancelled by the centre (never deleted).
    case cancelled
}
