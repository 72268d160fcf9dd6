public import KandasProtocol
import SQLiteKit

/// An evidence file captured on this device, and where it is on its way to the server.
public struct LocalFile: Sendable, Equatable {
    /// Lifecycle of a local file: `pending` → `uploading` → `uploaded` (server says verified) →
    /// `verified` (a receipt lists it) → `freed` (local copy deleted per keep-policy). `failed` is a
    /// permanent refusal by the server (e.g. the bytes contradict the type); the copy is kept. A receipt
    /// saying `corrupt` or `expired` sends an unfreed file back to `pending` for a new upload.
    public enum State: String, Sendable, Equatable, CaseIterable {
        case pending, uploading, uploaded, verified, freed, failed
    }

    /// The attachment id declared in the event.
    public var attachmentID: WireID
    /// The declaring event.
    public var eventID: WireID
    /// The completion it belongs to.
    public var completionID: WireID
    /// Path of the local copy inside the store (absent once freed).
    public var localPath: String?
    /// Size in bytes.
    public var size: Int64
    /// SHA-256 hex, computed at capture from the local copy.
    public var sha256: String
    /// Photo, video or document.
    public var kind: FileKind
    /// Sniffed media type.
    public var contentType: String
    /// Upload state.
    public var state: State
    /// The tus upload URL once created.
    public var uploadURL: String?
    /// The last upload error, if any (a §15 code or short text).
    public var lastError: String?
    /// Request-body bytes sent for this file so far, over all attempts.
    public var bytesSent: Int64
    /// The server's state of this file in the newest receipt that listed it (sync-v1 §11); `nil` before
    /// any receipt. `corrupt` and `expired` mean the server dropped the bytes and the device uploads again.
    public var serverState: UploadState?
    /// When the server issued that receipt.
    public var serverStateAt: Timestamp?

    init(row: Row, home: String) throws {
        guard let attachment = WireID(try row.string("attachment_id")), let event = WireID(try row.string("event_id")),
            let completion = WireID(try row.string("completion_id")),
            let kind = FileKind(rawValue: try row.string("kind")),
            let state = State(rawValue: try row.string("state"))
        else { throw ClientError(.storage, "files row is damaged") }
        attachmentID = attachment
        eventID = event
        completionID = completion
        self.state = state
        localPath = state == .freed ? nil : home + "/" + (try row.string("local_path"))
        size = try row.int("size")
        sha256 = try row.string("sha256")
        self.kind = kind
        contentType = try row.string("content_type")
        uploadURL = row.optionalString("upload_url")
        lastError = row.optionalString("last_error")
        bytesSent = try row.int("bytes_sent")
        serverState = row.optionalString("server_state").flatMap(UploadState.init(rawValue:))
        serverStateAt = row.optionalInt("server_state_at").map { Timestamp(millisecondsSince1970: $0) }
    }
}
