import KandasProtocol

extension SyncEngine {
    /// The next request of the first file waiting for upload that the network policy allows, or `nil`.
    ///
    /// No upload URL yet: create. An upload URL but no offset known to this process: ask (HEAD). A known
    /// offset: the next chunk as a file range, with its SHA-256 in `Upload-Checksum`.
    func nextUploadStep() async throws(ClientError) -> UploadStep? {
        guard let enrollment = try await store.enrollment() else {
            throw ClientError(.notEnrolled, "this device is not enrolled: run enroll with a code from an administrator")
        }
        guard !enrollment.reEnrollRequired else {
            throw ClientError(.reEnrollRequired, "the server revoked this device; local data is kept: enroll again")
        }
        guard let job = try await store.uploadJobs().first(where: { options.allowUpload($0.kind, $0.size) }) else {
            return nil
        }
        let base = enrollment.serverURL
        var request: TransportRequest
        let kind: UploadStep.Kind
        if let url = job.uploadURL, let offset = handoffOffsets[job.attachmentID], offset < job.size {
            let limits = try await publishedLimits()
            let chunk = Int64(
                max(options.minimumChunkBytes, min(options.chunkBytes, limits?.maxChunkBytes ?? options.chunkBytes)))
            let length = min(chunk, job.size - offset)
            let digest = try await Self.digest(path: job.path, offset: offset, length: length)
            kind = .chunk
            request = Self.tusRequest("PATCH", url)
            request.headers.append((HeaderName.contentType, Tus.patchContentType))
            request.headers.append((HeaderName.uploadOffset, String(offset)))
            request.headers.append((HeaderName.uploadChecksum, "sha256 " + digest.base64))
            request.body = .file(path: job.path, offset: offset, length: length)
        } else if let url = job.uploadURL {
            kind = .status
            request = Self.tusRequest("HEAD", url)
        } else {
            kind = .create
            let metadata = UploadMetadata(
                attachmentID: job.attachmentID, sha256: job.sha256, contentType: job.contentType, kind: job.kind)
            request = Self.tusRequest("POST", base + Tus.collectionPath)
            request.headers.append((HeaderName.uploadLength, String(job.size)))
            request.headers.append((HeaderName.uploadMetadata, metadata.headerValue))
        }
        request.headers.append((HeaderName.kandasProtocol, "1"))
        request.headers.append((HeaderName.authorization, "Bearer " + (try await currentCredentials()).accessToken))
        return UploadStep(attachmentID: job.attachmentID, kind: kind, request: request)
    }

    /// Records the server's answer to a step the app ran; the next `nextUploadStep()` follows from it.
    func finishUploadStep(_ step: UploadStep, response: TransportResponse) async throws(ClientError) {
        let id = step.attachmentID
        guard let job = try await store.uploadJobs().first(where: { $0.attachmentID == id }) else { return }
        if response.status == 401 {
            if Self.problem(response)?.code == ErrorCode.tokenExpired.rawValue { return try await refresh() }
            try await markRevoked(Self.problem(response)?.code ?? "unauthenticated")
        }
        let offset = Int64(response.header(HeaderName.uploadOffset) ?? "")
        let verified = response.header(HeaderName.kandasUploadState) == "verified"
        switch (step.kind, response.status) {
        case (.create, 200), (.create, 201):
            let base = try await baseURL()
            guard let location = response.header(HeaderName.location), let url = Self.resolve(location, base) else {
                throw ClientError(.protocolViolation, "upload creation answered without a Location")
            }
            try await store.saveUploadURL(id, url)
            handoffOffsets[id] = offset ?? 0
            if verified { _ = try await markUploaded(job) }
        case (.create, _):
            let code = Self.problem(response)?.code ?? "create_http_\(response.status)"
            try await store.noteFileError(id, code)
            // The same refusals as the in-process upload (``UploadPlanner``) quarantine the file.
            if UploadPlanner.permanentCreateRefusals.contains(code) { _ = try await markFailed(job, code) }
        case (.status, 200):
            handoffOffsets[id] = offset ?? 0
            if verified { _ = try await markUploaded(job) }
        case (.chunk, 204):
            try await store.addBytesSent(id, response.bytesSent)
            handoffOffsets[id] = offset
            if verified { _ = try await markUploaded(job) }
        case (.chunk, 409):
            handoffOffsets[id] = offset ?? Self.problem(response)?.uploadOffset.map(Int64.init)
        case (_, 404), (_, 410):
            handoffOffsets[id] = nil
            try await store.saveUploadURL(id, nil)
        default:
            // Anything else: forget the offset, so the next step asks the server where it stands.
            handoffOffsets[id] = nil
            try await store.noteFileError(id, Self.problem(response)?.code ?? "http_\(response.status)")
        }
    }
}
