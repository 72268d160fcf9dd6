/// Plan lifecycle (Rules 2 paras 32-34), forward only.
public enum PlanStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Being drawn up.
    case draft
    /// Agreed with the kandas.
    case agreed
    /// Approved by the labour mobility centre.
    case approved
    /// Sent to devices.
    case published
}
