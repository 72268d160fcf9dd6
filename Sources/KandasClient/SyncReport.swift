/// What one `sync` did.
public struct SyncReport: Sendable, Equatable {
    /// Events acknowledged (accepted or duplicate).
    public var eventsAccepted = 0
    /// Events rejected and quarantined.
    public var eventsRejected = 0
    /// Gaps the server reported (each followed by a resend).
    public var gapsResent = 0
    /// Pull pages applied.
    public var pagesPulled = 0
    /// Changes applied from them.
    public var changesPulled = 0
    /// The server started a fresh snapshot (`reset`).
    public var mirrorReset = false
    /// Files the server verified during this sync.
    public var filesUploaded = 0
    /// Files held back by the network policy.
    public var filesHeld = 0
    /// Files that could not be finished this time (they retry next sync).
    public var filesDeferred = 0
    /// Files refused permanently.
    public var filesFailed = 0
    /// Request-body bytes the transport sent for uploads (resends included).
    public var uploadBytesSent: Int64 = 0
    /// Local copies freed per keep-policy.
    public var filesFreed = 0
    /// Token refreshes performed.
    public var tokenRefreshes = 0
    /// Retries after transient failures.
    public var retries = 0

    /// An empty report.
    public init() {}
}
