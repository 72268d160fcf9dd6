/// An RFC 9457 problem details body (`application/problem+json`) with the protocol's stable `code`.
///
/// Clients branch on `code` only. `code` is a string so that codes added within v1 still decode;
/// `errorCode` maps it to the known enum.
/// - SeeAlso: https://www.rfc-editor.org/rfc/rfc9457
public struct Problem: Sendable, Codable, Equatable, Error {
    /// `urn:kandas:problem:<code>`.
    public var type: String
    /// Short stable summary of the code.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// The stable error code.
    public var code: String
    /// Human text for this occurrence (no tokens, no personal data).
    public var detail: String?
    /// The request path.
    public var instance: String?
    /// Same as the `Request-Id` header.
    public var requestID: String?
    /// Field-level errors.
    public var errors: [FieldError]?
    /// Same as `Retry-After` (429, 503).
    public var retryAfterSeconds: Int?
    /// The limit that was exceeded.
    public var limit: Int?
    /// The committed upload offset (`upload_offset_mismatch`).
    public var uploadOffset: Int?

    /// Creates a problem from raw fields.
    public init(
        type: String, title: String, status: Int, code: String, detail: String? = nil, instance: String? = nil,
        requestID: String? = nil, errors: [FieldError]? = nil, retryAfterSeconds: Int? = nil, limit: Int? = nil,
        uploadOffset: Int? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.code = code
        self.detail = detail
        self.instance = instance
        self.requestID = requestID
        self.errors = errors
        self.retryAfterSeconds = retryAfterSeconds
        self.limit = limit
        self.uploadOffset = uploadOffset
    }

    /// Creates the problem for a known code, with its type, title and status.
    ///
    /// - Important: event-only codes have no status; they belong in `EventResult`, not here.
    ///   They get 422 should one be passed by mistake.
    public init(_ code: ErrorCode, detail: String? = nil, instance: String? = nil, errors: [FieldError]? = nil) {
        self.init(
            type: code.typeURI, title: code.title, status: code.httpStatus ?? 422, code: code.rawValue,
            detail: detail, instance: instance, errors: errors)
    }

    /// The code as a known `ErrorCode`, or `nil` for a code this build does not know.
    public var errorCode: ErrorCode? { ErrorCode(rawValue: code) }

    enum CodingKeys: String, CodingKey {
        case type, title, status, code, detail, instance, errors, limit
        case requestID = "request_id"
        case retryAfterSeconds = "retry_after_s"
        case uploadOffset = "upload_offset"
    }
}
