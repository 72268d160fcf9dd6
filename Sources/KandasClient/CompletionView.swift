public import KandasProtocol

/// A completion as the worker sees it: the server's version with this device's unsent events applied.
public struct CompletionView: Sendable, Equatable {
    /// The completion id.
    public var id: WireID
    /// The plan item.
    public var itemID: WireID
    /// The member.
    public var memberID: WireID
    /// Active or voided (a pending `void` shows as voided).
    public var state: CompletionState
    /// The rev the server reported plus one per pending amend or void (what `base_completion_rev` will be).
    public var expectedRev: Int
    /// When the work was done.
    public var performedAt: Timestamp
    /// Note.
    public var note: String?
    /// Location.
    public var location: Geolocation?
    /// The server's object; `nil` while the completion exists only on this device.
    public var server: Completion?
    /// Local events on this completion not yet reflected by a pull.
    public var pendingEvents: Int
    /// Files this device captured for it.
    public var files: [LocalFile]
    /// Review decisions, oldest first.
    public var reviews: [Review]
}
