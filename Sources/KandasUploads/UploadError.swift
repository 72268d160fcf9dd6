import Glibc
public import KandasProtocol
import KandasStore
import SystemKit

/// The one error type of KandasUploads, and the upload path's one error vocabulary: a stable
/// protocol code plus what is needed to debug it. It reaches the wire through
/// `TusHandlers.httpError` only (see `TusHandlers+Problem.swift`).
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

    /// A failed system call from SystemKit (see ``system(_:path:errno:)``).
    init(_ error: SystemError) {
        self = .system(error.call, path: error.path, errno: error.errno)
    }

    /// A failed system call: `internal_error` with the call, the path and `errno`; a full disk or
    /// quota (`ENOSPC`, `EDQUOT`) is `insufficient_storage` (507, sync-v1 §15): nothing was stored
    /// past the committed offset and the client may retry later.
    static func system(_ operation: String, path: String?, errno: Int32) -> UploadError {
        if errno == ENOSPC || errno == EDQUOT {
            return UploadError(
                .insufficientStorage, detail: "the server's disk is full; retry later", operation: operation,
                path: path, errno: errno)
        }
        return UploadError(.internalError, operation: operation, path: path, errno: errno)
    }

    /// A header the protocol module could not parse (`Upload-Metadata`, `Upload-Checksum`), with its
    /// code (`missing_field`, `invalid_field`, `checksum_algorithm_unsupported`) and detail.
    init(_ error: ProtocolError) {
        self.init(error.code, detail: error.detail)
    }

    /// An error of the sync side's creation check, with its code and detail kept (`unknown_attachment`,
    /// `attachment_mismatch`); any other error is a storage failure.
    static func creationCheck(_ error: any Error) -> UploadError {
        if let e = error as? UploadError { return e }
        if let e = error as? any UploadErrorConvertible { return e.uploadError }
        return storage(error, operation: "creation check")
    }

    /// A storage failure that is not a system call (the database, a hook), kept for the log; a full
    /// database (SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`) is `insufficient_storage` like a full disk under a write.
    static func storage(_ error: any Error, operation: String) -> UploadError {
        if let e = error as? UploadError { return e }
        if let e = error as? DatabaseError, e.kind == .full {
            return UploadError(
                .insufficientStorage, detail: "the server's disk is full; retry later",
                operation: "\(operation): \(error)")
        }
        return UploadError(.internalError, detail: nil, operation: "\(operation): \(error)")
    }

    /// A failure of the server, not of the request: logged with what failed (`internal_error`,
    /// `insufficient_storage`).
    var isServerFailure: Bool { code == .internalError || code == .insufficientStorage || code == .unavailable }

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

/// An error of another layer that the upload path answers with its own code (the sync side's
/// `ServerError` from the creation check), converted at the seam once.
public protocol UploadErrorConvertible: Error {
    /// The same failure in the upload path's vocabulary.
    var uploadError: UploadError { get }
}
