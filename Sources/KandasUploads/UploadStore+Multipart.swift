import Crypto
import Foundation
import Glibc
import KandasProtocol
import KandasStore
import ObjectStore

/// tus uploads on an object store (issue 13 item 4): the partial bytes live in an S3 multipart
/// upload, so any server instance on the same metadata store and bucket can resume them.
///
/// What is where, for an upload at offset `offset`:
/// - `0..<partsEnd`: parts of the multipart upload `multipart_id`, created under the blob's final
///   key (its declared content address) the first time a part is full; the parts' numbers, ETags
///   and sizes are rows of `tus_upload_parts`.
/// - `partsEnd..<offset`: the tail, smaller than a part, as rows of `tus_upload_tail` (one per
///   PATCH that added to it), so 64 KiB chunks after a back-off cost one small row each.
/// - the SHA-256 over `0..<offset`, as ``ResumableSHA256``'s saved state in `hash_state`.
///
/// All of it changes in the one transaction that moves the offset, after the parts it names were
/// stored by the object store; so `HEAD` tells the truth after any crash. A crash between a part's
/// upload and that transaction leaves a part the metadata does not name: the resent bytes go under
/// the same part number and replace it. A PATCH's body goes first to a local spool file
/// (`<data>/uploads/partial/<id>`, the tail plus the body, rebuilt from the tail rows on another
/// instance), then as parts per ``PartPlan``. The object store unreachable during a PATCH that needs
/// it: 503 `unavailable` with `Retry-After`, the offset stays (sync-v1 §10).
///
/// Completion checks the running digest against the declared one first, and only then completes
/// the multipart upload: directly under the content-addressed key, since the bytes were verified
/// before any object appears there, S3 makes a completed object appear whole or not at all, and a
/// copy (server-side, but still a full rewrite of the object; `UploadPartCopy` above 5 GiB) would
/// double the work for nothing. Identical content already stored there is kept and the multipart
/// upload aborted. Terminated, expired and corrupt uploads abort theirs; the sweeper also aborts
/// multipart uploads under the prefix that no receiving upload names (crashes between steps).
extension UploadStore {
    /// The object store, when blobs live in one (then partial uploads do too).
    var objectStore: S3BlobStore? { blobs as? S3BlobStore }

    /// How long a multipart upload no receiving upload names is left alone by the sweeper: it may
    /// be one another instance has just started and not yet committed.
    static let orphanGraceMillis: Int64 = 15 * 60 * 1000

    // MARK: Begin

    /// Makes the spool file hold exactly the tail (`partsEnd..<offset`) and the session the
    /// running hash over `0..<offset`: kept when this session wrote them, else rebuilt from the
    /// metadata store (a restart, another instance, a failed write).
    func prepareSpool(
        fd: Int32, path: String, record: UploadRecord, state: inout SessionState, session: UploadSession,
        objects: S3BlobStore
    ) throws(UploadError) {
        let tailLength = record.offset - record.partsEnd
        let size = try spoolSize(fd: fd, path: path)
        if state.hasher != nil && state.hashedOffset == record.offset && size >= tailLength {
            if size > tailLength { try FileIO.truncate(fd, to: tailLength, path: path) }
            return
        }
        let restored: ResumableSHA256
        if let saved = record.hashState {
            guard let hasher = try? ResumableSHA256(savedState: saved), hasher.byteCount == record.offset else {
                close(fd)
                markCorrupt(&state, session: session, record: record, reason: "saved hash state does not match")
                throw UploadError(.uploadCorrupt)
            }
            restored = hasher
        } else if record.offset == 0 {
            restored = ResumableSHA256()
        } else {
            // Bytes received before the server used an object store: they are in no part and no tail.
            close(fd)
            markCorrupt(&state, session: session, record: record, reason: "partial upload from another blob store")
            throw UploadError(.uploadCorrupt)
        }
        let pieces = try storage("load tail") {
            try database.readSync { db in
                try db.query("SELECT start, bytes FROM tus_upload_tail WHERE upload_id = ? ORDER BY start", record.id)
                    .map { (start: try $0.int("start"), bytes: $0.blob("bytes") ?? []) }
            }
        }
        try FileIO.truncate(fd, to: 0, path: path)
        var next = record.partsEnd
        for piece in pieces {
            guard piece.start == next else { break }
            try FileIO.pwriteAll(fd, bytes: piece.bytes, at: piece.start - record.partsEnd, path: path)
            next += Int64(piece.bytes.count)
        }
        guard next == record.offset else {
            close(fd)
            markCorrupt(&state, session: session, record: record, reason: "tail rows do not reach the offset")
            throw UploadError(.uploadCorrupt)
        }
        state.hasher = restored
        state.hashedOffset = record.offset
    }

