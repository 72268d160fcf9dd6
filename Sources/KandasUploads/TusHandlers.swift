public import HTTPServer
public import KandasProtocol
import SystemKit

/// The HTTP side of tus 1.0 (core, creation, checksum, expiration, termination) under one prefix.
///
/// Every request except `OPTIONS` is authenticated by the caller's closure, which returns the
/// owner (the user or device id uploads belong to) or throws its 401; then `Tus-Resumable:
/// 1.0.0` is required (412 otherwise). Every response carries `Tus-Resumable: 1.0.0`; errors are
/// problem+json with the protocol's stable codes, except on `HEAD`, where the status alone tells.
///
/// ```swift
/// let tus = TusHandlers(store: uploads)
/// tus.register(on: &router) { request throws(HTTPError) in try auth.deviceUser(request) }
/// ```
/// - SeeAlso: `Protocol/sync-v1.md` §10, https://tus.io/protocols/resumable-upload
public struct TusHandlers: Sendable {
    /// Returns the owner of the request or throws the 401 to send.
    public typealias Authenticate = @Sendable (HTTPRequest) throws(HTTPError) -> String

    public let store: UploadStore
    /// Where the collection is mounted; `Location` is `<prefix>/<upload_id>`.
    public let prefix: String

    public init(store: UploadStore, prefix: String = Tus.collectionPath) {
        self.store = store
        self.prefix = prefix
    }

    /// Adds `OPTIONS`/`POST <prefix>` and `HEAD`/`PATCH`/`DELETE <prefix>/:upload_id`.
    public func register(on router: inout Router, authenticate: @escaping Authenticate) {
        let handlers = self
        router.add(.options, prefix) { request in handlers.options(request) }
        router.add(.post, prefix, body: .buffered(limit: 0)) { request in
            handlers.guarded(request, authenticate) { owner in handlers.create(request, owner: owner) }
        }
        router.add(.head, prefix + "/:upload_id") { request in
            handlers.guarded(request, authenticate) { owner in handlers.head(request, owner: owner) }
        }
        // The engine's limit is the file size: the chunk limit is enforced here so that the
        // answer is `chunk_too_large`, not the engine's generic `body_too_large`.
        router.add(.patch, prefix + "/:upload_id", body: .streaming(limit: store.configuration.maxFileBytes)) {
            request in
            switch handlers.authorize(request, authenticate) {
            case .owner(let owner): handlers.patch(request, owner: owner)
            case .refused(let response): .respond(response)
            }
        }
        router.add(.delete, prefix + "/:upload_id") { request in
            handlers.guarded(request, authenticate) { owner in handlers.delete(request, owner: owner) }
        }
    }

    // MARK: Requests

    /// `OPTIONS <prefix>`: what the server supports and its limits (no auth).
    public func options(_ request: HTTPRequest) -> HTTPResponse {
        let c = store.configuration
        var headers = Self.baseHeaders
        headers[HeaderName.tusVersion] = Tus.version
        headers[HeaderName.tusExtension] = Tus.extensions
        headers[HeaderName.tusChecksumAlgorithm] = Tus.checksumAlgorithms
        headers[HeaderName.tusMaxSize] = String(c.maxFileBytes)
        headers[HeaderName.uploadLimit] = "max-size=\(c.maxFileBytes), max-append-size=\(c.maxChunkBytes)"
        headers[HeaderName.kandasMaxChunkSize] = String(c.maxChunkBytes)
        headers[HeaderName.kandasRecommendedChunkSize] = String(c.recommendedChunkBytes)
        return HTTPResponse(status: .noContent, headers: headers)
    }

    /// `POST <prefix>`: creation, idempotent per (owner, attachment).
    public func create(_ request: HTTPRequest, owner: String) -> HTTPResponse {
        if request.headers[HeaderName.uploadDeferLength] != nil {
            // sync-v1 §10.2 asks for 400 here although `invalid_field` is otherwise 422.
            return problem(
                UploadError(.invalidField, detail: "Upload-Defer-Length is not supported"), request, status: 400)
        }
        guard let lengthText = request.headers[HeaderName.uploadLength] else {
            return problem(UploadError(.missingField, detail: "Upload-Length is required"), request)
        }
        guard let length = Self.nonNegativeInteger(lengthText), length > 0 else {
            return problem(UploadError(.invalidField, detail: "Upload-Length must be a positive integer"), request)
        }
        let header = request.headers[HeaderName.uploadMetadata] ?? ""
        let metadata: UploadMetadata
        do {
            metadata = try UploadMetadata(header: header)
        } catch {
            return problem(UploadError(error), request)
        }
        do {
            let status = try store.create(owner: owner, length: length, metadata: metadata, metadataHeader: header)
            var headers = statusHeaders(status)
            headers[HeaderName.location] = prefix + "/" + status.uploadID
            if status.replayed { headers[HeaderName.idempotentReplayed] = "true" }
            return HTTPResponse(status: .created, headers: headers)
        } catch {
            return problem(error, request)
        }
    }

