/// An evidence file as the server knows it.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EvidenceFile: Sendable, Codable, Equatable {
    /// File identity.
    public var attachmentID: WireID
    /// The completion that declared it.
    public var completionID: WireID
    /// Photo, video or document.
    public var kind: FileKind
    /// Declared media type.
    public var contentType: String
    /// Declared size.
    public var size: Int
    /// Declared SHA-256.
    public var sha256: String
    /// Device clock at capture.
    public var capturedAt: Timestamp
    /// Source.
    public var source: FileSource
    /// Display name.
    public var fileName: String?
    /// Capture location.
    public var location: Geolocation?
    /// Upload state.
    public var uploadState: UploadState
    /// Bytes durably received.
    public var receivedBytes: Int
    /// When the SHA-256 was verified.
    public var verifiedAt: Timestamp?

    /// Creates a value from its fields.
    public init(
        attachmentID: WireID, completionID: WireID, kind: FileKind, contentType: String, size: Int, sha256: String,
        capturedAt: Timestamp, source: FileSource, fileName: String? = nil, location: Geolocation? = nil,
        uploadState: UploadState, receivedBytes: Int, verifiedAt: Timestamp? = nil
    ) {
        self.attachmentID = attachmentID
        self.completionID = completionID
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.capturedAt = capturedAt
        self.source = source
        self.fileName = fileName
        self.location = location
        self.uploadState = uploadState
        self.receivedBytes = receivedBytes
        self.verifiedAt = verifiedAt
    }

    enum CodingKeys: String, CodingKey {
        case attachmentID = "attachment_id"
        case completionID = "completion_id"
        case kind
        case contentType = "content_type"
        case size
        case sha256
        case capturedAt = "captured_at"
        case source
        case fileName = "file_name"
        case location
        case uploadState = "upload_state"
        case receivedBytes = "received_bytes"
        case verifiedAt = "verified_at"
    }
}
