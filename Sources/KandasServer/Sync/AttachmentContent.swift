import HTTPServer
import KandasProtocol
import KandasStore
import KandasUploads

/// The verified bytes of an evidence file, for the admin API and the console alike (Protocol §4.9).
///
/// One code path serves `GET /v1/admin/attachments/{id}/content` and the console's
/// `/console/attachments/{id}/content`: the scope check of `GET /v1/admin/attachments/{id}`
/// (outside the scope answers `404`, existence is not revealed), `409 conflict` until the file
/// is verified, then the blob from the content-addressed folder through the engine's file
/// responder, which streams it with `sendfile` and answers a single `Range` (`206`/`416`) and
/// `If-Range`, so video can be seeked. The `ETag` is the file's SHA-256, a strong validator that
/// never changes since blobs are content-addressed.
enum AttachmentContent {
    /// Content types served inline; anything else is downloaded as octet-stream.
    static let inlineTypes: Set<String> = [
        "image/jpeg", "image/png", "image/heic", "video/mp4", "video/quicktime", "video/3gpp", "video/webm",
        "application/pdf",
    ]

    /// The response for attachment `id` as `actor` may see it.
    ///
    /// - Parameters:
    ///   - read: runs a read on a reader connection (the caller's context).
    /// - Throws: ``ServerError`` `not_found` (unknown or out of scope), `conflict` (not verified yet),
    ///   `internal_error` (the stored hash is not a content address).
    static func response(
        id: String, actor: Principal, dataDirectory: String,
        read: ((any DatabaseConnection) throws -> DatabaseRow?) throws -> DatabaseRow?
    ) throws -> HTTPResponse {
        let s = actor.scope.records(alias: "c")
        let row = try read { db in
            try db.queryOne(
                "SELECT a.sha256, a.content_type, a.state FROM attachments a JOIN completions c ON c.id = a.completion_id"
                    + " WHERE a.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        }
        guard let row else { throw ServerError(.notFound, "no such attachment") }
        let state = try row.string("state")
        guard state == UploadState.verified.rawValue else {
            throw ServerError(.conflict, "the file is not verified yet (upload_state \(state))")
        }
        let sha256 = try row.string("sha256")
        guard let path = blobPath(dataDirectory, sha256: sha256) else {
            throw ServerError(.internalError, "stored hash is not a content address")
        }
        let declared = try row.string("content_type")
        let type = inlineTypes.contains(declared) ? declared : "application/octet-stream"
        var response = HTTPResponse(status: .ok, body: .file(path: path, contentType: type))
        response.headers["ETag"] = "\"\(sha256)\""
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, max-age=3600"
        response.headers["Content-Disposition"] = type == "application/octet-stream" ? "attachment" : "inline"
        return response
    }

    /// Where the local blob store keeps a verified file: KandasUploads' `LocalBlobStore` under `<data>/blobs`
    /// (`ab/cd/<sha256>`); nil for anything that is not a content address.
    static func blobPath(_ dataDirectory: String, sha256: String) -> String? {
        (try? LocalBlobStore(root: dataDirectory + "/blobs"))?.localPath(sha256: sha256)
    }
}