    /// `HEAD <prefix>/:upload_id`: the committed offset; ends an older PATCH still running.
    public func head(_ request: HTTPRequest, owner: String) -> HTTPResponse {
        var headers = Self.baseHeaders
        headers[HeaderName.cacheControl] = "no-store"
        do {
            let status = try store.status(owner: owner, uploadID: request.parameter("upload_id") ?? "")
            for field in statusHeaders(status) { headers[field.name] = field.value }
            headers[HeaderName.uploadLength] = String(status.length)
            headers[HeaderName.uploadMetadata] = status.metadataHeader
            return HTTPResponse(status: .ok, headers: headers)
        } catch {
            return HTTPResponse(status: HTTPStatus(code: error.status), headers: headers)
        }
    }

    /// `PATCH <prefix>/:upload_id`: decides from the head, then streams the body to the file.
    public func patch(_ request: HTTPRequest, owner: String) -> BodyDecision {
        let contentType = request.headers[HeaderName.contentType].map(MediaSniffer.essence)
        guard contentType == Tus.patchContentType else {
            return .respond(
                problem(UploadError(.unsupportedMediaType, detail: "use \(Tus.patchContentType)"), request))
        }
        guard let offsetText = request.headers[HeaderName.uploadOffset] else {
            return .respond(problem(UploadError(.missingField, detail: "Upload-Offset is required"), request))
        }
        guard let offset = Self.nonNegativeInteger(offsetText) else {
            return .respond(problem(UploadError(.invalidField, detail: "Upload-Offset must be an integer"), request))
        }
        var checksum: UploadChecksum?
        if let text = request.headers[HeaderName.uploadChecksum] {
            do {
                checksum = try UploadChecksum(header: text)
            } catch {
                return .respond(problem(UploadError(error), request))
            }
        }
        let chunked = request.headers.tokens("Transfer-Encoding").contains("chunked")
        let declared = chunked ? nil : Self.nonNegativeInteger(request.headers["Content-Length"] ?? "0")
        // sync-v1 §10.4 rule 1: a newer request on this upload closes this one's connection.
        let cancel = CancelHandle()
        do {
            let writer = try store.beginAppend(
                owner: owner, uploadID: request.parameter("upload_id") ?? "", offset: offset,
                contentLength: declared, checksum: checksum, onLeaseLost: { cancel.cancel() })
            return .consume(PatchConsumer(writer: writer, handlers: self, request: request), cancel: cancel)
        } catch {
            return .respond(problem(error, request))
        }
    }

    /// `DELETE <prefix>/:upload_id`: termination.
    public func delete(_ request: HTTPRequest, owner: String) -> HTTPResponse {
        do {
            try store.terminate(owner: owner, uploadID: request.parameter("upload_id") ?? "")
            return HTTPResponse(status: .noContent, headers: Self.baseHeaders)
        } catch {
            return problem(error, request)
        }
    }

    // MARK: Shared

    /// Authenticates, then requires `Tus-Resumable: 1.0.0`; errors are returned as responses.
    private func guarded(
        _ request: HTTPRequest, _ authenticate: Authenticate, _ body: (String) -> HTTPResponse
    ) -> HTTPResponse {
        switch authorize(request, authenticate) {
        case .owner(let owner):
            return body(owner)
        case .refused(let response):
            if request.method == .head { return HTTPResponse(status: response.status, headers: response.headers) }
            return response
        }
    }

    /// Who is asking, or the response refusing them.
    private enum Authorization {
        case owner(String)
        case refused(HTTPResponse)
    }

    private func authorize(_ request: HTTPRequest, _ authenticate: Authenticate) -> Authorization {
        let owner: String
        do {
            owner = try authenticate(request)
        } catch {
            var response = error.response
            response.headers[HeaderName.tusResumable] = Tus.version
            return .refused(response)
        }
        guard request.headers[HeaderName.tusResumable] == Tus.version else {
            var response = problem(
                UploadError(.tusVersionUnsupported, detail: "send Tus-Resumable: \(Tus.version)"), request)
            response.headers[HeaderName.tusVersion] = Tus.version
            return .refused(response)
        }
        return .owner(owner)
    }

    /// `Upload-Offset`, `Upload-Expires` (while receiving) and `Kandas-Upload-State`.
    func statusHeaders(_ status: UploadStatus) -> HTTPHeaders {
        var headers = Self.baseHeaders
        headers[HeaderName.uploadOffset] = String(status.offset)
        if let expires = status.expiresAt {
            headers[HeaderName.uploadExpires] = HTTPDate.format(Int64(expires.timeIntervalSince1970.rounded(.down)))
        }
        headers[HeaderName.kandasUploadState] = status.state.rawValue
        return headers
    }

    static let baseHeaders: HTTPHeaders = [HeaderName.tusResumable: Tus.version]

    /// Digits only (no sign, no spaces), within Int64.
    static func nonNegativeInteger(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }
}
