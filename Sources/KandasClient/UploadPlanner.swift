import KandasProtocol

/// The decisions of one file's tus upload (sync-v1 §10), as a value with no I/O: what to send
/// next, from the last offset the server confirmed and its answers.
///
/// The driver (``SyncEngine/upload(_:base:chunk:)``) asks ``next()`` for a step, performs it
/// (a request, a wait, a store write, a hash of the local copy) and reports the outcome with
/// ``answered(_:)``, ``transportFailed(reason:)`` or ``localCopy(matches:)``, until a final step
/// (`verified`, `deferred`, `failed`). Any doubt sends the planner back to the server's offset
/// (HEAD), never to a local counter. Tested without a network in `UploadPlannerTests`.
struct UploadPlanner: Sendable {
    struct Settings: Sendable {
        var maxAttempts: Int
        var minimumChunkBytes: Int
    }

    /// One tus request.
    enum Request: Sendable, Equatable {
        /// `POST /v1/uploads`: creates the upload (idempotent per attachment).
        case create
        /// `HEAD <upload>`: asks the server's offset.
        case status(url: String)
        /// `PATCH <upload>`: `length` bytes of the local copy from `offset`.
        case chunk(url: String, offset: Int64, length: Int64)
    }

    /// What the server answered, reduced to what the planner reads.
    struct Answer: Sendable, Equatable {
        var status: Int
        /// `Upload-Offset`.
        var offset: Int64?
        /// `Kandas-Upload-State: verified`.
        var verified = false
        /// The resolved `Location` of a creation (nil: missing or not a usable URL).
        var location: String?
        /// The problem+json `code`, and its `upload_offset` and `limit` members.
        var problemCode: String?
        var problemOffset: Int64?
        var problemLimit: Int?
        /// `Retry-After`, already capped.
        var retryAfter: Duration?
    }

    enum Step: Sendable, Equatable {
        case send(Request)
        /// Persist the upload URL (nil: forget it), so a restart resumes the same upload.
        case saveURL(String?)
        /// Record the file's last error code (shown by `kandas status`).
        case noteError(String)
        /// Sending starts (or resumes) at `offset`: a progress event.
        case started(offset: Int64)
        /// Wait before going on: `retryAfter` if the server said, else the backoff for `attempt`.
        case wait(attempt: Int, retryAfter: Duration?, reason: String)
        /// Hash the whole local copy and report ``localCopy(matches:)``.
        case checkLocalCopy
        /// The server verified the file.
        case verified
        /// Try again at a later sync.
        case deferred
        /// No retry can help: quarantine the file with this code.
        case failed(String)
        /// The server broke the protocol (a creation without a `Location`).
        case protocolViolation(String)
        /// A chunk failed on the network more often than allowed: give the error up to the caller.
        case giveUp
    }

    /// Refusals of a creation that no retry can change: `unknown_attachment` means no device of
    /// this user declared the file (sync-v1 §10.2).
    static let permanentCreateRefusals: Set<String> = [
        ErrorCode.uploadTooLarge.rawValue, ErrorCode.attachmentMismatch.rawValue,
        ErrorCode.unsupportedMediaType.rawValue, ErrorCode.unknownAttachment.rawValue,
    ]

    private enum Phase: Equatable {
        /// Learn the server's offset: create, or HEAD a known upload.
        case locate
        /// Send chunks from `offset`.
        case patching(offset: Int64)
        /// A request (or the local hash) is out.
        case awaiting(Request?)
        case done(Step)
    }

    let settings: Settings
    let size: Int64
    private(set) var url: String?
    /// The chunk size: halved after repeated checksum failures and on 413 `chunk_too_large`.
    private(set) var chunk: Int
    private(set) var attempt = 0
    private var creations = 0
    private var checksumFailures = 0
    private var digestMismatches = 0
    private var phase: Phase = .locate
    // Effects handed out by `next()` before the next decision, in this order.
    private var pendingSave: String??
    private var pendingNote: String?
    private var pendingStarted: Int64?
    private var pendingWait: (attempt: Int, retryAfter: Duration?, reason: String)?
    private var pendingLocalCheck = false

    init(size: Int64, url: String?, chunk: Int, settings: Settings) {
        self.size = size
        self.url = url
        self.chunk = chunk
        self.settings = settings
    }

    /// The next thing to do; after a `send` or `checkLocalCopy`, report its outcome first.
    mutating func next() -> Step {
        if let save = pendingSave {
            pendingSave = nil
            return .saveURL(save)
        }
        if let note = pendingNote {
            pendingNote = nil
            return .noteError(note)
        }
        if let w = pendingWait {
            pendingWait = nil
            return .wait(attempt: w.attempt, retryAfter: w.retryAfter, reason: w.reason)
        }
        if let offset = pendingStarted {
            pendingStarted = nil
            return .started(offset: offset)
        }
        if pendingLocalCheck {
            pendingLocalCheck = false
            return .checkLocalCopy
        }
        switch phase {
        case .done(let step):
            return step
        case .awaiting(let request):
            preconditionFailure("report the outcome of \(String(describing: request)) first")
        case .locate:
            guard attempt < settings.maxAttempts * 4 else { return finish(.deferred) }
            if let known = url {
                return sending(.status(url: known))
            }
            creations += 1
            guard creations <= 3 else { return finish(.deferred) }
            return sending(.create)
        case .patching(let offset):
            guard offset < size, let target = url else {
                // Every byte is there but no verified answer seen (a lost response): ask.
                if url != nil { attempt += 1 }
                phase = .locate
                return next()
            }
            return sending(.chunk(url: target, offset: offset, length: min(Int64(chunk), size - offset)))
        }
    }

