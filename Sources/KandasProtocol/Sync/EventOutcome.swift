/// What the server did with a device event.
public enum EventOutcome: String, Sendable, Codable, Equatable, CaseIterable {
    /// Stored and applied (conflicts are flags, not refusals).
    case accepted
    /// Already received; `stored_outcome` tells what happened then.
    case duplicate
    /// Stored as rejected with a code; the device still advances.
    case rejected
    /// Not applied: an earlier `device_seq` is missing.
    case gap
}
