/// What a plan-item change did.
public enum PlanItemAction: String, Sendable, Codable, Equatable, CaseIterable {
    /// The item was created (version 1).
    case create
    /// New due date.
    case reschedule
    /// Another worker.
    case reassign
    /// New instructions.
    case edit
    /// Cancelled.
    case cancel
}
