import Crypto
import Foundation
import KandasProtocol
import Synchronization
import SystemKit

// The C library by platform: Glibc on Linux (the tested branch), Musl on static Linux, Bionic on Android
// (Swift SDK for Android), Darwin on Apple platforms. Only POSIX calls present in all four are used here.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#else
#error("unsupported platform: add its C library here")
#endif

/// The largest `bytesSent` a transfer reported so far, written from the transport's thread.
final class SentBytes: Sendable {
    private let bytes = Mutex<Int64>(0)

    func record(_ sent: Int64) { bytes.withLock { $0 = max($0, sent) } }

    var value: Int64 { bytes.withLock { $0 } }
}

/// One file waiting for upload, as read from the files table.
struct UploadJob: Sendable {
    var attachmentID: WireID
    var path: String
    var size: Int64
    var sha256: String
    var kind: FileKind
    var contentType: String
    var uploadURL: String?
}

extension SyncEngine {
    enum UploadOutcome { case verified, deferred, failed }

    /// Uploads every file of an acknowledged event that the network policy allows (sync-v1 §10).
    /// Returns whether files now wait for a receipt, so the caller pulls again.
    func uploadAll(_ enrollment: Enrollment) async throws(ClientError) -> Bool {
        let jobs = try await store.uploadJobs()
        let limits = try await publishedLimits()
        let chunk = max(options.minimumChunkBytes, min(options.chunkBytes, limits?.maxChunkBytes ?? options.chunkBytes))
        for job in jobs {
            guard options.allowUpload(job.kind, job.size) else {
                report.filesHeld += 1
                progress(.uploadHeld(attachmentID: job.attachmentID, kind: job.kind, size: job.size))
                continue
            }
            let outcome: UploadOutcome
            do {
                outcome = try await upload(job, base: enrollment.serverURL, chunk: chunk)
            } catch {
                try await noteFileError(job.attachmentID, error.problemCode ?? error.code.rawValue)
                if error.code == .reEnrollRequired || error.code == .network || error.code == .storage { throw error }
                report.filesDeferred += 1
                continue
            }
            switch outcome {
            case .verified:
                report.filesUploaded += 1
                progress(.uploadFinished(attachmentID: job.attachmentID))
            case .deferred: report.filesDeferred += 1
            case .failed: report.filesFailed += 1
            }
        }
        return try await store.hasFilesAwaitingReceipt()
    }

