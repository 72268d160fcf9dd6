/// The tus `Upload-Metadata` of a creation, decoded (values are base64 on the wire).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct UploadMetadata: Sendable, Codable, Equatable {
    /// The declared attachment.
    public var attachmentID: WireID
    /// Declared SHA-256, 64 lowercase hex.
    public var sha256: String
    /// Declared media type.
    public var contentType: String
    /// Declared kind.
    public var kind: FileKind
    /// Display name.
    public var filename: String?

    /// Creates a value from its fields.
    public init(attachmentID: WireID, sha256: String, contentType: String, kind: FileKind, filename: String? = nil) {
        self.attachmentID = attachmentID
        self.sha256 = sha256
        self.contentType = contentType
        self.kind = kind
        self.filename = filename
    }

    enum CodingKeys: String, CodingKey {
        case attachmentID = "attachment_id"
        case sha256
        case contentType = "content_type"
        case kind
        case filename
    }
}
