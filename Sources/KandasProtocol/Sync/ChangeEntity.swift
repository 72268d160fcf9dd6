/// The kind of object a pull change carries.
public enum ChangeEntity: String, Sendable, Codable, Equatable, CaseIterable {
    /// `Family`.
    case family
    /// `Member`.
    case member
    /// `Plan`.
    case plan
    /// `PlanItem`.
    case planItem = "plan_item"
    /// `Completion`.
    case completion
    /// `Conflict`.
    case conflict
    /// `Review`.
    case review
    /// `EventResult` of this device's event.
    case eventOutcome = "event_outcome"
    /// `Receipt`.
    case receipt
}
