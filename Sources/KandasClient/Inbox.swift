public import KandasProtocol

/// What needs the worker's attention: open conflicts, reviews asking for changes, rejected events.
public struct Inbox: Sendable, Equatable {
    /// A conflict from the server, and whether this device already sent a resolve for it.
    public struct ConflictEntry: Sendable, Equatable {
        /// The conflict.
        public var conflict: Conflict
        /// A `resolve` for it is recorded here and not yet reflected.
        public var resolutionPending: Bool
    }

    /// Open conflicts on items in scope.
    public var conflicts: [ConflictEntry]
    /// The latest `has_issues` or `reject` review of each completion still in that review state.
    public var reviews: [Review]
    /// Events the server rejected (quarantined; they never block later events).
    public var quarantined: [QuarantinedEvent]
}

/// An event the server rejected with a stable code (sync-v1 §6.3 "needs attention").
public struct QuarantinedEvent: Sendable, Equatable {
    /// The event.
    public var eventID: WireID
    /// Its seq.
    public var deviceSeq: Int
    /// `complete`, `amend`, `void` or `resolve`.
    public var type: String
    /// The plan item.
    public var itemID: WireID
    /// The §15 event code.
    public var code: String
    /// The server's detail.
    public var detail: String?
}
