import Crypto
import Glibc

/// Copies every blob of one store into another, resumably and verified (`kandas-server blobs copy`).
///
/// A blob already in the target with the same size is skipped, so an interrupted copy just runs
/// again. Every copied blob is re-hashed from the source bytes on the way (a local file first,
/// an S3 object streamed into a scratch file) and written only if the bytes hash to its name;
/// the target's `add` is the same write-once path uploads use, and its size is checked after.
public enum BlobCopier {
    public struct Report: Sendable, Equatable {
        public var copied = 0
        public var skipped = 0
        public var bytes: Int64 = 0
        /// Blobs that could not be copied (`mismatch`, `stray`, store errors), one line each.
        public var problems: [String] = []
    }

    /// Copies `source` into `target`, using `scratch` (a folder) for objects that must be
    /// downloaded first.
    ///
    /// - Throws: ``UploadError`` when a store cannot be listed or the scratch folder is unusable;
    ///   per-blob failures go to the report and the copy goes on.
    public static func copy(
        from source: any BlobStore, to target: any BlobStore, scratch: String,
        progress: (String) -> Void = { _ in }
    ) throws(UploadError) -> Report {
        try FileIO.makeDirectories(scratch)
        var report = Report()
        try source.forEachBlob(
            { sha256, size throws(UploadError) in
                if try target.size(sha256: sha256) == size {
                    report.skipped += 1
                    return
                }
                do throws(UploadError) {
                    try copyOne(sha256, size: size, from: source, to: target, scratch: scratch)
                    report.copied += 1
                    report.bytes += size
                    progress("copied \(sha256) (\(size) bytes)")
                } catch {
                    report.problems.append("\(sha256): \(error.detail ?? error.operation ?? error.code.rawValue)")
                }
            }, stray: { report.problems.append("stray \($0): not a blob of the content-addressed layout") })
        return report
    }

    private static func copyOne(
        _ sha256: String, size: Int64, from source: any BlobStore, to target: any BlobStore, scratch: String
    ) throws(UploadError) {
        let file: String
        var temporary: String?
        defer { if let temporary { unlink(temporary) } }
        if let path = source.localPath(sha256: sha256) {
            let digest: String
            do { digest = try SHA256.hash(fileAt: path).hex } catch {
                throw UploadError(.internalError, detail: "unreadable: \(error)", operation: "blob_copy")
            }
            guard digest == sha256 else {
                throw UploadError(.internalError, detail: "mismatch: bytes hash to \(digest)", operation: "blob_copy")
            }
            file = path
        } else {
            let path = scratch + "/copy-" + sha256
            temporary = path
            let digest = try download(sha256, from: source, to: path)
            guard digest == sha256 else {
                throw UploadError(.internalError, detail: "mismatch: bytes hash to \(digest)", operation: "blob_copy")
            }
            file = path
        }
        _ = try target.add(fileAt: file, sha256: sha256)
        guard try target.size(sha256: sha256) == size else {
            throw UploadError(
                .internalError, detail: "the target holds another size after the copy", operation: "blob_copy")
        }
    }

    /// Streams a blob into a new file while hashing it; returns the hex SHA-256.
    static func download(_ sha256: String, from source: any BlobStore, to path: String) throws(UploadError) -> String {
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        defer { close(fd) }
        var hasher = SHA256()
        var offset: Int64 = 0
        var failure: UploadError?
        try source.read(sha256: sha256, range: nil) { piece in
            hasher.update(piece)
            do throws(UploadError) {
                try FileIO.pwriteAll(fd, piece, at: offset, path: path)
            } catch {
                failure = error
                return false
            }
            offset += Int64(piece.count)
            return true
        }
        if let failure { throw failure }
        try FileIO.fsync(fd, path: path)
        return hasher.finalize().hex
    }

    /// Re-hashes one stored blob by streaming it; returns the hex SHA-256 and the bytes read.
    public static func hash(
        _ sha256: String, in store: any BlobStore
    ) throws(UploadError) -> (digest: String, size: Int64) {
        var hasher = SHA256()
        var size: Int64 = 0
        try store.read(sha256: sha256, range: nil) { piece in
            hasher.update(piece)
            size += Int64(piece.count)
            return true
        }
        return (hasher.finalize().hex, size)
    }
}
