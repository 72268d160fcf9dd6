/// A member's relation to the head of the family.
public enum Relation: String, Sendable, Codable, Equatable, CaseIterable {
    /// The kandas who applied.
    case head
    /// Spouse.
    case spouse
    /// Child.
    case child
    /// Parent.
    case parent
    /// Brother or sister.
    case sibling
    /// Another relative.
    case other
}