    /// The server answered the request last sent.
    mutating func answered(_ answer: Answer) {
        guard case .awaiting(let request?) = phase else { preconditionFailure("no request is out") }
        switch request {
        case .create: created(answer)
        case .status: located(answer)
        case .chunk(_, let offset, _): patched(answer, at: offset)
        }
    }

    /// A chunk was cut by the network (no answer): back off, then ask the server where it stands.
    mutating func transportFailed(reason: String) {
        guard case .awaiting(.chunk?) = phase else { preconditionFailure("no chunk is out") }
        attempt += 1
        guard attempt < settings.maxAttempts else {
            phase = .done(.giveUp)
            return
        }
        pendingWait = (attempt - 1, nil, reason)
        phase = .locate
    }

    /// The server holds the whole file and it does not match its digest: is the local copy still
    /// the declared one?
    mutating func localCopy(matches: Bool) {
        guard case .awaiting(nil) = phase else { preconditionFailure("no local check is out") }
        digestMismatches += 1
        guard matches, digestMismatches < 2 else {
            phase = .done(.failed("local_copy_changed"))
            return
        }
        forgetURL()
        phase = .locate
    }

    // MARK: answers

    private mutating func sending(_ request: Request) -> Step {
        phase = .awaiting(request)
        return .send(request)
    }

    private mutating func finish(_ step: Step) -> Step {
        phase = .done(step)
        return step
    }

    private mutating func forgetURL() {
        url = nil
        pendingSave = .some(nil)
    }

    private mutating func created(_ a: Answer) {
        guard a.status == 201 || a.status == 200 else {
            let code = a.problemCode ?? "create_http_\(a.status)"
            pendingNote = code
            phase = .done(Self.permanentCreateRefusals.contains(code) ? .failed(code) : .deferred)
            return
        }
        guard let location = a.location else {
            phase = .done(.protocolViolation("upload creation answered without a Location"))
            return
        }
        // Saved before any byte is sent, so a restart resumes this upload instead of making another.
        url = location
        pendingSave = .some(location)
        startPatching(at: a.offset ?? 0, verified: a.verified)
    }

    private mutating func located(_ a: Answer) {
        switch a.status {
        case 200:
            startPatching(at: a.offset ?? 0, verified: a.verified)
        case 404, 410:
            forgetURL()
            phase = .locate
        default:
            pendingNote = "head_http_\(a.status)"
            phase = .done(.deferred)
        }
    }

    private mutating func startPatching(at offset: Int64, verified: Bool) {
        if verified {
            phase = .done(.verified)
            return
        }
        pendingStarted = offset
        phase = .patching(offset: offset)
    }

    private mutating func patched(_ a: Answer, at offset: Int64) {
        switch a.status {
        case 204:
            guard let next = a.offset, next > offset else {
                phase = .locate
                return
            }
            checksumFailures = 0
            phase = a.verified ? .done(.verified) : .patching(offset: next)
        case 409:
            guard let stored = a.offset ?? a.problemOffset else {
                phase = .locate
                return
            }
            phase = .patching(offset: stored)
        case 404, 410:
            forgetURL()
            phase = .locate
        case Tus.checksumMismatchStatus where a.problemCode == ErrorCode.fileDigestMismatch.rawValue:
            // The server has the whole file and it does not match: check our copy before trying again.
            pendingLocalCheck = true
            phase = .awaiting(nil)
        case Tus.checksumMismatchStatus:
            // Bytes damaged on the way: retry, and after a second failure use smaller chunks.
            checksumFailures += 1
            attempt += 1
            if checksumFailures >= 2 { chunk = max(settings.minimumChunkBytes, chunk / 2) }
            pendingWait = (attempt - 1, nil, "chunk checksum mismatch")
            // Bounded like every other retry: past the budget, the next locate defers the file.
            phase = attempt < settings.maxAttempts * 4 ? .patching(offset: offset) : .locate
        case 413 where a.problemCode == ErrorCode.chunkTooLarge.rawValue:
            guard chunk > settings.minimumChunkBytes else {
                phase = .done(.failed("chunk_too_large"))
                return
            }
            chunk = max(settings.minimumChunkBytes, min(a.problemLimit ?? chunk / 2, chunk / 2))
            phase = .patching(offset: offset)
        case 503, 429:
            attempt += 1
            guard attempt < settings.maxAttempts else {
                phase = .done(.deferred)
                return
            }
            pendingWait = (attempt - 1, a.retryAfter, "upload busy")
            phase = .locate
        case 422 where a.problemCode == ErrorCode.contentTypeMismatch.rawValue:
            phase = .done(.failed(ErrorCode.contentTypeMismatch.rawValue))
        default:
            pendingNote = a.problemCode ?? "patch_http_\(a.status)"
            phase = .done(.deferred)
        }
    }
}