    /// Creates (or finds) the tus upload, then sends chunks from the server's offset until it verifies.
    func upload(_ job: UploadJob, base: String, chunk initialChunk: Int) async throws(ClientError) -> UploadOutcome {
        var url = job.uploadURL
        var chunk = initialChunk
        var creations = 0
        var attempt = 0
        var checksumFailures = 0
        var digestMismatches = 0
        while attempt < options.maxAttempts * 4 {
            // 1. Know where the server is: create (idempotent per attachment) or HEAD.
            var offset: Int64
            if let known = url {
                let response = try await send("upload status") { Self.tusRequest("HEAD", known) }
                switch response.status {
                case 200:
                    offset = Int64(response.header(HeaderName.uploadOffset) ?? "") ?? 0
                    if response.header(HeaderName.kandasUploadState) == "verified" {
                        return try await markUploaded(job)
                    }
                case 404, 410:
                    url = nil
                    try await saveUploadURL(job.attachmentID, nil)
                    continue
                default:
                    try await noteFileError(job.attachmentID, "head_http_\(response.status)")
                    return .deferred
                }
            } else {
                creations += 1
                guard creations <= 3 else { return .deferred }
                let metadata = UploadMetadata(
                    attachmentID: job.attachmentID, sha256: job.sha256, contentType: job.contentType, kind: job.kind)
                let response = try await send("upload create") {
                    var request = Self.tusRequest("POST", base + Tus.collectionPath)
                    request.headers.append((HeaderName.uploadLength, String(job.size)))
                    request.headers.append((HeaderName.uploadMetadata, metadata.headerValue))
                    return request
                }
                guard response.status == 201 || response.status == 200 else {
                    let code = Self.problem(response)?.code ?? "create_http_\(response.status)"
                    try await noteFileError(job.attachmentID, code)
                    // Refusals that no retry can change are quarantined (state `failed`, the code kept and
                    // shown by `kandas status` / `files`) instead of being retried on every sync forever:
                    // `unknown_attachment` means no device of this user declared the file (sync-v1 §10.2).
                    let permanent: Set<String> = [
                        ErrorCode.uploadTooLarge.rawValue, ErrorCode.attachmentMismatch.rawValue,
                        ErrorCode.unsupportedMediaType.rawValue, ErrorCode.unknownAttachment.rawValue,
                    ]
                    return permanent.contains(code) ? try await markFailed(job, code) : .deferred
                }
                guard let location = response.header(HeaderName.location), let resolved = Self.resolve(location, base)
                else {
                    throw ClientError(.protocolViolation, "upload creation answered without a Location")
                }
                // Saved before any byte is sent, so a restart resumes this upload instead of making another.
                url = resolved
                try await saveUploadURL(job.attachmentID, resolved)
                offset = Int64(response.header(HeaderName.uploadOffset) ?? "") ?? 0
                if response.header(HeaderName.kandasUploadState) == "verified" { return try await markUploaded(job) }
            }
            guard let target = url else { continue }
            progress(.uploadStarted(attachmentID: job.attachmentID, kind: job.kind, offset: offset, size: job.size))

            // 2. PATCH chunks; any doubt sends us back to step 1 (HEAD), never to a local counter.
            patching: while offset < job.size {
                let length = min(Int64(chunk), job.size - offset)
                let digest = try await Self.digest(path: job.path, offset: offset, length: length)
                let start = offset
                let before = report.uploadBytesSent
                let onProgress = progress
                let id = job.attachmentID
                let size = job.size
                // The transport reports bytes sent only with a response; a PATCH cut mid-way still put bytes
                // on the wire, and counting them is what shows how much a resume sends twice.
                let partial = SentBytes()
                let response: TransportResponse
                do {
                    response = try await send(
                        "upload", retry: false,
                        transferProgress: { p in
                            partial.record(p.bytesSent)
                            onProgress(
                                .uploadProgress(
                                    attachmentID: id, fileBytes: start + p.bytesSent, size: size,
                                    syncBytesSent: before + p.bytesSent))
                        }
                    ) {
                        var request = Self.tusRequest("PATCH", target)
                        request.headers.append((HeaderName.contentType, Tus.patchContentType))
                        request.headers.append((HeaderName.uploadOffset, String(start)))
                        request.headers.append((HeaderName.uploadChecksum, "sha256 " + digest.base64))
                        request.body = .file(path: job.path, offset: start, length: length)
                        return request
                    }
                } catch {
                    let lost = partial.value
                    report.uploadBytesSent += lost
                    try await addBytesSent(job.attachmentID, lost)
                    guard error.code == .network else { throw error }
                    attempt += 1
                    guard attempt < options.maxAttempts else { throw error }
                    try await wait(options.backoff.delay(attempt: attempt - 1), reason: error.message)
                    break patching
                }
                report.uploadBytesSent += response.bytesSent
                try await addBytesSent(job.attachmentID, response.bytesSent)
                let problem = Self.problem(response)
                switch response.status {
                case 204:
                    guard let next = Int64(response.header(HeaderName.uploadOffset) ?? ""), next > offset else {
                        break patching
                    }
                    offset = next
                    checksumFailures = 0
                    if response.header(HeaderName.kandasUploadState) == "verified" {
                        return try await markUploaded(job)
                    }
                case 409:
                    guard
                        let stored = Int64(response.header(HeaderName.uploadOffset) ?? "")
                            ?? problem?.uploadOffset.map(Int64.init)
                    else { break patching }
                    offset = stored
                case 404, 410:
                    url = nil
                    try await saveUploadURL(job.attachmentID, nil)
                    break patching
                case Tus.checksumMismatchStatus where problem?.errorCode == .fileDigestMismatch:
                    // The server has the whole file and it does not match: check our copy before trying again.
                    let local = try await Self.digest(path: job.path, offset: 0, length: job.size).hex
                    digestMismatches += 1
                    guard local == job.sha256, digestMismatches < 2 else {
                        return try await markFailed(job, "local_copy_changed")
                    }
                    url = nil
                    try await saveUploadURL(job.attachmentID, nil)
                    break patching
                case Tus.checksumMismatchStatus:
                    // Bytes damaged on the way: retry, and after a second failure use smaller chunks.
                    checksumFailures += 1
                    attempt += 1
                    if checksumFailures >= 2 { chunk = max(options.minimumChunkBytes, chunk / 2) }
                    try await wait(options.backoff.delay(attempt: attempt - 1), reason: "chunk checksum mismatch")
                case 413 where problem?.errorCode == .chunkTooLarge:
                    guard chunk > options.minimumChunkBytes else { return try await markFailed(job, "chunk_too_large") }
                    chunk = max(options.minimumChunkBytes, min(problem?.limit ?? chunk / 2, chunk / 2))
                case 503, 429:
                    attempt += 1
                    guard attempt < options.maxAttempts else { return .deferred }
                    try await wait(
                        retryAfter(response) ?? options.backoff.delay(attempt: attempt - 1), reason: "upload busy")
                    break patching
                case 422 where problem?.errorCode == .contentTypeMismatch:
                    return try await markFailed(job, ErrorCode.contentTypeMismatch.rawValue)
                default:
                    try await noteFileError(job.attachmentID, problem?.code ?? "patch_http_\(response.status)")
                    return .deferred
                }
            }
            if offset >= job.size, url != nil {
                // Every byte is there but no verified answer seen (lost response): ask.
                attempt += 1
                continue
            }
        }
        return .deferred
    }

