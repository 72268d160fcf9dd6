public import KandasProtocol

/// How long a verified file's local copy is kept once a receipt lists it as verified (sync-v1 §11).
public enum KeepPolicy: Sendable, Equatable {
    /// Delete the local copy as soon as a receipt verifies it (phones short of space).
    case freeImmediately
    /// Keep it this many days after verification, then delete it.
    case keepDays(Int)
    /// Never delete local copies.
    case keepAlways
}

/// Tunables of the client core; the defaults follow the protocol's published limits.
public struct ClientOptions: Sendable {
    /// Written into enrollments and `client_status`.
    public var appVersion: String
    /// Enrollment platform.
    public var platform: Platform
    /// Events per push (the server's `max_push_events` caps it).
    public var pushBatchSize: Int
    /// Changes per pull page.
    public var pullLimit: Int
    /// First PATCH chunk size; halved on 413/460, never below `minimumChunkBytes`.
    public var chunkBytes: Int
    /// The smallest chunk the uploader halves down to.
    public var minimumChunkBytes: Int
    /// Local media keep-policy once verified.
    public var keepPolicy: KeepPolicy
    /// Whether a file may be uploaded now (e.g. hold videos until an unmetered link). Held files stay pending.
    public var allowUpload: @Sendable (_ kind: FileKind, _ size: Int64) -> Bool
    /// When true, evidence the service requires but the completion lacks is an error instead of a warning.
    public var strictEvidence: Bool
    /// Retry schedule for transient failures.
    public var backoff: Backoff
    /// Attempts per request before a transient failure is reported (the next `sync` starts afresh).
    public var maxAttempts: Int
    /// How the engine waits between attempts (tests inject one that does not wait).
    public var sleeper: any Sleeper
    /// Device clock (tests inject a fixed one).
    public var now: @Sendable () -> Timestamp
    /// Push bodies of 1 KiB or more are sent gzip-encoded (`Content-Encoding: gzip`, Protocol §1); a
    /// server that answers 415 `unsupported_content_encoding` gets plain JSON for the rest of the session.
    public var compressPushBodies = true

    /// Creates options; every parameter has the protocol's default.
    public init(
        appVersion: String = "kandas-client/1", platform: Platform = .cli, pushBatchSize: Int = 500,
        pullLimit: Int = 500, chunkBytes: Int = 8 << 20, minimumChunkBytes: Int = 64 << 10,
        keepPolicy: KeepPolicy = .keepDays(7),
        allowUpload: @escaping @Sendable (FileKind, Int64) -> Bool = { _, _ in true },
        strictEvidence: Bool = false, backoff: Backoff = Backoff(), maxAttempts: Int = 6,
        sleeper: any Sleeper = TaskSleeper(), now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.appVersion = appVersion
        self.platform = platform
        self.pushBatchSize = pushBatchSize
        self.pullLimit = pullLimit
        self.chunkBytes = chunkBytes
        self.minimumChunkBytes = minimumChunkBytes
        self.keepPolicy = keepPolicy
        self.allowUpload = allowUpload
        self.strictEvidence = strictEvidence
        self.backoff = backoff
        self.maxAttempts = maxAttempts
        self.sleeper = sleeper
        self.now = now
    }
}
