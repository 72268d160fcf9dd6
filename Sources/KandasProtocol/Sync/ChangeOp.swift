/// What to do with the mirror row.
public enum ChangeOp: String, Sendable, Codable, Equatable, CaseIterable {
    /// Replace the row with `data`.
    case put
    /// Remove the row.
    case delete
}
