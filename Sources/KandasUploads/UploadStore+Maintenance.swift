import Foundation
import Glibc
import KandasProtocol
import KandasStore
import Synchronization

extension UploadStore {
    /// Start-up recovery: every receiving upload's partial file is cut back to the committed
    /// offset (bytes past it were never acknowledged), files shorter than it close their upload as
    /// corrupt, and files of no receiving upload are removed.
    func recover() throws(UploadError) -> MaintenanceReport {
        var report = MaintenanceReport()
        let receiving = try storage("recover") {
            try database.readSync { db in
                try db.query("SELECT \(UploadRecord.columns) FROM tus_uploads WHERE state = 'receiving'")
                    .map(UploadRecord.init(row:))
            }
        }
        var live = Set<String>()
        // On an object store a partial file is only a spool, rebuilt from the metadata store when
        // needed (and possibly in use by another instance on the same data folder): left as is.
        for record in receiving where objectStore != nil { live.insert(record.id) }
        for record in receiving where objectStore == nil {
            // Another instance writing this upload owns its file's tail: left alone.
            let held: (any InstanceLock)?
            do {
                held = try lockAcrossInstances(record.id)
            } catch  where error.code == .unavailable {
                live.insert(record.id)
                continue
            }
            defer { held?.release() }
            let path = partialPath(record.id)
            let size = try FileIO.size(path) ?? 0
            if size < record.offset {
                let now = nowMillis  // one reading: the upload row and the hook's change carry the same time
                try storage("recover") {
                    try database.writeSync { db in
                        _ = try db.run(
                            "UPDATE tus_uploads SET state = 'corrupt', updated_at = ? WHERE upload_id = ?", now,
                            record.id)
                        try stateChanged(db, record, .corrupt, bytes: 0, at: now)
                    }
                }
                try FileIO.unlinkIfPresent(path)
                report.corruptFiles += 1
                logger.error(
                    "uploads: partial file shorter than its committed offset", ["uploads.id": .string(record.id)])
                continue
            }
            live.insert(record.id)
            if size > record.offset {
                let fd = try FileIO.open(path, O_RDWR)
                defer { close(fd) }
                try FileIO.truncate(fd, to: record.offset, path: path)
                try FileIO.fsync(fd, path: path)
                report.truncatedFiles += 1
                report.truncatedBytes += size - record.offset
            }
        }
        for name in try FileIO.list(configuration.partialDirectory) where !live.contains(name) {
            try FileIO.unlinkIfPresent(configuration.partialDirectory + "/" + name)
            report.orphanFiles += 1
        }
        return report
    }

    /// Closes expired uploads, removes their files and forgets old tombstones (sync-v1 §10.6).
    ///
    /// Receiving uploads past `Upload-Expires` become `expired` (410) and lose their bytes;
    /// expired and corrupt rows older than the tombstone period are deleted (404). Safe to run
    /// while requests are served: each upload is closed under its session lock.
    @discardableResult
    public func sweep() throws(UploadError) -> MaintenanceReport {
        // Once across instances: an instance that finds another sweeping skips this round.
        let sweeping: (any InstanceLock)?
        do {
            sweeping = try instanceLocks?.tryLock("upload-sweeper")
        } catch {
            throw UploadError.storage(error, operation: "sweep lock")
        }
        if instanceLocks != nil && sweeping == nil { return MaintenanceReport() }
        defer { sweeping?.release() }
        var report = MaintenanceReport()
        let now = nowMillis
        let expired = try storage("sweep") {
            try database.readSync { db in
                try db.query(
                    "SELECT \(UploadRecord.columns) FROM tus_uploads WHERE state = 'receiving' AND expires_at <= ?", now
                ).map(UploadRecord.init(row:))
            }
        }
        for record in expired {
            let id = record.id
            let session = sessions.session(id)
            let closed: Bool = session.state.withLock { state in
                endWriter(&state, session: session)
                do {
                    let changed = try database.writeSync { db in
                        let n = try db.run(
                            "UPDATE tus_uploads SET state = 'expired', updated_at = ? "
                                + "WHERE upload_id = ? AND state = 'receiving' AND expires_at <= ?", now, id, now)
                        if n == 1 { try stateChanged(db, record, .expired, bytes: 0, at: now) }
                        if n == 1 { try Self.forgetParts(id, db) }
                        return n
                    }
                    guard changed == 1 else { return false }
                    try FileIO.unlinkIfPresent(partialPath(id))
                    abortMultipart(record)
                } catch {
                    logger.error("uploads: expiring failed", ["uploads.id": .string(id), "error": .string("\(error)")])
                    return false
                }
                retire(session, &state)
                return true
            }
            if closed { report.expiredUploads += 1 }
        }
        // Files whose upload is no longer receiving (expired at creation time, crashes between
        // steps): removed under the session lock so a writer can never lose its file.
        for name in try FileIO.list(configuration.partialDirectory) {
            let session = sessions.session(name)
            let removed: Bool = session.state.withLock { state in
                guard state.writer == nil else { return false }
                do {
                    let receiving = try database.readSync { db in
                        try db.exists("SELECT 1 FROM tus_uploads WHERE upload_id = ? AND state = 'receiving'", name)
                    }
                    guard !receiving else { return false }
                    try FileIO.unlinkIfPresent(partialPath(name))
                } catch {
                    return false
                }
                retire(session, &state)
                return true
            }
            if !removed && !Self.isUploadID(name) { sessions.remove(session) }
            if removed { report.orphanFiles += 1 }
        }
        report.abortedMultipartUploads = sweepMultipartOrphans(now: now)
        let cutoff = now - configuration.tombstoneSeconds * 1000
        report.purgedUploads = try storage("purge") {
            try database.writeSync { db in
                let purged = try db.run(
                    "DELETE FROM tus_uploads WHERE state IN ('expired', 'corrupt') AND updated_at <= ?", cutoff)
                try onSweep?(db, now)
                return purged
            }
        }
        if report != MaintenanceReport() {
            logger.info(
                "uploads swept",
                [
                    "uploads.expired": .int(Int64(report.expiredUploads)),
                    "uploads.orphan_files": .int(Int64(report.orphanFiles)),
                    "uploads.purged": .int(Int64(report.purgedUploads)),
                    "uploads.aborted_multipart": .int(Int64(report.abortedMultipartUploads)),
                ])
        }
        return report
    }

    /// Runs ``sweep()`` every `interval` on a dedicated thread until the returned sweeper is stopped.
    public func startSweeper(every interval: Duration) -> UploadSweeper {
        UploadSweeper(store: self, interval: interval)
    }
}

/// The background thread that sweeps expired uploads; stop it before closing the database.
public final class UploadSweeper: Sendable {
    private let stopped = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(store: UploadStore, interval: Duration) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            while !stopped.withLock({ $0 }) {
                do { try store.sweep() } catch {
                    store.logger.error("uploads: sweep failed", ["error": .string("\(error)")])
                }
                _ = wake.wait(timeout: .now() + seconds)
            }
            done.signal()
        }
        thread.name = "kandas-upload-sweeper"
        thread.start()
    }

    /// Stops the thread and waits for a sweep in progress to end; later calls do nothing.
    public func stop() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        wake.signal()
        done.wait()
    }
}
