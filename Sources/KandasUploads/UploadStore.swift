import Crypto
public import Foundation
import Glibc
public import KandasProtocol
public import KandasStore
public import Log
import Synchronization

/// Resumable uploads on disk and in the store's database (SQLite or PostgreSQL): creation, offsets, appends, verification, expiry.
///
/// HTTP-agnostic (``TusHandlers`` is the HTTP side). Partial files live under
/// `<data>/uploads/partial/<upload-id>` (the id is server-generated hex, never a client name);
/// verified files move into the ``BlobStore``. The committed offset is in `tus_uploads` and is
/// only ever written after the bytes below it were `fsync`ed, so on start ``init`` cuts every
/// partial file back to it: bytes that were never acknowledged are dropped, acknowledged ones
/// survive `kill -9`.
///
/// All methods block (disk, database): call them from handler threads or a dedicated thread,
/// never from a Swift task.
/// - SeeAlso: `Protocol/sync-v1.md` §10.
public final class UploadStore: Sendable {
    /// Called inside the write transaction that marks an upload verified; throwing undoes it.
    public typealias VerifiedHook = @Sendable (any DatabaseConnection, VerifiedFile) throws -> Void
    /// Called inside the creation transaction; throw ``UploadError`` (`unknown_attachment`,
    /// `attachment_mismatch`, `forbidden`) to refuse. Arguments: owner, metadata, `Upload-Length`.
    public typealias CreationCheck = @Sendable (any DatabaseConnection, String, UploadMetadata, Int64) throws -> Void
    /// Called inside the write transaction of every other state change (see ``UploadStateChange``);
    /// throwing undoes it.
    public typealias StateHook = @Sendable (any DatabaseConnection, UploadStateChange) throws -> Void
    /// The server's own housekeeping, run by each sweep (once across instances) in the purge's
    /// write transaction, with the sweep's time in milliseconds.
    public typealias SweepHook = @Sendable (any DatabaseConnection, Int64) throws -> Void

    public let configuration: UploadConfiguration
    public let blobs: any BlobStore
    /// What the start-up recovery did.
    public var recovery: MaintenanceReport { recoveryReport.withLock { $0 } }
    private let recoveryReport = Mutex(MaintenanceReport())
    let database: any DatabaseEngine
    let clock: @Sendable () -> Date
    let logger: Logger
    let onVerified: VerifiedHook?
    let checkCreation: CreationCheck?
    let onStateChanged: StateHook?
    let onSweep: SweepHook?
    let sessions = SessionRegistry()
    /// The store's cross-instance locks (PostgreSQL): a PATCH holds its upload's lock, so one
    /// request at a time writes an upload across every instance; nil on SQLite (one instance).
    let instanceLocks: (any InstanceLocks)?

    /// Opens the store on a migrated database (see ``migrations``) and recovers:
    /// every partial file is truncated to its committed offset, orphan files are removed.
    ///
    /// - Parameters:
    ///   - clock: the time source (tests inject one to reach expiry).
    ///   - onVerified: the sync engine's link from a verified file to its completion.
    ///   - checkCreation: the sync engine's check that the attachment was declared.
    ///   - onStateChanged: the sync engine's view of `receiving`, `corrupt`, `expired` and terminated uploads.
    ///   - onSweep: the server's housekeeping, run by every sweep.
    /// - Throws: ``UploadError`` when the folders cannot be created or recovery fails.
    public init(
        database: any DatabaseEngine, configuration: UploadConfiguration, blobs: (any BlobStore)? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
        onVerified: VerifiedHook? = nil, checkCreation: CreationCheck? = nil, onStateChanged: StateHook? = nil,
        onSweep: SweepHook? = nil
    ) throws {
        try FileIO.makeDirectories(configuration.partialDirectory)
        self.database = database
        instanceLocks = database as? any InstanceLocks
        self.configuration = configuration
        self.blobs = try blobs ?? LocalBlobStore(root: configuration.blobDirectory)
        self.clock = clock
        self.logger = logger
        self.onVerified = onVerified
        self.checkCreation = checkCreation
        self.onStateChanged = onStateChanged
        self.onSweep = onSweep
        let report = try recover()
        recoveryReport.withLock { $0 = report }
        if report != MaintenanceReport() {
            logger.notice(
                "uploads recovered",
                [
                    "uploads.truncated_files": .int(Int64(report.truncatedFiles)),
                    "uploads.truncated_bytes": .int(report.truncatedBytes),
                    "uploads.corrupt_files": .int(Int64(report.corruptFiles)),
                    "uploads.orphan_files": .int(Int64(report.orphanFiles)),
                ])
        }
    }

