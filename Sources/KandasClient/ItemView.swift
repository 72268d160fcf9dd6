public import KandasDomain
public import KandasProtocol

/// A plan item as the worker sees it: the mirror plus the pending outbox.
public struct ItemView: Sendable, Equatable {
    /// The server's item (its `version` is the `base_version` of new events).
    public var item: PlanItem
    /// The member it is for.
    public var member: Member?
    /// The service from the catalogue (names in three languages, evidence rule).
    public var service: Service?
    /// `cancelled` stays cancelled; otherwise `completed` when an active completion exists locally or on
    /// the server, else `open`.
    public var displayedStatus: PlanItemStatus
    /// Completions, server ones first (by receive time) then local ones in recording order.
    public var completions: [CompletionView]
    /// Open conflicts on the item.
    public var openConflicts: [Conflict]
    /// Local events on the item not yet reflected by a pull.
    public var pendingEvents: Int
}
