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

extension Inbox {
    /// Open conflicts oldest first, each marked when `overlay` holds a resolve for it.
    static func openConflicts(_ conflicts: [Conflict], overlay: [DeviceEvent]) -> [ConflictEntry] {
        var resolving: Set<WireID> = []
        for event in overlay {
            if case .resolve(let payload) = event.payload { resolving.insert(payload.conflictID) }
        }
        return conflicts.filter { $0.status == .open }.sorted { $0.detectedAt < $1.detectedAt }
            .map { ConflictEntry(conflict: $0, resolutionPending: resolving.contains($0.id)) }
    }
}

extension Inbox {
    /// The review shown for each completion whose `review_state` is the server's verdict `has_issues` or
    /// `rejected`: the newest review with that decision; oldest first.
    static func reviewsAskingForChanges(completions: [Completion], reviews: [Review]) -> [Review] {
        var shown: [Review] = []
        for completion in completions.sorted(by: { $0.id < $1.id }) {
            let decision: ReviewDecision
            switch completion.reviewState {
            case .hasIssues: decision = .hasIssues
            case .rejected: decision = .reject
            case .pending, .approved: continue
            }
            if let review = reviews.filter({ $0.completionID == completion.id && $0.decision == decision })
                .max(by: { $0.createdAt < $1.createdAt })
            {
                shown.append(review)
            }
        }
        shown.sort { $0.createdAt < $1.createdAt }
        return shown
    }
}