    var nowMillis: Int64 { UploadRecord.millis(clock()) }

    func partialPath(_ id: String) -> String { configuration.partialDirectory + "/" + id }

    // MARK: Creation

    /// Creates an upload, or returns the live one of this (owner, attachment) (tus creation).
    ///
    /// - Returns: a new upload (offset 0), or the existing one with `replayed` set: its current
    ///   offset while receiving, its length once verified.
    /// - Throws: ``UploadError``: `upload_too_large`, `unsupported_media_type`,
    ///   `attachment_mismatch` (a live upload of this attachment declares other values),
    ///   `rate_limited`, or whatever the creation check throws.
    public func create(
        owner: String, length: Int64, metadata: UploadMetadata, metadataHeader: String
    )
        throws(UploadError) -> UploadStatus
    {
        guard length <= configuration.maxFileBytes else {
            throw UploadError(
                .uploadTooLarge, detail: "Upload-Length is above Tus-Max-Size", limit: configuration.maxFileBytes)
        }
        guard Tus.allowedContentTypes.contains(MediaSniffer.essence(metadata.contentType)) else {
            throw UploadError(.unsupportedMediaType, detail: "content_type is not an allowed evidence type")
        }
        let now = nowMillis
        let config = configuration
        let check = checkCreation
        return try storage("create") {
            try database.writeSync { db in
                if let existing = try UploadRecord.live(owner: owner, attachmentID: metadata.attachmentID, db) {
                    if existing.isExpired(at: now) {
                        // Closed here so a new upload can take the (owner, attachment) slot; the
                        // sweeper removes its file under the session lock.
                        try db.run(
                            "UPDATE tus_uploads SET state = 'expired', updated_at = ? WHERE upload_id = ?", now,
                            existing.id)
                    } else {
                        guard
                            existing.length == length && existing.sha256 == metadata.sha256
                                && existing.contentType == metadata.contentType && existing.kind == metadata.kind
                        else {
                            throw UploadError(
                                .attachmentMismatch, detail: "an upload of this attachment declares other values")
                        }
                        return existing.status(replayed: true)
                    }
                }
                do { try check?(db, owner, metadata, length) } catch { throw UploadError.creationCheck(error) }
                let open = try db.scalar(
                    "SELECT count(*) FROM tus_uploads WHERE owner = ? AND state = 'receiving' AND expires_at > ?",
                    owner, now)
                if case .integer(let n) = open, n >= Int64(config.maxOpenUploadsPerOwner) {
                    throw UploadError(
                        .rateLimited, detail: "too many unfinished uploads", limit: Int64(config.maxOpenUploadsPerOwner)
                    )
                }
                let record = UploadRecord(
                    id: Digest(bytes: SecureRandom.bytes(16)).hex, owner: owner,
                    metadata: metadata, metadataHeader: metadataHeader, length: length, now: now,
                    expiresAt: min(now + config.expirySeconds * 1000, now + config.maxAgeSeconds * 1000))
                try record.insert(db)
                try stateChanged(db, record, .receiving, bytes: 0, at: now)
                return record.status()
            }
        }
    }

    // MARK: Status and termination

    /// The true committed offset of an upload (tus HEAD); ends an older PATCH still running.
    ///
    /// - Throws: ``UploadError`` `not_found` (unknown, or another owner's), `upload_expired`,
    ///   `upload_corrupt`.
    public func status(owner: String, uploadID: String) throws(UploadError) -> UploadStatus {
        try withSession(owner: owner, uploadID: uploadID) { (session, state, record) throws(UploadError) in
            guard state.writer != nil else { return record.status() }
            endWriter(&state, session: session)
            return try reload(owner: owner, uploadID: uploadID).status()
        }
    }

