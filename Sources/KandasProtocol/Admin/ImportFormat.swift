/// The format of an import body.
public enum ImportFormat: String, Sendable, Codable, Equatable, CaseIterable {
    /// `application/json`.
    case json
    /// `text/csv`.
    case csv
}
