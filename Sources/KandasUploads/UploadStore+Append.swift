import Crypto
import Foundation
import Glibc
import HTTPServer
public import KandasProtocol
import KandasStore
import SystemKit

extension UploadStore {
    /// Starts a PATCH: takes the upload's lease (ending an older request), checks the offset and
    /// the sizes, and returns the writer the body is streamed into.
    ///
    /// - Parameters:
    ///   - offset: the client's `Upload-Offset`.
    ///   - contentLength: the declared body size, nil for a chunked body.
    ///   - checksum: the `Upload-Checksum`; with one, the chunk is all-or-nothing.
    ///   - onLeaseLost: called (under the upload's lock, so it must only signal) when a newer
    ///     request on this upload ends this one; the HTTP side closes this request's connection
    ///     with it (sync-v1 §10.4 rule 1).
    /// - Throws: ``UploadError`` `upload_offset_mismatch` (with the committed offset),
    ///   `chunk_too_large`, `upload_too_large`, `not_found`, `upload_expired`, `upload_corrupt`.
    public func beginAppend(
        owner: String, uploadID: String, offset: Int64, contentLength: Int64?, checksum: UploadChecksum?,
        onLeaseLost: (@Sendable () -> Void)? = nil
    ) throws(UploadError) -> AppendWriter {
        try withSession(owner: owner, uploadID: uploadID) { (session, state, loaded) throws(UploadError) in
            var record = loaded
            if state.writer != nil {
                endWriter(&state, session: session)
                record = try reload(owner: owner, uploadID: uploadID)
            }
            // Another instance's PATCH of this upload: this one cannot end it (§10.4 rule 1 holds
            // within an instance), so it is answered 503 with Retry-After and the client resumes.
            let instanceLock = try lockAcrossInstances(uploadID)
            if instanceLock != nil { record = try reload(owner: owner, uploadID: uploadID) }
            if record.state == .verified {
                guard offset == record.length else {
                    throw UploadError(.uploadOffsetMismatch, uploadOffset: record.length)
                }
                guard (contentLength ?? 0) == 0 else {
                    throw UploadError(.uploadTooLarge, detail: "the upload is complete", limit: record.length)
                }
                return AppendWriter(store: self, completed: record.status())
            }
            guard offset == record.offset else {
                throw UploadError(
                    .uploadOffsetMismatch, detail: "resume from the stored offset", uploadOffset: record.offset)
            }
            if let contentLength {
                guard contentLength <= configuration.maxChunkBytes else {
                    throw UploadError(.chunkTooLarge, limit: configuration.maxChunkBytes)
                }
                guard contentLength <= record.length - record.offset else {
                    throw UploadError(
                        .uploadTooLarge, detail: "the body goes beyond Upload-Length", limit: record.length)
                }
            }
            let path = partialPath(uploadID)
            let fd = try FileIO.open(path, O_RDWR | O_CREAT)
            let base = objectStore == nil ? 0 : record.partsEnd
            do throws(UploadError) {
                if let objects = objectStore {
                    try prepareSpool(
                        fd: fd, path: path, record: record, state: &state, session: session, objects: objects)
                } else {
                    try preparePartialFile(fd: fd, path: path, record: record, state: &state, session: session)
                }
            } catch {
                if !state.retired { close(fd) }
                throw error
            }
            state.generation &+= 1
            var pending = PendingWrite(
                generation: state.generation, record: record, fd: fd, path: path, base: base, start: record.offset,
                checksum: checksum, fileHasher: state.hasher!, onLeaseLost: onLeaseLost,
                instanceLock: instanceLock)
            if (record.offset - base) % Int64(DirectIO.blockSize) == 0 { pending.directFD = FileIO.openDirect(path) }
            switch checksum?.algorithm {
            case .sha256: pending.chunkSHA256 = SHA256()
            case .sha1: pending.chunkSHA1 = SHA1()
            case nil: break
            }
            state.writer = pending
            return AppendWriter(store: self, session: session, generation: state.generation)
        }
    }

