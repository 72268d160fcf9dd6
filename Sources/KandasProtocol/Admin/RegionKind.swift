/// Whether a region is an oblys or a city of republican significance.
public enum RegionKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// A region (oblys).
    case region
    /// A city of republican significance.
    case city
}
