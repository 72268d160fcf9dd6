/// The kind of a device event.
public enum EventType: String, Sendable, Codable, Equatable, CaseIterable {
    /// A plan item was done.
    case complete
    /// A completion is corrected.
    case amend
    /// A completion was recorded by mistake.
    case void
    /// A conflict is cleared.
    case resolve
}
