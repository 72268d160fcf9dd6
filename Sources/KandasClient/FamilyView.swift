public import KandasProtocol

/// A family as the worker sees it: the mirror row with its members.
public struct FamilyView: Sendable, Equatable {
    /// The family.
    public var family: Family
    /// Its members, in IIN order.
    public var members: [Member]
    /// Items of its published plan that are still open in the local view.
    public var openItems: Int
}
