/// The server's published limits (`GET /v1/limits`, sync-v1 §16).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Limits: Sendable, Codable, Equatable {
    /// 1.
    public var protocolVersion: Int
    /// Optional capabilities; empty in v1.
    public var features: [String]
    /// Request line plus headers.
    public var maxHeaderBytes: Int
    /// Header fields per request.
    public var maxHeaderCount: Int
    /// Admin JSON bodies.
    public var maxJSONBodyBytes: Int
    /// Push bodies.
    public var maxPushBodyBytes: Int
    /// Events per push.
    public var maxPushEvents: Int
    /// Import bodies.
    public var maxImportBodyBytes: Int
    /// Rows per import.
    public var maxImportRows: Int
    /// Largest pull `limit`.
    public var maxPullLimit: Int
    /// Pull `limit` when absent.
    public var defaultPullLimit: Int
    /// Largest list `limit`.
    public var maxPageLimit: Int
    /// List `limit` when absent.
    public var defaultPageLimit: Int
    /// Largest file (`Tus-Max-Size`).
    public var maxFileBytes: Int
    /// Largest PATCH body.
    public var maxChunkBytes: Int
    /// Chunk size clients should use on good links.
    public var recommendedChunkBytes: Int
    /// Files per completion.
    public var maxFilesPerCompletion: Int
    /// Note length.
    public var maxNoteChars: Int
    /// Unfinished uploads per device.
    public var maxOpenUploadsPerDevice: Int
    /// Sliding upload expiry.
    public var uploadExpirySeconds: Int
    /// Absolute upload expiry.
    public var uploadMaxAgeSeconds: Int
    /// Device access token lifetime.
    public var accessTokenTTLSeconds: Int
    /// Sliding refresh token lifetime.
    public var refreshTokenTTLSeconds: Int
    /// Absolute refresh token lifetime.
    public var refreshTokenMaxAgeSeconds: Int
    /// Grace window for a replaced refresh token.
    public var refreshGraceSeconds: Int
    /// Default enrollment code lifetime.
    public var enrollmentCodeTTLSeconds: Int
    /// Largest enrollment code lifetime.
    public var enrollmentCodeMaxTTLSeconds: Int
    /// Admin session absolute lifetime.
    public var sessionTTLSeconds: Int
    /// Admin session idle timeout.
    public var sessionIdleSeconds: Int
    /// How long Idempotency-Keys are kept.
    public var idempotencyRetentionSeconds: Int

    /// Creates a value from its fields.
    public init(
        protocolVersion: Int, features: [String], maxHeaderBytes: Int, maxHeaderCount: Int, maxJSONBodyBytes: Int,
        maxPushBodyBytes: Int, maxPushEvents: Int, maxImportBodyBytes: Int, maxImportRows: Int, maxPullLimit: Int,
        defaultPullLimit: Int, maxPageLimit: Int, defaultPageLimit: Int, maxFileBytes: Int, maxChunkBytes: Int,
        recommendedChunkBytes: Int, maxFilesPerCompletion: Int, maxNoteChars: Int, maxOpenUploadsPerDevice: Int,
        uploadExpirySeconds: Int, uploadMaxAgeSeconds: Int, accessTokenTTLSeconds: Int, refreshTokenTTLSeconds: Int,
        refreshTokenMaxAgeSeconds: Int, refreshGraceSeconds: Int, enrollmentCodeTTLSeconds: Int,
        enrollmentCodeMaxTTLSeconds: Int, sessionTTLSeconds: Int, sessionIdleSeconds: Int,
        idempotencyRetentionSeconds: Int
    ) {
        self.protocolVersion = protocolVersion
        self.features = features
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxPushBodyBytes = maxPushBodyBytes
        self.maxPushEvents = maxPushEvents
        self.maxImportBodyBytes = maxImportBodyBytes
        self.maxImportRows = maxImportRows
        self.maxPullLimit = maxPullLimit
        self.defaultPullLimit = defaultPullLimit
        self.maxPageLimit = maxPageLimit
        self.defaultPageLimit = defaultPageLimit
        self.maxFileBytes = maxFileBytes
        self.maxChunkBytes = maxChunkBytes
        self.recommendedChunkBytes = recommendedChunkBytes
        self.maxFilesPerCompletion = maxFilesPerCompletion
        self.maxNoteChars = maxNoteChars
        self.maxOpenUploadsPerDevice = maxOpenUploadsPerDevice
        self.uploadExpirySeconds = uploadExpirySeconds
        self.uploadMaxAgeSeconds = uploadMaxAgeSeconds
        self.accessTokenTTLSeconds = accessTokenTTLSeconds
        self.refreshTokenTTLSeconds = refreshTokenTTLSeconds
        self.refreshTokenMaxAgeSeconds = refreshTokenMaxAgeSeconds
        self.refreshGraceSeconds = refreshGraceSeconds
        self.enrollmentCodeTTLSeconds = enrollmentCodeTTLSeconds
        self.enrollmentCodeMaxTTLSeconds = enrollmentCodeMaxTTLSeconds
        self.sessionTTLSeconds = sessionTTLSeconds
        self.sessionIdleSeconds = sessionIdleSeconds
        self.idempotencyRetentionSeconds = idempotencyRetentionSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case protocolVersion = "protocol_version"
        case features
        case maxHeaderBytes = "max_header_bytes"
        case maxHeaderCount = "max_header_count"
        case maxJSONBodyBytes = "max_json_body_bytes"
        case maxPushBodyBytes = "max_push_body_bytes"
        case maxPushEvents = "max_push_events"
        case maxImportBodyBytes = "max_import_body_bytes"
        case maxImportRows = "max_import_rows"
        case maxPullLimit = "max_pull_limit"
        case defaultPullLimit = "default_pull_limit"
        case maxPageLimit = "max_page_limit"
        case defaultPageLimit = "default_page_limit"
        case maxFileBytes = "max_file_bytes"
        case maxChunkBytes = "max_chunk_bytes"
        case recommendedChunkBytes = "recommended_chunk_bytes"
        case maxFilesPerCompletion = "max_files_per_completion"
        case maxNoteChars = "max_note_chars"
        case maxOpenUploadsPerDevice = "max_open_uploads_per_device"
        case uploadExpirySeconds = "upload_expiry_s"
        case uploadMaxAgeSeconds = "upload_max_age_s"
        case accessTokenTTLSeconds = "access_token_ttl_s"
        case refreshTokenTTLSeconds = "refresh_token_ttl_s"
        case refreshTokenMaxAgeSeconds = "refresh_token_max_age_s"
        case refreshGraceSeconds = "refresh_grace_s"
        case enrollmentCodeTTLSeconds = "enrollment_code_ttl_s"
        case enrollmentCodeMaxTTLSeconds = "enrollment_code_max_ttl_s"
        case sessionTTLSeconds = "session_ttl_s"
        case sessionIdleSeconds = "session_idle_s"
        case idempotencyRetentionSeconds = "idempotency_retention_s"
    }
}
