/// Every stable error code of protocol v1 (sync-v1 §15); the raw value is the wire code.
///
/// Codes with no HTTP status occur only as `EventResult.code` inside a `200` push response.
/// A test keeps this enum and the table in `Protocol/sync-v1.md` identical.
public enum ErrorCode: String, Sendable, Codable, Equatable, CaseIterable {
    // Auth.
    case unauthenticated
    case invalidCredentials = "invalid_credentials"
    case tokenExpired = "token_expired"
    case tokenRevoked = "token_revoked"
    case refreshTokenReused = "refresh_token_reused"
    case deviceRevoked = "device_revoked"
    case enrollmentCodeInvalid = "enrollment_code_invalid"
    case enrollmentCodeExpired = "enrollment_code_expired"
    case enrollmentCodeUsed = "enrollment_code_used"
    case accountDisabled = "account_disabled"
    case forbidden
    case outOfScope = "out_of_scope"
    // Input.
    case unsupportedProtocolVersion = "unsupported_protocol_version"
    case malformedJSON = "malformed_json"
    case invalidField = "invalid_field"
    case unknownField = "unknown_field"
    case missingField = "missing_field"
    case invalidIIN = "invalid_iin"
    case invalidParameter = "invalid_parameter"
    case invalidPageToken = "invalid_page_token"
    case invalidCursor = "invalid_cursor"
    case bodyTooLarge = "body_too_large"
    case batchTooLarge = "batch_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case unsupportedContentEncoding = "unsupported_content_encoding"
    case invalidContentEncoding = "invalid_content_encoding"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict
    case invalidTransition = "invalid_transition"
    case idempotencyKeyMissing = "idempotency_key_missing"
    case idempotencyKeyReused = "idempotency_key_reused"
    case idempotencyKeyInUse = "idempotency_key_in_use"
    case rateLimited = "rate_limited"
    case unavailable
    case internalError = "internal_error"
    // tus.
    case tusVersionUnsupported = "tus_version_unsupported"
    case uploadOffsetMismatch = "upload_offset_mismatch"
    case checksumMismatch = "checksum_mismatch"
    case checksumAlgorithmUnsupported = "checksum_algorithm_unsupported"
    case fileDigestMismatch = "file_digest_mismatch"
    case contentTypeMismatch = "content_type_mismatch"
    case uploadExpired = "upload_expired"
    case uploadCorrupt = "upload_corrupt"
    case uploadTooLarge = "upload_too_large"
    case chunkTooLarge = "chunk_too_large"
    case unknownAttachment = "unknown_attachment"
    case attachmentMismatch = "attachment_mismatch"
    // Sync event outcomes.
    case gap
    case deviceSeqReused = "device_seq_reused"
    case eventIDReused = "event_id_reused"
    case unknownEventType = "unknown_event_type"
    case invalidPayload = "invalid_payload"
    case unknownItem = "unknown_item"
    case itemNotPublished = "item_not_published"
    case unknownMember = "unknown_member"
    case memberMismatch = "member_mismatch"
    case unknownCompletion = "unknown_completion"
    case completionVoided = "completion_voided"
    case unknownConflict = "unknown_conflict"
    case conflictAlreadyResolved = "conflict_already_resolved"
    case resolutionNotAllowed = "resolution_not_allowed"
    case attachmentIDReused = "attachment_id_reused"
    // HTTP level (the HTTP engine answers these before any route runs).
    case badRequest = "bad_request"
    case headerTooLarge = "header_too_large"
    case uriTooLong = "uri_too_long"
    case lengthRequired = "length_required"
    case requestTimeout = "request_timeout"
    case expectationFailed = "expectation_failed"
    case unsupportedTransferEncoding = "unsupported_transfer_encoding"
    case httpVersionNotSupported = "http_version_not_supported"
    case rangeNotSatisfiable = "range_not_satisfiable"
    case tooManyConnections = "too_many_connections"
    case insufficientStorage = "insufficient_storage"
    // Centre stay (Protocol/stay-v1.md).
    case couponMissing = "coupon_missing"
    case noFreeBeds = "no_free_beds"
    case referralLapsed = "referral_lapsed"
    case datesOutOfOrder = "dates_out_of_order"
    case notOnReferral = "not_on_referral"
    // Rules 2 round 2 (issue 16).
    case consentMissing = "consent_missing"

    /// The HTTP status of a response carrying this code; `nil` for push event outcomes only.
    public var httpStatus: Int? {
        switch self {
        case .unauthenticated, .invalidCredentials, .tokenExpired, .tokenRevoked, .refreshTokenReused,
            .deviceRevoked, .enrollmentCodeInvalid:
            return 401
        case .enrollmentCodeExpired, .enrollmentCodeUsed, .uploadExpired, .uploadCorrupt: return 410
        case .accountDisabled, .forbidden, .outOfScope: return 403
        case .unsupportedProtocolVersion, .malformedJSON, .invalidParameter, .invalidPageToken, .invalidCursor,
            .idempotencyKeyMissing, .checksumAlgorithmUnsupported, .badRequest, .invalidContentEncoding:
            return 400
        case .invalidField, .unknownField, .missingField, .invalidIIN, .idempotencyKeyReused, .contentTypeMismatch,
            .unknownAttachment, .attachmentMismatch:
            return 422
        case .bodyTooLarge, .batchTooLarge, .uploadTooLarge, .chunkTooLarge: return 413
        case .unsupportedMediaType, .unsupportedContentEncoding: return 415
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .conflict, .invalidTransition, .idempotencyKeyInUse, .uploadOffsetMismatch, .couponMissing, .noFreeBeds,
            .referralLapsed, .consentMissing:
            return 409
        case .datesOutOfOrder, .notOnReferral: return 422
        case .rateLimited: return 429
        case .unavailable: return 503
        case .internalError: return 500
        case .tusVersionUnsupported: return 412
        case .checksumMismatch, .fileDigestMismatch: return 460
        case .headerTooLarge: return 431
        case .uriTooLong: return 414
        case .lengthRequired: return 411
        case .requestTimeout: return 408
        case .expectationFailed: return 417
        case .unsupportedTransferEncoding: return 501
        case .httpVersionNotSupported: return 505
        case .rangeNotSatisfiable: return 416
        case .tooManyConnections: return 503
        case .insufficientStorage: return 507
        case .gap, .deviceSeqReused, .eventIDReused, .unknownEventType, .invalidPayload, .unknownItem,
            .itemNotPublished, .unknownMember, .memberMismatch, .unknownCompletion, .completionVoided,
            .unknownConflict, .conflictAlreadyResolved, .resolutionNotAllowed, .attachmentIDReused:
            return nil
        }
    }

    /// The stable problem `title`: the code in words (`batch_too_large` → "Batch too large").
    public var title: String {
        let words = rawValue.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The problem `type` URI, `urn:kandas:problem:<code>`.
    public var typeURI: String { "urn:kandas:problem:" + rawValue }
}
