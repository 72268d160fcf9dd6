import Foundation
import HTTPServer
import KandasProtocol
import KandasStore
public import KandasUploads
import Log

extension KandasApp {
    /// The upload store on `<data>/uploads/partial` and `<data>/blobs`, with the published limits
    /// (Protocol §16) and the sync engine's three hooks.
    ///
    /// `checkCreation` refuses an upload whose attachment no accepted event of a device of the
    /// uploading user declared with the same hash, size and type (uploads belong to the user); `onVerified` marks the attachment verified, recounts the
    /// completion's k of n and issues receipts inside the transaction that marks the upload
    /// verified, so a verified upload without its receipt can never be committed; `onStateChanged`
    /// does the same for `receiving` (and its byte count), `corrupt`, `expired` and terminations.
    ///
    /// The seam between tus and sync: KandasUploads knows nothing of sync, and these three closures
    /// are everything it calls of it. Each runs inside the upload store's own write transaction
    /// (`db` is that transaction), so an upload's state and the sync side's view of it commit
    /// together or not at all. Errors cross the seam once: a `ServerError` from `checkCreation`
    /// keeps its code (`unknown_attachment`, `attachment_mismatch`; `UploadErrorConvertible` at the
    /// end of this file), anything else a hook throws is the upload path's `internal_error` and
    /// rolls the transaction back.
    static func makeUploadStore(
        config: ServerConfig, database: any DatabaseEngine, clock: ServerClock, logger: Logger
    ) throws -> UploadStore {
        let configuration = UploadConfiguration(dataDirectory: config.dataDirectory, limits: OpsHandlers.serverLimits)
        let blobs = try openBlobStore(config.blobStore, config: config)
        return try UploadStore(
            database: database, configuration: configuration, blobs: blobs,
            clock: { Date(timeIntervalSince1970: Double(clock.now()) / 1000) }, logger: logger,
            onVerified: { db, file in
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: file.attachmentID.description, sha256: file.sha256,
                    size: file.size,
                    blobKey: file.sha256, at: Timestamp(file.verifiedAt).millisecondsSince1970)
            },
            checkCreation: { db, owner, metadata, length in
                // A ServerError keeps its code (UploadErrorConvertible below): the upload path answers it.
                try AttachmentStore.checkCreation(
                    db, userID: owner, attachmentID: metadata.attachmentID.description,
                    sha256: metadata.sha256,
                    size: length, contentType: metadata.contentType)
            },
            onStateChanged: { db, change in
                try AttachmentStore.attachmentStateChanged(
                    db: db, attachmentID: change.attachmentID.description, state: change.state,
                    receivedBytes: change.receivedBytes,
                    at: Timestamp(change.at).millisecondsSince1970)
            },
            onSweep: { db, now in
                // The console's housekeeping (issue 20): devices' days past their retention, and
                // counters back at zero.
                try DeviceDayStore.prune(db, now: now)
                try ChartStore.dropEmptyCounters(db)
            })
    }

    /// Where verified blobs are read from: the upload store's, or the default folder for commands
    /// that run without one.
    func blobStore() throws -> any BlobStore {
        if let uploads { return uploads.blobs }
        return try LocalBlobStore(root: Self.blobDirectory(config))
    }

    /// The folder of verified, content-addressed blobs (`<data>/blobs/ab/cd/<sha256>`).
    static func blobDirectory(_ config: ServerConfig) -> String {
        UploadConfiguration(dataDirectory: config.dataDirectory).blobDirectory
    }

    /// Mounts tus 1.0 under `/v1/uploads`; the owner of an upload is the user of the calling device
    /// (Protocol §10.2): a device enrolled again for the same worker continues the uploads of the
    /// revoked one, and other users' devices get 404.
    ///
    /// Authorisation happened in the head hook (``authorizeHead(_:)``, from the `uploads` rows of
    /// ``EndpointTable``); the closure reads its result back, or authorises itself without the hook.
    func addUploadRoutes(to router: inout Router) {
        guard let uploads else { return }
        let tus = TusHandlers(store: uploads, prefix: Tus.collectionPath)
        tus.register(on: &router) { [self] request throws(HTTPError) -> String in
            let pattern = request.routePattern ?? Tus.collectionPath
            do {
                guard let endpoint = endpoint(request.method, pattern),
                    let principal = try principal(endpoint, request, now: now()), principal.deviceID != nil
                else { throw ServerError(.forbidden, "uploads need a device token") }
                return principal.userID
            } catch {
                let response = problemResponse(error, request)
                var headers = HTTPHeaders()
                for field in response.headers where field.name.lowercased() != "content-type" {
                    headers.add(field.name, field.value)
                }
                let code = (error as? ServerError)?.code.rawValue ?? "internal_error"
                throw HTTPError(
                    status: response.status, code: code, detail: (error as? ServerError)?.detail, headers: headers)
            }
        }
    }

    /// Starts the background sweep of expired partial uploads; stop it before closing the store.
    ///
    /// The interval is ``ServerConfig/uploadSweepSeconds`` (`--upload-sweep-seconds`).
    func startUploadSweeper(every interval: Duration) -> UploadSweeper? {
        uploads?.startSweeper(every: interval)
    }

    /// Whether the blob store accepts a write (for `/readyz`): a probe file in the folder, a
    /// small probe object in S3.
    func blobFolderWritable() -> Bool {
        if let uploads { return (try? uploads.blobs.checkWritable()) != nil }
        let folder = Self.blobDirectory(config)
        let probe = folder + "/.ready-\(UInt64.random(in: 0...UInt64.max))"
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else { return false }
        try? FileManager.default.removeItem(atPath: probe)
        return true
    }
}

/// The seam between sync and tus: a sync-side error met on the upload path (the creation check's
/// `unknown_attachment`, `attachment_mismatch`) is answered in the upload path's vocabulary, with
/// its code and detail kept.
extension ServerError: UploadErrorConvertible {
    public var uploadError: UploadError { UploadError(code, detail: detail) }
}
