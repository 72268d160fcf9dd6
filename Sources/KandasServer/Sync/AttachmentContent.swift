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
/// never changes since blobs are content-addressed. From an S3 blob store the object is streamed
/// through (a ranged `GET` for a `Range`), never held in memory.
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
        id: String, actor: Principal, blobs: any BlobStore, request: HTTPRequest,
        read: ((any DatabaseConnection) throws -> DatabaseRow?) throws -> DatabaseRow?
    ) throws -> HTTPResponse {
        let row = try read { db in try AttachmentStore.contentRow(db, id: id, for: actor) }
        guard let row else { throw ServerError(.notFound, "no such attachment") }
        let state = try row.string("state")
        guard state == UploadState.verified.rawValue else {
            throw ServerError(.conflict, "the file is not verified yet (upload_state \(state))")
        }
        let sha256 = try row.string("sha256")
        let declared = try row.string("content_type")
        let type = inlineTypes.contains(declared) ? declared : "application/octet-stream"
        var response: HTTPResponse
        if let path = blobs.localPath(sha256: sha256) {
            response = HTTPResponse(status: .ok, body: .file(path: path, contentType: type))
        } else {
            response = try streamed(sha256: sha256, contentType: type, blobs: blobs, request: request)
        }
        response.headers["ETag"] = "\"\(sha256)\""
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, max-age=3600"
        response.headers["Content-Disposition"] = type == "application/octet-stream" ? "attachment" : "inline"
        return response
    }

    /// A blob from a store without local files (S3), answering `If-None-Match`, a single `Range`
    /// (`206`/`416`) and `If-Range` like the file responder does, streamed in pieces as they arrive.
    ///
    /// - Throws: ``ServerError`` `unavailable` (503, `Retry-After`) when the store cannot be reached,
    ///   `internal_error` when a verified blob is missing from it.
    static func streamed(
        sha256: String, contentType: String, blobs: any BlobStore, request: HTTPRequest
    ) throws -> HTTPResponse {
        let size: Int64?
        do { size = try blobs.size(sha256: sha256) } catch { throw serverError(error) }
        guard let size else { throw ServerError(.internalError, "verified blob missing from the store") }
        let etag = "\"\(sha256)\""
        var headers = HTTPHeaders()
        headers["Content-Type"] = contentType
        headers["Accept-Ranges"] = "bytes"
        if let inm = request.headers["If-None-Match"],
            inm.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" })
        {
            return HTTPResponse(status: .notModified, headers: headers, body: .empty)
        }
        var status = HTTPStatus.ok
        var range: ClosedRange<Int64>?
        switch ByteRange.decide(request, size: size, etag: etag) {
        case .whole:
            break
        case .unsatisfiable:
            var h = HTTPHeaders()
            h["Content-Range"] = "bytes */\(size)"
            return HTTPError(status: .rangeNotSatisfiable, code: "range_not_satisfiable", headers: h).response
        case .partial(let first, let last):
            status = .partialContent
            range = first...last
            headers["Content-Range"] = "bytes \(first)-\(last)/\(size)"
        }
        if request.method == .head || size == 0 { return HTTPResponse(status: status, headers: headers, body: .empty) }
        let wanted = range
        return HTTPResponse(
            status: status, headers: headers,
            body: .stream { writer in
                try blobs.read(sha256: sha256, range: wanted) { piece in (try? writer.write(piece)) != nil }
            })
    }

    /// Where the default blob folder keeps a verified file: KandasUploads' `LocalBlobStore` under
    /// `<data>/blobs` (`ab/cd/<sha256>`); nil for anything that is not a content address.
    static func blobPath(_ dataDirectory: String, sha256: String) -> String? {
        (try? LocalBlobStore(root: dataDirectory + "/blobs"))?.localPath(sha256: sha256)
    }

    private static func serverError(_ error: UploadError) -> ServerError {
        error.code == .unavailable
            ? ServerError(.unavailable, "the evidence store is unavailable; retry", retryAfterSeconds: 5)
            : ServerError(.internalError, "blob store: \(error.operation ?? error.code.rawValue)")
    }
}
