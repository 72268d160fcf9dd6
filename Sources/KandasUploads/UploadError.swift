public import KandasProtocol

/// The one error type of KandasUploads: a stable protocol code plus what is needed to debug it.
///
/// Client-facing failures carry a §15 `code` (`upload_offset_mismatch`, `checksum_mismatch`...)
/// and, where the protocol says so, the committed `uploadOffset` or the exceeded `limit`.
/// System failures (`internal_error`) also carry the failing `operation`, the `path` and the
/// `errno`, which go to the log only: a client never sees paths.
public struct UploadError: Error, Sendable, CustomStringConvertible {
    /// The stable protocol code; it fixes the HTTP status.
    public var code: ErrorCode
    /// Human text for this occurrence; never contains tokens, personal data or paths.
    public var detail: String?
    /// The committed offset (`upload_offset_mismatch`, `checksum_mismatch`).
    public var uploadOffset: Int64?
    /// The limit that was exceeded (`upload_too_large`, `chunk_too_large`).
    public var limit: Int64?
    /// The system call or step that failed (`pwrite`, `fsync`, `sqlite`), for logs.
    public var operation: String?
    /// The file involved, for logs.
    public var path: String?
    /// The `errno` of a failed system call.
    public var errno: Int32?

    /// Creates an error.
    public init(
        _ code: ErrorCode, detail: String? = nil, uploadOffset: Int64? = nil, limit: Int64? = nil,
        operation: String? = nil, path: String? = nil, errno: Int32? = nil
    ) {
        self.code = code
        self.detail = detail
        self.uploadOffset = uploadOffset
        self.limit = limit
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// A failed system call: `internal_error` with the call, the path and `errno`.
    static func system(_ operation: String, path: String?, errno: Int32) -> UploadError {
        UploadError(.internalError, operation: operation, path: path, errno: errno)
    }

    /// A storage failure that is not a system call (SQLite, a hook), kept for the log.
    static func storage(_ error: any Error, operation: String) -> UploadError {
        if let e = error as? UploadError { return e }
        return UploadError(.internalError, detail: nil, operation: "\(operation): \(error)")
    }

    /// The HTTP status of this error's code.
    public var status: Int { code.httpStatus ?? 500 }

    public var description: String {
        var s = "UploadError(\(code.rawValue)"
        if let detail { s += ": \(detail)" }
        if let uploadOffset { s += ", offset \(uploadOffset)" }
        if let limit { s += ", limit \(limit)" }
        if let operation { s += ", \(operation)" }
        if let path { s += " \(path)" }
        if let errno { s += ", errno \(errno)" }
        return s + ")"
    }
}
