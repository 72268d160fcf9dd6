import Crypto
import Glibc
import KandasProtocol
import KandasStore
import Synchronization

/// The in-memory side of one upload: its lease, the request writing to it and the running hash.
///
/// Every request on an upload (HEAD, PATCH, DELETE, its chunks, the sweeper) runs under this
/// session's lock, so two writers can never interleave and a new request sees the older one's
/// bytes either committed or discarded. The lock is held across `pwrite`, `fsync` and the SQLite
/// commit: they are bounded (one body read at most), and callers are handler or sweeper threads,
/// never Swift's cooperative pool. Lock order is always session, then database.
final class UploadSession: Sendable {
    let id: String
    let state = Mutex(SessionState())

    init(id: String) { self.id = id }
}

/// The mutable part of a session.
///
/// `@unchecked Sendable` invariant: only ever touched inside its session's `Mutex`, so the hash
/// contexts it holds (which are not `Sendable`) are never used by two threads at once. (`append`
/// lends one to a ``HashOffload`` helper while it holds the lock and waits for it.)
struct SessionState: @unchecked Sendable {
    /// Set once the upload is gone (verified, corrupt, expired, terminated); a holder of a retired
    /// session looks the upload up again.
    var retired = false
    /// Bumped by every request; a writer whose generation is not current lost its lease.
    var generation: UInt64 = 0
    /// The PATCH holding the lease, if any.
    var writer: PendingWrite?
    /// SHA-256 of the partial file's first `hashedOffset` bytes (the committed ones), so the
    /// whole-file digest needs no second read; nil until first needed (then the file is read once).
    /// On an object store the local spool file then holds the upload's tail (see ``PendingWrite/base``).
    var hasher: ResumableSHA256?
    var hashedOffset: Int64 = 0
}

/// The bytes one PATCH has written past the committed offset and not yet committed.
///
/// `@unchecked Sendable` invariant: lives only inside a ``SessionState``, under its lock.
struct PendingWrite: @unchecked Sendable {
    var generation: UInt64
    var record: UploadRecord
    var fd: Int32
    /// The same file opened `O_DIRECT` for block-aligned writes, or -1 (see ``FileIO/write(_:direct:_:at:path:)``).
    var directFD: Int32 = -1
    var path: String
    /// The upload offset at the file's first byte: 0 for a partial file, the bytes already in
    /// parts for an object store's spool file (which holds only the tail and this body).
    var base: Int64 = 0
    /// The committed offset when the request began; the file is cut back here on discard.
    var start: Int64
    var written: Int64 = 0
    /// nil: tus core (bytes kept on a cut); else all-or-nothing with this checksum.
    var checksum: UploadChecksum?
    /// The hash of this request's body, for the checksum (one of the two, per its algorithm).
    var chunkSHA256: SHA256?
    var chunkSHA1: SHA1?
    /// The whole-file hash continued from the committed prefix (nil only while `append` has
    /// moved it out to update it).
    var fileHasher: ResumableSHA256?
    /// Set when a write failed after its bytes were hashed: `commit` rehashes the file instead.
    var fileHashStale = false
    /// Ends the request's connection when a newer request takes the upload (sync-v1 §10.4).
    var onLeaseLost: (@Sendable () -> Void)?
    /// The upload's cross-instance lock, held until the write ends (``closeFiles()``).
    var instanceLock: (any InstanceLock)?

    var end: Int64 { start + written }

    /// Closes both descriptors of the partial file.
    func closeFiles() {
        close(fd)
        if directFD >= 0 { close(directFD) }
        instanceLock?.release()
    }

    /// The digest of this request's body, if a checksum was asked for.
    mutating func chunkDigest() -> [UInt8]? {
        if let h = chunkSHA256.take() { return h.finalize().bytes }
        if let h = chunkSHA1.take() { return h.finalize().bytes }
        return nil
    }
}

/// The sessions of live uploads, one object per upload id.
final class SessionRegistry: Sendable {
    private let sessions = Mutex<[String: UploadSession]>([:])

    /// The session of `id`, created on first use.
    func session(_ id: String) -> UploadSession {
        sessions.withLock { map in
            if let s = map[id] { return s }
            let s = UploadSession(id: id)
            map[id] = s
            return s
        }
    }

    /// Forgets a retired session (only that object: a newer one for the same id stays).
    func remove(_ session: UploadSession) {
        sessions.withLock { map in
            if map[session.id] === session { map[session.id] = nil }
        }
    }

    var count: Int { sessions.withLock { $0.count } }
}
