/// One file in a receipt.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ReceiptFile: Sendable, Codable, Equatable {
    /// The file.
    public var attachmentID: WireID
    /// Its SHA-256.
    public var sha256: String
    /// Its size.
    public var size: Int
    /// Only `verified` lets the device free its copy.
    public var uploadState: UploadState
    /// When verified.
    public var verifiedAt: Timestamp?

    /// Creates a value from its fields.
    public init(attachmentID: WireID, sha256: String, size: Int, uploadState: UploadState, verifiedAt: Timestamp? = nil)
    {
        self.attachmentID = attachmentID
        self.sha256 = sha256
        self.size = size
        self.uploadState = uploadState
        self.verifiedAt = verifiedAt
    }

    enum CodingKeys: String, CodingKey {
        case attachmentID = "attachment_id"
        case sha256
        case size
        case uploadState = "upload_state"
        case verifiedAt = "verified_at"
    }
}
