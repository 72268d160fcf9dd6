/// An evidence file as declared by the device in an event.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct DeclaredFile: Sendable, Codable, Equatable {
    /// Client-generated file identity; tus creation is keyed by it.
    public var attachmentID: WireID
    /// Photo, video or document.
    public var kind: FileKind
    /// One of the allowed media types (sync-v1 §9.3).
    public var contentType: String
    /// Bytes (1 ... 4 GiB).
    public var size: Int
    /// SHA-256 of the whole file, 64 lowercase hex.
    public var sha256: String
    /// Device clock at capture.
    public var capturedAt: Timestamp
    /// Camera, gallery, scan or file.
    public var source: FileSource
    /// Display name only.
    public var fileName: String?
    /// Where the file was captured.
    public var location: Geolocation?

    /// Creates a value from its fields.
    public init(
        attachmentID: WireID, kind: FileKind, contentType: String, size: Int, sha256: String, capturedAt: Timestamp,
        source: FileSource, fileName: String? = nil, location: Geolocation? = nil
    ) {
        self.attachmentID = attachmentID
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.capturedAt = capturedAt
        self.source = source
        self.fileName = fileName
        self.location = location
    }

    enum CodingKeys: String, CodingKey {
        case attachmentID = "attachment_id"
        case kind
        case contentType = "content_type"
        case size
        case sha256
        case capturedAt = "captured_at"
        case source
        case fileName = "file_name"
        case location
    }
}