    /// The upload URL for a `Location`: a path-absolute one (`/v1/uploads/...`, sync-v1 §10.2) is appended
    /// to the base URL like every other path, so a deployment under a prefix keeps its prefix.
    static func resolve(_ location: String, _ base: String) -> String? {
        if location.hasPrefix("/") { return base + location }
        guard let url = URL(string: location), let scheme = url.scheme, scheme == "http" || scheme == "https" else {
            return nil
        }
        return location
    }

    static func tusRequest(_ method: String, _ url: String) -> TransportRequest {
        TransportRequest(method: method, url: url, headers: [(HeaderName.tusResumable, Tus.version)])
    }

    /// SHA-256 of `length` bytes at `offset`, read with bounded memory on the file queue.
    static func digest(path: String, offset: Int64, length: Int64) async throws(ClientError) -> Digest {
        do {
            return try await Blocking.run {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw ClientError(.fileMissing, "the local copy \(path) is gone") }
                defer { close(fd) }
                var hasher = SHA256()
                let size = 1 << 20
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
                defer { buffer.deallocate() }
                var position = offset
                let end = offset + length
                while position < end {
                    let want = Int(min(Int64(size), end - position))
                    let n = pread(fd, buffer.baseAddress, want, off_t(position))
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw ClientError(.fileUnreadable, "cannot read the local copy \(path)") }
                    hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                    position += Int64(n)
                }
                return hasher.finalize()
            }
        } catch {
            throw ClientError.wrap(error)
        }
    }

    func saveUploadURL(_ id: WireID, _ url: String?) async throws(ClientError) {
        try await store.saveUploadURL(id, url)
    }

    func addBytesSent(_ id: WireID, _ bytes: Int64) async throws(ClientError) {
        try await store.addBytesSent(id, bytes)
    }

    func noteFileError(_ id: WireID, _ code: String) async throws(ClientError) {
        try await store.noteFileError(id, code)
    }

    /// The server verified the bytes; the local copy stays until a receipt says so (sync-v1 §11).
    func markUploaded(_ job: UploadJob) async throws(ClientError) -> UploadOutcome {
        try await store.markUploaded(job.attachmentID)
        return .verified
    }

    func markFailed(_ job: UploadJob, _ code: String) async throws(ClientError) -> UploadOutcome {
        try await store.markFailed(job.attachmentID, code)
        return .failed
    }

    /// Deletes local copies that a receipt verified, per the keep-policy; the row stays as `freed`.
    func freeVerifiedFiles() async throws(ClientError) -> Int {
        let now = options.now().millisecondsSince1970
        let threshold: Int64
        switch options.keepPolicy {
        case .keepAlways: return 0
        case .freeImmediately: threshold = .max
        case .keepDays(let days): threshold = now - Int64(days) * 86_400_000
        }
        let files = try await store.verifiedFiles(verifiedBy: Timestamp(millisecondsSince1970: threshold))
        for (id, path) in files {
            await Blocking.run { FileIO.remove(path) }
            try await store.markFreed(id, at: Timestamp(millisecondsSince1970: now))
        }
        return files.count
    }
}
