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
    public var maxJsonBodyBytes: Int
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
    public var accessTokenTtlSeconds: Int
    /// Sliding refresh token lifetime.
    public var refreshTokenTtlSeconds: Int
    /// Absolute refresh token lifetime.
    public var refreshTokenMaxAgeSeconds: Int
    /// Grace window for a replaced refresh token.
    public var refreshGraceSeconds: Int
    /// Default enrollment code lifetime.
    public var enrollmentCodeTtlSeconds: Int
    /// Largest enrollment code lifetime.
    public var enrollmentCodeMaxTtlSeconds: Int
    /// Admin session absolute lifetime.
    public var sessionTtlSeconds: Int
    /// Admin session idle timeout.
    public var sessionIdleSeconds: Int
    /// How long Idempotency-Keys are kept.
    public var idempotencyRetentionSeconds: Int

    /// Creates a value from its fields.
    public init(protocolVersion: Int, features: [String], maxHeaderBytes: Int, maxHeaderCount: Int, maxJsonBodyBytes: Int, maxPushBodyBytes: Int, maxPushEvents: Int, maxImportBodyBytes: Int, maxImportRows: Int, maxPullLimit: Int, defaultPullLimit: Int, maxPageLimit: Int, defaultPageLimit: Int, maxFileBytes: Int, maxChunkBytes: Int, recommendedChunkBytes: Int, maxFilesPerCompletion: Int, maxNoteChars: Int, maxOpenUploadsPerDevice: Int, uploadExpirySeconds: Int, uploadMaxAgeSeconds: Int, accessTokenTtlSeconds: Int, refreshTokenTtlSeconds: Int, refreshTokenMaxAgeSeconds: Int, refreshGraceSeconds: Int, enrollmentCodeTtlSeconds: Int, enrollmentCodeMaxTtlSeconds: Int, sessionTtlSeconds: Int, sessionIdleSeconds: Int, idempotencyRetentionSeconds: Int) {
        self.protocolVersion = protocolVersion
        self.features = features
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxJsonBodyBytes = maxJsonBodyBytes
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
        self.accessTokenTtlSeconds = accessTokenTtlSeconds
        self.refreshTokenTtlSeconds = refreshTokenTtlSeconds
        self.refreshTokenMaxAgeSeconds = refreshTokenMaxAgeSeconds
        self.refreshGraceSeconds = refreshGraceSeconds
        self.enrollmentCodeTtlSeconds = enrollmentCodeTtlSeconds
        self.enrollmentCodeMaxTtlSeconds = enrollmentCodeMaxTtlSeconds
        self.sessionTtlSeconds = sessionTtlSeconds
        self.sessionIdleSeconds = sessionIdleSeconds
        self.idempotencyRetentionSeconds = idempotencyRetentionSeconds
    }

    enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol_version"
        case features
        case maxHeaderBytes = "max_header_bytes"
        case maxHeaderCount = "max_header_count"
        case maxJsonBodyBytes = "max_json_body_bytes"
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
        case accessTokenTtlSeconds = "access_token_ttl_s"
        case refreshTokenTtlSeconds = "refresh_token_ttl_s"
        case refreshTokenMaxAgeSeconds = "refresh_token_max_age_s"
        case refreshGraceSeconds = "refresh_grace_s"
        case enrollmentCodeTtlSeconds = "enrollment_code_ttl_s"
        case enrollmentCodeMaxTtlSeconds = "enrollment_code_max_ttl_s"
        case sessionTtlSeconds = "session_ttl_s"
        case sessionIdleSeconds = "session_idle_s"
        case idempotencyRetentionSeconds = "idempotency_retention_s"
    }
}
