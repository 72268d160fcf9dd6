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
    ///
    /// A thin driver: ``UploadPlanner`` decides every step; this performs it (requests, waits,
    /// store writes, hashing) and reports the outcome back.
    func upload(_ job: UploadJob, base: String, chunk: Int) async throws(ClientError) -> UploadOutcome {
        var planner = UploadPlanner(
            size: job.size, url: job.uploadURL, chunk: chunk,
            settings: .init(maxAttempts: options.maxAttempts, minimumChunkBytes: options.minimumChunkBytes))
        var networkError: ClientError?
        while true {
            switch planner.next() {
            case .send(.create):
                let metadata = UploadMetadata(
                    attachmentID: job.attachmentID, sha256: job.sha256, contentType: job.contentType, kind: job.kind)
                let response = try await send("upload create") {
                    var request = Self.tusRequest("POST", base + Tus.collectionPath)
                    request.headers.append((HeaderName.uploadLength, String(job.size)))
                    request.headers.append((HeaderName.uploadMetadata, metadata.headerValue))
                    return request
                }
                planner.answered(answer(response, base: base))
            case .send(.status(let url)):
                let response = try await send("upload status") { Self.tusRequest("HEAD", url) }
                planner.answered(answer(response, base: base))
            case .send(.chunk(let url, let offset, let length)):
                do {
                    let response = try await sendChunk(job, url: url, offset: offset, length: length)
                    planner.answered(answer(response, base: base))
                } catch {
                    guard error.code == .network else { throw error }
                    networkError = error
                    planner.transportFailed(reason: error.message)
                }
            case .saveURL(let url):
                try await saveUploadURL(job.attachmentID, url)
            case .noteError(let code):
                try await noteFileError(job.attachmentID, code)
            case .started(let offset):
                progress(.uploadStarted(attachmentID: job.attachmentID, kind: job.kind, offset: offset, size: job.size))
            case .wait(let attempt, let retryAfter, let reason):
                try await wait(retryAfter ?? options.backoff.delay(attempt: attempt), reason: reason)
            case .checkLocalCopy:
                let local = try await Self.digest(path: job.path, offset: 0, length: job.size).hex
                planner.localCopy(matches: local == job.sha256)
            case .verified:
                return try await markUploaded(job)
            case .deferred:
                return .deferred
            case .failed(let code):
                return try await markFailed(job, code)
            case .protocolViolation(let message):
                throw ClientError(.protocolViolation, message)
            case .giveUp:
                throw networkError ?? ClientError(.network, "the upload failed on the network")
            }
        }
    }

    /// One PATCH of `length` bytes at `offset`, with its SHA-256; bytes put on the wire are
    /// counted even when the transfer is cut.
    private func sendChunk(
        _ job: UploadJob, url: String, offset start: Int64, length: Int64
    ) async throws(ClientError) -> TransportResponse {
        let digest = try await Self.digest(path: job.path, offset: start, length: length)
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
                var request = Self.tusRequest("PATCH", url)
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
            throw error
        }
        report.uploadBytesSent += response.bytesSent
        try await addBytesSent(job.attachmentID, response.bytesSent)
        return response
    }

    /// What the planner reads of a tus response.
    func answer(_ response: TransportResponse, base: String) -> UploadPlanner.Answer {
        let problem = Self.problem(response)
        return UploadPlanner.Answer(
            status: response.status, offset: Int64(response.header(HeaderName.uploadOffset) ?? ""),
            verified: response.header(HeaderName.kandasUploadState) == "verified",
            location: response.header(HeaderName.location).flatMap { Self.resolve($0, base) },
            problemCode: problem?.code, problemOffset: problem?.uploadOffset.map(Int64.init),
            problemLimit: problem?.limit, retryAfter: retryAfter(response))
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
