/// Where verified files live, addressed by their SHA-256 (DESIGN §6).
///
/// The embedded default is ``LocalBlobStore`` (a folder); ``S3BlobStore`` keeps blobs in an
/// S3-compatible bucket behind the same protocol. Content addressing makes storing idempotent: adding a
/// file whose hash is already stored keeps one copy.
public protocol BlobStore: Sendable {
    /// Stores a complete, already hash-verified file under its SHA-256 and makes it durable.
    ///
    /// The caller's file is left in place (the caller removes it once its own records are
    /// committed), so a failure after this call loses nothing.
    /// - Parameters:
    ///   - path: the verified file.
    ///   - sha256: its SHA-256, 64 lowercase hex (the caller verified it).
    /// - Throws: ``UploadError`` `internal_error` with the failing call and `errno`.
    func add(fileAt path: String, sha256: String) throws(UploadError) -> StoredBlob

    /// Whether a blob with this hash is stored.
    func contains(sha256: String) throws(UploadError) -> Bool

    /// The path of a stored blob for local readers (`sendfile`, `Range` requests), or nil when the
    /// store is not a local folder or the hash is malformed.
    func localPath(sha256: String) -> String?

    /// The size of a stored blob, or nil when it is not stored.
    func size(sha256: String) throws(UploadError) -> Int64?

    /// Streams a stored blob, or the inclusive byte `range` of it, into `sink` piece by piece;
    /// `sink` returning false stops the read.
    ///
    /// - Throws: ``UploadError`` `not_found` when the blob is missing, `unavailable` when the
    ///   store cannot be reached.
    func read(
        sha256: String, range: ClosedRange<Int64>?, into sink: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(UploadError)

    /// Calls `body` with every stored blob's hash and size, in hash order where the store lists so;
    /// entries that are not blobs of the layout go to `stray` (their path or key).
    func forEachBlob(
        _ body: (_ sha256: String, _ size: Int64) throws(UploadError) -> Void, stray: (String) -> Void
    ) throws(UploadError)

    /// Checks that the store accepts a write now (`/readyz`).
    func checkWritable() throws(UploadError)

    /// Where the blobs are, for logs and `verify` (no credentials).
    var description: String { get }
}

/// What ``BlobStore/add(fileAt:sha256:)`` did.
public struct StoredBlob: Sendable, Equatable {
    /// The content address.
    public var sha256: String
    /// The blob's size in bytes.
    public var size: Int64
    /// True when identical content was already stored (nothing new was written).
    public var alreadyPresent: Bool

    public init(sha256: String, size: Int64, alreadyPresent: Bool) {
        self.sha256 = sha256
        self.size = size
        self.alreadyPresent = alreadyPresent
    }
}

extension BlobStore {
    /// True for 64 lowercase hex characters: the only names a blob may have on disk.
    static func isContentAddress(_ sha256: String) -> Bool {
        sha256.utf8.count == 64 && sha256.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