    /// Terminates an unfinished upload (tus termination): its partial bytes are removed and the
    /// id is forgotten (404 afterwards).
    ///
    /// - Throws: ``UploadError`` `conflict` for a verified upload (evidence is not deleted by
    ///   devices), `not_found`, `upload_expired`, `upload_corrupt`.
    public func terminate(owner: String, uploadID: String) throws(UploadError) {
        try withSession(owner: owner, uploadID: uploadID, allowVerified: true) {
            (session, state, record) throws(UploadError) in
            guard record.state != .verified else {
                throw UploadError(.conflict, detail: "a verified upload cannot be terminated")
            }
            endWriter(&state, session: session)
            try storage("terminate") {
                try database.writeSync { db in
                    let deleted = try db.run(
                        "DELETE FROM tus_uploads WHERE upload_id = ? AND state = 'receiving'", uploadID)
                    if deleted == 1 { try stateChanged(db, record, .declared, bytes: 0, at: nowMillis) }
                    try Self.forgetParts(uploadID, db)
                }
            }
            try FileIO.unlinkIfPresent(partialPath(uploadID))
            abortMultipart(record)
            retire(session, &state)
        }
    }

    // MARK: Sessions

    /// Runs `body` under the upload's session lock, after the checks every request shares:
    /// the upload exists and belongs to `owner` (else 404), is not expired or corrupt (410).
    func withSession<T>(
        owner: String, uploadID: String, allowVerified: Bool = true,
        _ body: (UploadSession, inout SessionState, UploadRecord) throws(UploadError) -> T
    ) throws(UploadError) -> T {
        guard Self.isUploadID(uploadID) else { throw UploadError(.notFound) }
        while true {
            let session = sessions.session(uploadID)
            let result: Result<T, UploadError>? = session.state.withLock { state in
                if state.retired { return nil }
                do throws(UploadError) {
                    let loaded = try storage("load") { try database.readSync { try UploadRecord.load(uploadID, $0) } }
                    guard let record = loaded, record.owner == owner else { throw UploadError(.notFound) }
                    switch record.state {
                    case .expired: throw UploadError(.uploadExpired)
                    case .corrupt: throw UploadError(.uploadCorrupt)
                    case .verified where !allowVerified: throw UploadError(.notFound)
                    case .receiving where record.isExpired(at: nowMillis): throw UploadError(.uploadExpired)
                    default: break
                    }
                    return .success(try body(session, &state, record))
                } catch {
                    return .failure(error)
                }
            }
            // A retired session was replaced: look the upload up again.
            if let result { return try result.get() }
        }
    }

    /// Tells the sync side about a state change, in the caller's write transaction.
    func stateChanged(
        _ db: any DatabaseConnection, _ record: UploadRecord, _ state: UploadState, bytes: Int64, at: Int64
    ) throws {
        try onStateChanged?(
            db,
            UploadStateChange(
                uploadID: record.id, owner: record.owner, attachmentID: record.attachmentID, state: state,
                receivedBytes: bytes, at: UploadRecord.date(at)))
    }

    /// Marks a session dead and forgets it.
    func retire(_ session: UploadSession, _ state: inout SessionState) {
        if let w = state.writer { w.closeFiles() }
        state.writer = nil
        state.retired = true
        state.generation &+= 1
        state.hasher = nil
        sessions.remove(session)
    }

    /// Runs a storage step, turning any error into an ``UploadError`` (kept as is if it is one).
    func storage<T>(_ operation: String, _ body: () throws -> T) throws(UploadError) -> T {
        do {
            return try body()
        } catch {
            if let e = error as? UploadError { throw e }
            throw UploadError.storage(error, operation: operation)
        }
    }

    /// 32 lowercase hex characters.
    static func isUploadID(_ s: String) -> Bool {
        s.utf8.count == 32 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
