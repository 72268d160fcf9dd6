public import KandasProtocol

/// An evidence file captured on this device, and where it is on its way to the server.
public struct LocalFile: Sendable, Equatable {
    /// Lifecycle of a local file: `pending` → `uploading` → `uploaded` (server says verified) →
    /// `verified` (a receipt lists it) → `freed` (local copy deleted per keep-policy). `failed` is a
    /// permanent refusal by the server (e.g. the bytes contradict the type); the copy is kept. A receipt
    /// saying `corrupt` or `expired` sends an unfreed file back to `pending` for a new upload.
    public enum State: String, Sendable, Equatable, CaseIterable {
        case pending, uploading, uploaded, verified, freed, failed
    }

    /// The attachment id declared in the event.
    public var attachmentID: WireID
    /// The declaring event.
    public var eventID: WireID
    /// The completion it belongs to.
    public var completionID: WireID
    /// Path of the local copy inside the store (absent once freed).
    public var localPath: String?
    /// Size in bytes.
    public var size: Int64
    /// SHA-256 hex, computed at capture from the local copy.
    public var sha256: String
    /// Photo, video or document.
    public var kind: FileKind
    /// Sniffed media type.
    public var contentType: String
    /// Upload state.
    public var state: State
    /// The tus upload URL once created.
    public var uploadURL: String?
    /// The last upload error, if any (a §15 code or short text).
    public var lastError: String?
    /// Request-body bytes sent for this file so far, over all attempts.
    public var bytesSent: Int64
    /// The server's state of this file in the newest receipt that listed it (sync-v1 §11); `nil` before
    /// any receipt. `corrupt` and `expired` mean the server dropped the bytes and the device uploads again.
    public var serverState: UploadState?
    /// When the server issued that receipt.
    public var serverStateAt: Timestamp?
}
