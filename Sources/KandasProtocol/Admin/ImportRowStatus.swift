/// What happened to one import row.
public enum ImportRowStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Imported (or would be, in a dry run).
    case ok
    /// The row is invalid.
    case error
    /// Valid, but another row of its family is invalid.
    case skipped
}