    private func spoolSize(fd: Int32, path: String) throws(UploadError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw UploadError.system("fstat", path: path, errno: errno) }
        return Int64(st.st_size)
    }

    /// The running hash over `0..<w.end` rebuilt after a failed write: from the committed state,
    /// plus this body from the file.
    func rehash(_ w: PendingWrite) throws(UploadError) -> ResumableSHA256 {
        guard objectStore != nil else { return try Self.hashPrefix(fd: w.fd, count: w.end, path: w.path) }
        var hasher = ResumableSHA256()
        if let saved = w.record.hashState {
            do { hasher = try ResumableSHA256(savedState: saved) } catch {
                throw UploadError(.internalError, detail: nil, operation: "restore hash state")
            }
        }
        try Self.hashRange(
            fd: w.fd, from: w.start - w.base, count: w.written, path: w.path, into: &hasher)
        return hasher
    }

    // MARK: Commit

    /// Sends the parts this PATCH filled, then commits offset, parts, tail and hash in one
    /// transaction; on the last byte, verifies and completes.
    func commitToObjectStore(
        _ state: inout SessionState, session: UploadSession, writer w: PendingWrite, hasher: ResumableSHA256,
        objects: S3BlobStore
    ) throws(UploadError) -> UploadStatus {
        let record = w.record
        let known = try storage("load parts") { try database.readSync { try Self.loadParts(record.id, $0) } }
        let plan = PartPlan(partsEnd: record.partsEnd, partCount: known.count, end: w.end, length: record.length)
        if plan.completes {
            let final = hasher
            guard final.finalize().hex == record.sha256 else {
                markCorrupt(&state, session: session, record: record, reason: "whole-file digest")
                throw UploadError(.fileDigestMismatch, detail: "the file's SHA-256 differs from the declared one")
            }
            if plan.whole { return try verify(&state, session: session, writer: w, now: nowMillis) }
        }
        var uploadID = record.multipartID
        var sent: [S3Part] = []
        var present = false
        do {
            if plan.completes, let object = try objects.client.headObject(key: objects.key(record.sha256)) {
                present = object.size == record.length
            }
            if !present && !plan.parts.isEmpty && uploadID == nil {
                uploadID = try objects.client.createMultipartUpload(key: objects.key(record.sha256))
            }
            for part in plan.parts where !present {
                sent.append(
                    try objects.client.uploadPart(
                        key: objects.key(record.sha256), uploadID: uploadID!, number: part.number, fd: w.fd,
                        offset: part.range.lowerBound - w.base, length: Int64(part.range.count), sha256: nil))
            }
        } catch {
            try? FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
            logger.warning(
                "uploads: object store failed during a PATCH; offset kept",
                ["uploads.id": .string(record.id), "error": .string(error.description)])
            throw S3BlobStore.uploadError(error)
        }
        if present {
            // Identical content is stored (another upload of it, or this one completed before a
            // crash that kept the offset from moving): keep it, drop the parts.
            abortMultipart(record)
            return try verify(
                &state, session: session, writer: w, now: nowMillis,
                stored: StoredBlob(sha256: record.sha256, size: record.length, alreadyPresent: true))
        }
        if plan.completes {
            return try completeMultipart(
                &state, session: session, writer: w, uploadID: uploadID!, parts: known + sent, objects: objects)
        }
        let tail: [UInt8]? =
            sent.isEmpty ? try FileIO.pread(w.fd, count: Int(w.written), at: w.start - w.base, path: w.path) : nil
        let now = nowMillis
        let expires = min(
            now + configuration.expirySeconds * 1000, record.createdAt + configuration.maxAgeSeconds * 1000)
        let (start, end, partsEnd) = (w.start, w.end, sent.isEmpty ? record.partsEnd : w.end)
        let saved = hasher.savedState
        let (multipartID, newParts) = (uploadID, sent)
        do {
            let changed = try database.writeSync { db in
                let n = try db.run(
                    "UPDATE tus_uploads SET \"offset\" = ?, updated_at = ?, expires_at = ?, multipart_id = ?, "
                        + "parts_end = ?, hash_state = ? WHERE upload_id = ? AND state = 'receiving' AND \"offset\" = ?",
                    end, now, expires, multipartID, partsEnd, saved, record.id, start)
                guard n == 1 else { return n }
                if let tail {
                    try db.run(
                        "INSERT INTO tus_upload_tail(upload_id, start, bytes) VALUES (?, ?, ?)", record.id, start, tail)
                } else {
                    try db.run("DELETE FROM tus_upload_tail WHERE upload_id = ?", record.id)
                    for part in newParts {
                        try db.run(
                            "INSERT INTO tus_upload_parts(upload_id, part_number, etag, size) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT(upload_id, part_number) DO UPDATE SET etag = excluded.etag, "
                                + "size = excluded.size", record.id, part.number, part.etag, part.size)
                    }
                }
                try stateChanged(db, record, .receiving, bytes: end, at: now)
                return n
            }
            guard changed == 1 else { throw UploadError(.uploadExpired) }
        } catch {
            try? FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
            throw UploadError.storage(error, operation: "commit offset")
        }
        // The parts took the spool's bytes: it holds the (now empty) tail again.
        if !sent.isEmpty { try? FileIO.truncate(w.fd, to: 0, path: w.path) }
        state.hasher = hasher
        state.hashedOffset = end
        var updated = record
        updated.offset = end
        updated.updatedAt = now
        updated.expiresAt = expires
        updated.multipartID = uploadID
        updated.partsEnd = partsEnd
        updated.hashState = saved
        return updated.status()
    }

    /// Joins the parts into the content-addressed object, checks its size, marks the upload verified.
    private func completeMultipart(
        _ state: inout SessionState, session: UploadSession, writer w: PendingWrite, uploadID: String,
        parts: [S3Part], objects: S3BlobStore
    ) throws(UploadError) -> UploadStatus {
        let record = w.record
        let key = objects.key(record.sha256)
        guard parts.reduce(0, { $0 + $1.size }) == record.length else {
            markCorrupt(&state, session: session, record: record, reason: "parts do not add up to the length")
            throw UploadError(.uploadCorrupt)
        }
        let written: S3ObjectInfo?
        do {
            do {
                try objects.client.completeMultipartUpload(key: key, uploadID: uploadID, parts: parts)
            } catch  where error.kind == .notFound {
                // Completed before a crash (the object is checked below), or lost.
                logger.info("uploads: multipart upload already completed or gone", ["uploads.id": .string(record.id)])
            }
            written = try objects.client.headObject(key: key)
        } catch {
            try? FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
            throw S3BlobStore.uploadError(error)
        }
        guard let written, written.size == record.length else {
            markCorrupt(&state, session: session, record: record, reason: "multipart upload lost")
            throw UploadError(.uploadCorrupt)
        }
        return try verify(
            &state, session: session, writer: w, now: nowMillis,
            stored: StoredBlob(sha256: record.sha256, size: record.length, alreadyPresent: false))
    }

    // MARK: Parts in the metadata store

    static func loadParts(_ id: String, _ db: any DatabaseConnection) throws -> [S3Part] {
        try db.query(
            "SELECT part_number, etag, size FROM tus_upload_parts WHERE upload_id = ? ORDER BY part_number", id
        ).map { S3Part(number: Int(try $0.int("part_number")), etag: try $0.string("etag"), size: try $0.int("size")) }
    }

    /// Deletes an upload's parts and tail rows (in the caller's transaction).
    static func forgetParts(_ id: String, _ db: any DatabaseConnection) throws {
        try db.run("DELETE FROM tus_upload_parts WHERE upload_id = ?", id)
        try db.run("DELETE FROM tus_upload_tail WHERE upload_id = ?", id)
    }

    /// Aborts an upload's multipart upload, if it has one; a failure is logged and left to the
    /// sweeper's orphan pass.
    func abortMultipart(_ record: UploadRecord) {
        guard let objects = objectStore, let id = record.multipartID else { return }
        do {
            try objects.client.abortMultipartUpload(key: objects.key(record.sha256), uploadID: id)
        } catch  where error.kind == .notFound {
            return
        } catch {
            logger.warning(
                "uploads: aborting a multipart upload failed; the sweeper retries",
                ["uploads.id": .string(record.id), "error": .string(error.description)])
        }
    }

    // MARK: Sweeping

    /// Aborts multipart uploads under the blob prefix that no receiving upload names and that are
    /// older than ``orphanGraceMillis`` (first 1000 per sweep).
    ///
    /// - Returns: how many were aborted.
    func sweepMultipartOrphans(now: Int64) -> Int {
        guard let objects = objectStore else { return 0 }
        let listed: [S3MultipartUpload]
        let named: Set<String>
        do {
            listed = try objects.client.listMultipartUploads(prefix: objects.prefix)
            guard !listed.isEmpty else { return 0 }
            named = try database.readSync { db in
                let rows = try db.query(
                    "SELECT multipart_id FROM tus_uploads WHERE state = 'receiving' AND multipart_id IS NOT NULL")
                return Set(rows.compactMap { $0.optionalString("multipart_id") })
            }
        } catch {
            logger.warning("uploads: multipart orphan sweep failed", ["error": .string("\(error)")])
            return 0
        }
        var aborted = 0
        for upload in listed where !named.contains(upload.uploadID) {
            guard let initiated = Self.isoMillis(upload.initiated), initiated + Self.orphanGraceMillis <= now else {
                continue
            }
            if abortOrphan(upload, objects: objects) { aborted += 1 }
        }
        return aborted
    }

    /// Aborts one orphan multipart upload; true when it was there.
    private func abortOrphan(_ upload: S3MultipartUpload, objects: S3BlobStore) -> Bool {
        do {
            try objects.client.abortMultipartUpload(key: upload.key, uploadID: upload.uploadID)
            return true
        } catch {
            if error.kind != .notFound {
                logger.warning("uploads: aborting an orphan multipart upload failed", ["error": .string("\(error)")])
            }
            return false
        }
    }

    /// Milliseconds since the epoch of an S3 `Initiated` time (ISO 8601, with or without fractions).
    static func isoMillis(_ text: String) -> Int64? {
        let withFractions = ISO8601DateFormatter()
        withFractions.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFractions.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
            return UploadRecord.millis(date)
        }
        return nil
    }
}
