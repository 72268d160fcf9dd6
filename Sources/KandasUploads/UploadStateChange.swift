public import Foundation
public import KandasProtocol

/// An upload's state as the sync side sees it, handed to the `onStateChanged` hook.
///
/// Sent inside the write transaction of the store's own change: `receiving` at creation (0 bytes)
/// and after every committed chunk (the durable offset), `corrupt` (whole-file digest or magic
/// bytes wrong, or the partial file damaged), `expired` (swept), `declared` after a termination
/// (no upload any more). `verified` goes through the `onVerified` hook instead.
public struct UploadStateChange: Sendable, Equatable {
    /// The upload.
    public var uploadID: String
    /// Its owner (the device that created it).
    public var owner: String
    /// The declared attachment it carries.
    public var attachmentID: WireID
    /// The new state.
    public var state: UploadState
    /// Bytes durably stored for this upload (0 once its bytes were dropped).
    public var receivedBytes: Int64
    /// When it happened (the store's clock).
    public var at: Date

    public init(
        uploadID: String, owner: String, attachmentID: WireID, state: UploadState, receivedBytes: Int64, at: Date
    ) {
        self.uploadID = uploadID
        self.owner = owner
        self.attachmentID = attachmentID
        self.state = state
        self.receivedBytes = receivedBytes
        self.at = at
    }
}
