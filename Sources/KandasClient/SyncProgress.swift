public import KandasProtocol

/// Progress of a sync, reported as it happens (from the engine's task or the transport's thread).
public enum SyncProgress: Sendable, Equatable {
    /// A push batch was acknowledged: `events` in it, `total` pushed in this sync so far.
    case pushed(events: Int, total: Int)
    /// A pull page was applied: `changes` in it, `pages` so far.
    case pulled(changes: Int, pages: Int)
    /// An upload starts (or resumes) at `offset` of `size`.
    case uploadStarted(attachmentID: WireID, kind: FileKind, offset: Int64, size: Int64)
    /// Bytes of a file the server holds plus the bytes of the chunk in flight; `syncBytesSent` counts
    /// every request-body byte of this sync's uploads.
    case uploadProgress(attachmentID: WireID, fileBytes: Int64, size: Int64, syncBytesSent: Int64)
    /// The server verified the whole file.
    case uploadFinished(attachmentID: WireID)
    /// A file was held back by the network policy.
    case uploadHeld(attachmentID: WireID, kind: FileKind, size: Int64)
    /// Waiting before a retry (backoff or `Retry-After`).
    case retrying(after: Duration, reason: String)
}
