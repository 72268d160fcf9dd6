public import Foundation
public import KandasProtocol

/// A file whose bytes all arrived and matched the SHA-256 declared at creation.
///
/// Handed to the `onVerified` hook inside the write transaction that marks the upload
/// verified, so the sync engine can link it to its completion and issue receipts atomically.
public struct VerifiedFile: Sendable, Equatable {
    /// The upload that carried it.
    public var uploadID: String
    /// Who uploaded it (the owner the caller's authentication supplied).
    public var owner: String
    /// The declared attachment.
    public var attachmentID: WireID
    /// 64 lowercase hex, equal to the declared value; also the blob's content address.
    public var sha256: String
    /// Size in bytes.
    public var size: Int64
    /// The declared media type (checked against the magic bytes).
    public var contentType: String
    /// The declared kind.
    public var kind: FileKind
    /// The declared display name, if any (never used on disk).
    public var filename: String?
    /// When it was verified (the store's clock).
    public var verifiedAt: Date
    /// True when identical content was already in the blob store.
    public var blobAlreadyPresent: Bool

    public init(
        uploadID: String, owner: String, attachmentID: WireID, sha256: String, size: Int64, contentType: String,
        kind: FileKind, filename: String?, verifiedAt: Date, blobAlreadyPresent: Bool
    ) {
        self.uploadID = uploadID
        self.owner = owner
        self.attachmentID = attachmentID
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.kind = kind
        self.filename = filename
        self.verifiedAt = verifiedAt
        self.blobAlreadyPresent = blobAlreadyPresent
    }
}
