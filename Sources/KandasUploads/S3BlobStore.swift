public import ObjectStore

/// Verified files as objects in an S3-compatible bucket: `[PREFIX/]ab/cd/<sha256>`.
///
/// Names are hashes the server computed. A blob is written once: a `HEAD` finds identical
/// content already stored, and the `PUT` carries `If-None-Match: *` so a concurrent writer of the
/// same content cannot replace it (412 means "already stored"). The `PUT` is signed over the
/// file's SHA-256 (its content address), so the store itself can check the bytes, and `add`
/// returns only after the store confirmed the write: the upload is acknowledged after that.
///
/// ```swift
/// let blobs = S3BlobStore(client: S3Client(configuration: config), prefix: "kandas")
/// let stored = try blobs.add(fileAt: partial, sha256: hex)
/// ```
public struct S3BlobStore: BlobStore {
    public let client: S3Client
    /// Key prefix with a trailing `/`, or empty.
    public let prefix: String

    public init(client: S3Client, prefix: String) {
        self.client = client
        let trimmed = prefix.split(separator: "/").joined(separator: "/")
        self.prefix = trimmed.isEmpty ? "" : trimmed + "/"
    }

    /// The object key of a blob.
    public func key(_ sha256: String) -> String {
        prefix + String(sha256.prefix(2)) + "/" + String(sha256.dropFirst(2).prefix(2)) + "/" + sha256
    }

    public func localPath(sha256: String) -> String? { nil }

    public func contains(sha256: String) throws(UploadError) -> Bool {
        guard Self.isContentAddress(sha256) else { return false }
        do { return try client.headObject(key: key(sha256)) != nil } catch { throw Self.uploadError(error) }
    }

    public func add(fileAt path: String, sha256: String) throws(UploadError) -> StoredBlob {
        guard Self.isContentAddress(sha256) else {
            throw UploadError(.internalError, detail: "not a content address", operation: "blob_add")
        }
        guard let size = try FileIO.size(path) else { throw .system("stat", path: path, errno: 2) }
        let stored: StoredBlob?
        do { stored = try write(fileAt: path, sha256: sha256, size: size) } catch { throw Self.uploadError(error) }
        guard let stored else {
            throw UploadError(
                .unavailable, detail: "the object store did not keep the blob's bytes", operation: "blob_add")
        }
        return stored
    }

    /// Writes the blob unless an object of its size is already there; `nil` when the store still
    /// holds the wrong bytes after two rounds.
    ///
    /// An object of the wrong size under a content address is a write cut short (a `kill -9` mid-`PUT`
    /// left SeaweedFS holding an empty object): it is removed and written again, never taken for the
    /// blob. What a `PUT` stored is checked with a `HEAD`, since some S3-compatible stores do not check
    /// the signed payload hash.
    private func write(fileAt path: String, sha256: String, size: Int64) throws(S3Error) -> StoredBlob? {
        let key = key(sha256)
        for _ in 0..<2 {
            if let existing = try client.headObject(key: key) {
                if existing.size == size { return StoredBlob(sha256: sha256, size: size, alreadyPresent: true) }
                try client.deleteObject(key: key)
            }
            do {
                _ = try client.putObject(key: key, file: path, sha256: sha256, ifNoneMatch: true)
            } catch  where error.kind == .alreadyExists {
                continue  // a concurrent writer of the same content: the next round checks what it stored
            }
            if let written = try client.headObject(key: key), written.size == size {
                return StoredBlob(sha256: sha256, size: size, alreadyPresent: false)
            }
        }
        return nil
    }

    public func size(sha256: String) throws(UploadError) -> Int64? {
        guard Self.isContentAddress(sha256) else { return nil }
        do { return try client.headObject(key: key(sha256))?.size } catch { throw Self.uploadError(error) }
    }

    public func read(
        sha256: String, range: ClosedRange<Int64>?, into sink: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(UploadError) {
        guard Self.isContentAddress(sha256) else {
            throw UploadError(.notFound, detail: "not a content address", operation: "blob_read")
        }
        do {
            try client.getObject(key: key(sha256), range: range, into: sink)
        } catch  where error.kind == .notFound {
            throw UploadError(.notFound, detail: "blob missing", operation: "blob_read")
        } catch {
            throw Self.uploadError(error)
        }
    }

    public func forEachBlob(
        _ body: (_ sha256: String, _ size: Int64) throws(UploadError) -> Void, stray: (String) -> Void
    ) throws(UploadError) {
        var token: String?
        repeat {
            let page: S3ObjectPage
            do { page = try client.listObjects(prefix: prefix, continuation: token) } catch {
                throw Self.uploadError(error)
            }
            for object in page.objects {
                let name = String(object.key.split(separator: "/").last ?? "")
                if object.key == prefix + Self.probeName { continue }
                guard Self.isContentAddress(name), key(name) == object.key else {
                    stray(object.key)
                    continue
                }
                try body(name, object.size)
            }
            token = page.continuation
        } while token != nil
    }

    static let probeName = ".readyz"

    public func checkWritable() throws(UploadError) {
        let probe = prefix + Self.probeName
        do {
            try client.putObject(key: probe, bytes: Array("ok\n".utf8))
        } catch {
            throw Self.uploadError(error)
        }
    }

    public var description: String { "s3://\(client.configuration.bucket)/\(prefix)" }

    /// A store failure as the upload layer reports it: `unavailable` (503 with `Retry-After`; the
    /// client resends, nothing was acknowledged) for anything the store said or did not say, since
    /// an unreachable store, revoked credentials or a deleted bucket are all fixed outside this
    /// request; `internal_error` only for local causes. The operation keeps the S3 code for the
    /// log, never a credential.
    static func uploadError(_ error: S3Error) -> UploadError {
        let local = error.kind == .local || error.kind == .invalidConfiguration
        return UploadError(
            local ? .internalError : .unavailable,
            detail: local ? nil : "the evidence store is unavailable; retry later",
            operation: error.description)
    }
}
