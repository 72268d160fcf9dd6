/// Whether every declared file is verified.
public enum Completeness: String, Sendable, Codable, Equatable, CaseIterable {
    /// Some declared files are not verified.
    case incomplete
    /// Every declared file is verified.
    case complete
}
