/// The body side of one PATCH: bytes go straight to the partial file at the offset.
///
/// Returned by ``UploadStore/beginAppend(owner:uploadID:offset:contentLength:checksum:)``.
/// Call ``write(_:)`` for each piece of the body, then exactly one of ``finish()`` or
/// ``abort()``. Once a newer request on the same upload took the lease, every call fails with
/// `conflict` (and `abort` does nothing): the newer request already committed or discarded
/// these bytes.
public final class AppendWriter: Sendable {
    private let store: UploadStore
    private let session: UploadSession?
    private let generation: UInt64
    /// Set when the upload was already verified and the request carries no bytes.
    private let completed: UploadStatus?

    init(store: UploadStore, session: UploadSession, generation: UInt64) {
        self.store = store
        self.session = session
        self.generation = generation
        self.completed = nil
    }

    init(store: UploadStore, completed: UploadStatus) {
        self.store = store
        self.session = nil
        self.generation = 0
        self.completed = completed
    }

    /// Writes the next body bytes (hashing them on the way).
    ///
    /// - Throws: ``UploadError`` `chunk_too_large`, `upload_too_large`, `conflict` (lease lost),
    ///   `internal_error` (disk).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(UploadError) {
        guard let session else {
            throw UploadError(.uploadTooLarge, detail: "the upload is complete", limit: completed?.length)
        }
        try store.append(bytes, session: session, generation: generation)
    }

    /// Ends the body: checks the chunk checksum, makes the bytes durable, commits the offset and,
    /// on the last byte, verifies the whole file.
    ///
    /// - Returns: the new status (`verified` once complete).
    /// - Throws: ``UploadError`` `checksum_mismatch` (nothing stored), `content_type_mismatch`,
    ///   `file_digest_mismatch` (the upload is corrupt), `conflict` (lease lost).
    public func finish() throws(UploadError) -> UploadStatus {
        guard let session else { return completed! }
        return try store.finish(session: session, generation: generation)
    }

    /// The body was cut: tus core bytes are committed, a checksummed chunk is dropped.
    public func abort() {
        guard let session else { return }
        store.abort(session: session, generation: generation)
    }
}