    /// A folder store's partial file: cut back to the committed offset, its running hash rebuilt
    /// from the file when this session does not hold it.
    private func preparePartialFile(
        fd: Int32, path: String, record: UploadRecord, state: inout SessionState, session: UploadSession
    ) throws(UploadError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw UploadError.system("fstat", path: path, errno: errno) }
        if Int64(st.st_size) < record.offset {
            // Acknowledged bytes are missing: the file was damaged outside the server.
            close(fd)
            markCorrupt(&state, session: session, record: record, reason: "partial file shorter than offset")
            throw UploadError(.uploadCorrupt)
        }
        if Int64(st.st_size) > record.offset { try FileIO.truncate(fd, to: record.offset, path: path) }
        if state.hasher == nil || state.hashedOffset != record.offset {
            state.hasher = try Self.hashPrefix(fd: fd, count: record.offset, path: path)
            state.hashedOffset = record.offset
        }
    }

    // MARK: Writer operations (called by AppendWriter)

    func append(_ bytes: UnsafeRawBufferPointer, session: UploadSession, generation: UInt64) throws(UploadError) {
        try session.state.withLock { (state) throws(UploadError) in
            // Scalars only: a copy of the writer would share its hash contexts and make every
            // update below copy them (copy-on-write).
            guard !state.retired, state.generation == generation, let end = state.writer?.end else {
                throw Self.leaseLost
            }
            try stopIfInstanceLockLost(&state, session: session)
            let (fd, path, written, length, base) = (
                state.writer!.fd, state.writer!.path, state.writer!.written, state.writer!.record.length,
                state.writer!.base
            )
            var directFD = state.writer!.directFD
            let n = Int64(bytes.count)
            guard written + n <= configuration.maxChunkBytes else {
                throw UploadError(.chunkTooLarge, limit: configuration.maxChunkBytes)
            }
            guard end + n <= length else {
                throw UploadError(.uploadTooLarge, detail: "the body goes beyond Upload-Length", limit: length)
            }
            // The hash contexts are moved out (not copied) so that the helper thread and this
            // one each update their own; they go back before the lock is released.
            var fileHasher = state.writer!.fileHasher.take()!
            var chunkSHA256 = state.writer!.chunkSHA256.take()
            var chunkSHA1 = state.writer!.chunkSHA1.take()
            var failure: UploadError?
            // Three jobs over the same bytes at once: the whole-file hash and the chunk's checksum
            // (if asked) on hash helpers, the disk write here (mostly waiting for the device when
            // it goes `O_DIRECT`), so a buffer costs the slowest of them, not their sum.
            let checksummed = chunkSHA256 != nil || chunkSHA1 != nil
            HashOffload.shared.run(
                bytes.count,
                side: { fileHasher.update(bytes) },
                second: checksummed
                    ? {
                        chunkSHA256?.update(bytes)
                        chunkSHA1?.update(bytes)
                    } : nil
            ) {
                do throws(UploadError) {
                    try FileIO.write(fd, direct: &directFD, bytes, at: end - base, path: path)
                } catch {
                    failure = error
                }
            }
            state.writer!.directFD = directFD
            state.writer!.fileHasher = fileHasher
            state.writer!.chunkSHA256 = chunkSHA256
            state.writer!.chunkSHA1 = chunkSHA1
            if let failure {
                // The file hash already covers bytes the file may not hold: `commit` rebuilds it
                // from the file's committed prefix instead of trusting it.
                state.writer!.fileHashStale = true
                throw failure
            }
            state.writer!.written += n
        }
    }

    func finish(session: UploadSession, generation: UInt64) throws(UploadError) -> UploadStatus {
        try session.state.withLock { (state) throws(UploadError) in
            guard !state.retired, state.generation == generation, let w = state.writer else {
                throw Self.leaseLost
            }
            try stopIfInstanceLockLost(&state, session: session)
            if let expected = w.checksum {
                guard state.writer!.chunkDigest() == expected.digest else {
                    discard(&state)
                    throw UploadError(
                        .checksumMismatch, detail: "the body does not match Upload-Checksum", uploadOffset: w.start)
                }
            }
            return try commit(&state, session: session)
        }
    }

    func abort(session: UploadSession, generation: UInt64) {
        session.state.withLock { state in
            guard !state.retired, state.generation == generation, state.writer != nil else { return }
            endWriter(&state, session: session, byItself: true)
        }
    }

    /// Ends the request holding the lease: tus core bytes are committed (they arrived before the
    /// cut), a checksummed chunk is discarded (all-or-nothing). The old request's next call fails,
    /// and unless it is ending itself (`byItself`), its `onLeaseLost` closes its connection.
    func endWriter(_ state: inout SessionState, session: UploadSession, byItself: Bool = false) {
        state.generation &+= 1
        guard let w = state.writer else { return }
        if !byItself { w.onLeaseLost?() }
        if w.instanceLock?.isLost == true {
            dropWithoutTouchingTheFile(&state, session: session)
            return
        }
        if w.checksum == nil && w.written > 0 {
            do {
                _ = try commit(&state, session: session)
            } catch {
                logger.warning(
                    "uploads: committing an interrupted body failed",
                    ["uploads.id": .string(session.id), "error": .string("\(error)")])
            }
        } else {
            discard(&state)
        }
    }

    /// Ends the writer with ``instanceLockLost`` when its upload's cross-instance lock is gone (the
    /// store connection holding it broke): another instance may be writing the upload now, so not
    /// one more byte is written or committed under it.
    func stopIfInstanceLockLost(_ state: inout SessionState, session: UploadSession) throws(UploadError) {
        guard state.writer?.instanceLock?.isLost == true else { return }
        dropWithoutTouchingTheFile(&state, session: session)
        throw Self.instanceLockLost
    }

    /// Drops a writer whose cross-instance lock is lost: its bytes past the committed offset are
    /// neither committed nor cut off (the file may be another instance's to cut now), and the
    /// running hash is rebuilt from the committed prefix by the next request.
    func dropWithoutTouchingTheFile(_ state: inout SessionState, session: UploadSession) {
        guard let w = state.writer.take() else { return }
        w.closeFiles()
        state.hasher = nil
        state.hashedOffset = 0
        logger.warning(
            "uploads: the upload's cross-instance lock was lost mid-request; its uncommitted bytes are dropped",
            ["uploads.id": .string(session.id)])
    }

    /// Cuts the file back to the committed offset and drops the writer.
    func discard(_ state: inout SessionState) {
        guard let w = state.writer.take() else { return }
        defer { w.closeFiles() }
        do {
            try FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
        } catch {
            // The offset in the database is still the truth; recovery truncates at the next start.
            logger.error(
                "uploads: truncate failed", ["uploads.id": .string(w.record.id), "error": .string("\(error)")])
        }
    }

    /// Makes the writer's bytes durable and records the new offset, then verifies a complete file.
    ///
    /// Order: `fsync` the file (and the folder for a new file), check the magic bytes once the
    /// first 64 are in, then one database write; only after it is an offset reported. A complete
    /// file is hashed (running state, no second read), stored in the blob store and marked
    /// verified in one transaction together with the `onVerified` hook.
    func commit(_ state: inout SessionState, session: UploadSession) throws(UploadError) -> UploadStatus {
        guard let w = state.writer.take() else { throw Self.leaseLost }
        defer { w.closeFiles() }
        let record = w.record
        guard w.written > 0 else { return record.status() }
        let objects = objectStore
        // A spool file need not be durable: its bytes go to the metadata store or the object store
        // before the offset moves.
        if objects == nil {
            do {
                try FileIO.fsync(w.fd, path: w.path)
                if w.start == 0 { try FileIO.fsyncDirectory(configuration.partialDirectory) }
            } catch {
                try? FileIO.truncate(w.fd, to: w.start, path: w.path)
                throw error
            }
        }
        let needed = Int64(min(MediaSniffer.headerLength, Int(record.length)))
        if w.start < needed && w.end >= needed {
            let prefix = try FileIO.pread(w.fd, count: Int(needed), at: 0, path: w.path)
            guard MediaSniffer.matches(contentType: record.contentType, header: prefix) else {
                markCorrupt(&state, session: session, record: record, reason: "magic bytes")
                throw UploadError(.contentTypeMismatch, detail: "the file's first bytes are not \(record.contentType)")
            }
        }
        var fileHasher = w.fileHasher!
        if w.fileHashStale { fileHasher = try rehash(w) }
        if let objects {
            return try commitToObjectStore(&state, session: session, writer: w, hasher: fileHasher, objects: objects)
        }
        let now = nowMillis
        if w.end == record.length {
            let digest = fileHasher.finalize().hex
            guard digest == record.sha256 else {
                markCorrupt(&state, session: session, record: record, reason: "whole-file digest")
                throw UploadError(.fileDigestMismatch, detail: "the file's SHA-256 differs from the declared one")
            }
            return try verify(&state, session: session, writer: w, now: now)
        }
        let expires = min(
            now + configuration.expirySeconds * 1000, record.createdAt + configuration.maxAgeSeconds * 1000)
        let end = w.end
        do {
            let changed = try database.writeSync { db in
                let n = try db.run(
                    "UPDATE tus_uploads SET \"offset\" = ?, updated_at = ?, expires_at = ? "
                        + "WHERE upload_id = ? AND state = 'receiving' AND \"offset\" = ?", end, now, expires,
                    record.id,
                    w.start)
                if n == 1 { try stateChanged(db, record, .receiving, bytes: end, at: now) }
                return n
            }
            guard changed == 1 else { throw UploadError(.uploadExpired) }
        } catch {
            try? FileIO.truncate(w.fd, to: w.start, path: w.path)
            throw UploadError.storage(error, operation: "commit offset")
        }
        state.hasher = fileHasher
        state.hashedOffset = end
        var updated = record
        updated.offset = end
        updated.updatedAt = now
        updated.expiresAt = expires
        return updated.status()
    }

    /// Stores the complete file in the blob store (unless `stored` says it already is) and marks
    /// the upload verified, in one transaction with the `onVerified` hook.
    func verify(
        _ state: inout SessionState, session: UploadSession, writer w: PendingWrite, now: Int64,
        stored alreadyStored: StoredBlob? = nil
    )
        throws(UploadError) -> UploadStatus
    {
        let record = w.record
        let stored: StoredBlob
        if let alreadyStored {
            stored = alreadyStored
        } else {
            do {
                stored = try blobs.add(fileAt: w.path, sha256: record.sha256)
            } catch {
                try? FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
                throw error
            }
        }
        let file = VerifiedFile(
            uploadID: record.id, owner: record.owner, attachmentID: record.attachmentID, sha256: record.sha256,
            size: record.length, contentType: record.contentType, kind: record.kind, filename: record.filename,
            verifiedAt: UploadRecord.date(now), blobAlreadyPresent: stored.alreadyPresent)
        let hook = onVerified
        do {
            try database.writeSync { db in
                let changed = try db.run(
                    "UPDATE tus_uploads SET \"offset\" = length, state = 'verified', verified_at = ?, updated_at = ?, "
                        + "expires_at = NULL, multipart_id = NULL, parts_end = 0, hash_state = NULL "
                        + "WHERE upload_id = ? AND state = 'receiving'", now, now, record.id)
                guard changed == 1 else { throw UploadError(.uploadExpired) }
                try Self.forgetParts(record.id, db)
                try hook?(db, file)
            }
        } catch {
            // Nothing was acknowledged: the client resends the last chunk. The blob may stay as
            // an orphan, harmless since it is content-addressed.
            try? FileIO.truncate(w.fd, to: w.start - w.base, path: w.path)
            throw UploadError.storage(error, operation: "mark verified")
        }
        do { try FileIO.unlinkIfPresent(w.path) } catch {
            logger.warning("uploads: partial file not removed", ["uploads.id": .string(record.id)])
        }
        retire(session, &state)
        var verified = record
        verified.state = .verified
        verified.offset = record.length
        verified.verifiedAt = now
        return verified.status()
    }

    /// Closes an upload as corrupt: its bytes are dropped and its id answers 410.
    func markCorrupt(_ state: inout SessionState, session: UploadSession, record: UploadRecord, reason: String) {
        let now = nowMillis
        do {
            try database.writeSync { db in
                let n = try db.run(
                    "UPDATE tus_uploads SET state = 'corrupt', updated_at = ? WHERE upload_id = ? AND state = 'receiving'",
                    now, record.id)
                if n == 1 { try stateChanged(db, record, .corrupt, bytes: 0, at: now) }
                try Self.forgetParts(record.id, db)
            }
            try FileIO.unlinkIfPresent(partialPath(record.id))
            abortMultipart(record)
        } catch {
            logger.error(
                "uploads: marking corrupt failed", ["uploads.id": .string(record.id), "error": .string("\(error)")])
        }
        logger.notice("uploads: upload corrupt", ["uploads.id": .string(record.id), "uploads.reason": .string(reason)])
        retire(session, &state)
    }

    /// Loads an upload again after its writer was ended, with the usual state checks.
    func reload(owner: String, uploadID: String) throws(UploadError) -> UploadRecord {
        let loaded = try storage("load") { try database.readSync { try UploadRecord.load(uploadID, $0) } }
        guard let record = loaded, record.owner == owner else { throw UploadError(.notFound) }
        switch record.state {
        case .expired: throw UploadError(.uploadExpired)
        case .corrupt: throw UploadError(.uploadCorrupt)
        default: return record
        }
    }

    /// SHA-256 of a file's first `count` bytes: the resume path reads the partial file once.
    static func hashPrefix(fd: Int32, count: Int64, path: String) throws(UploadError) -> ResumableSHA256 {
        var hasher = ResumableSHA256()
        try hashRange(fd: fd, from: 0, count: count, path: path, into: &hasher)
        return hasher
    }

    /// Feeds `count` bytes of a file from `start` into `hasher`.
    static func hashRange(
        fd: Int32, from start: Int64, count: Int64, path: String, into hasher: inout ResumableSHA256
    ) throws(UploadError) {
        var offset: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        while offset < count {
            let want = Int(min(Int64(buffer.count), count - offset))
            let n = Glibc.pread(fd, buffer.baseAddress, want, off_t(start + offset))
            if n > 0 {
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                offset += Int64(n)
            } else if n == 0 {
                throw UploadError(.internalError, detail: nil, operation: "hash prefix: short file", path: path)
            } else if errno != EINTR {
                throw UploadError.system("pread", path: path, errno: errno)
            }
        }
    }

    /// Takes the upload's cross-instance lock (nil without ``instanceLocks``).
    ///
    /// - Throws: ``UploadError`` `unavailable` (503, `Retry-After`) when another instance holds it
    ///   or the store cannot be asked.
    func lockAcrossInstances(_ uploadID: String) throws(UploadError) -> (any InstanceLock)? {
        guard let instanceLocks else { return nil }
        let held: (any InstanceLock)?
        do {
            held = try instanceLocks.tryLock("upload:" + uploadID)
        } catch {
            throw UploadError.storage(error, operation: "lock upload")
        }
        guard let held else {
            throw UploadError(.unavailable, detail: "another server instance is writing this upload; retry")
        }
        return held
    }

    /// The store connection holding the upload's cross-instance lock broke mid-request: 503 with
    /// `Retry-After` (Protocol §10.4), and the client resumes from `HEAD`.
    static var instanceLockLost: UploadError {
        UploadError(.unavailable, detail: "this server instance lost the upload's lock; resume from HEAD")
    }

    static var leaseLost: UploadError {
        UploadError(.conflict, detail: "a newer request on this upload ended this one")
    }
}
