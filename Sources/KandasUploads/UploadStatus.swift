public import Foundation
public import KandasProtocol

/// What the server knows of one upload, as `HEAD`, `POST` and `PATCH` report it.
public struct UploadStatus: Sendable, Equatable {
    /// 32 lowercase hex characters; the last segment of the `Location`.
    public var uploadID: String
    /// The declared attachment.
    public var attachmentID: WireID
    /// `Upload-Length`.
    public var length: Int64
    /// Bytes durably stored (`Upload-Offset`).
    public var offset: Int64
    /// `receiving`, `verified` or `corrupt`.
    public var state: UploadState
    /// `Upload-Expires` while receiving; nil once verified.
    public var expiresAt: Date?
    /// The `Upload-Metadata` header as the client sent it at creation.
    public var metadataHeader: String
    /// True when a creation found this upload already there (`Idempotent-Replayed: true`).
    public var replayed: Bool

    public init(
        uploadID: String, attachmentID: WireID, length: Int64, offset: Int64, state: UploadState, expiresAt: Date?,
        metadataHeader: String, replayed: Bool = false
    ) {
        self.uploadID = uploadID
        self.attachmentID = attachmentID
        self.length = length
        self.offset = offset
        self.state = state
        self.expiresAt = expiresAt
        self.metadataHeader = metadataHeader
        self.replayed = replayed
    }
}
