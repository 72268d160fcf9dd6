import Glibc
import SystemKit

/// A content-addressed blob folder: `<root>/ab/cd/<64 hex>`.
///
/// Only hashes the server computed become names on disk, never a client-chosen name. A file is
/// published with `link(2)`, which, like `rename(2)`, makes the complete file appear atomically
/// under its final name, but never replaces an existing blob and leaves the source in place:
/// the upload's partial file stays valid until the database says `verified`, so a failed commit
/// loses nothing. Durability: the file is `fsync`ed before the link and the folder after it.
///
/// ```swift
/// let blobs = try LocalBlobStore(root: "data/blobs")
/// let stored = try blobs.add(fileAt: partial, sha256: hex)
/// ```
public struct LocalBlobStore: BlobStore {
    /// The blob folder.
    public let root: String

    /// Opens (creating if needed) a blob folder.
    ///
    /// - Throws: ``UploadError`` `internal_error` if the folder cannot be created.
    public init(root: String) throws(UploadError) {
        self.root = root
        try FileIO.makeDirectories(root)
    }

    public func localPath(sha256: String) -> String? {
        guard Self.isContentAddress(sha256) else { return nil }
        return path(sha256)
    }

    public func contains(sha256: String) throws(UploadError) -> Bool {
        guard Self.isContentAddress(sha256) else { return false }
        return try FileIO.size(path(sha256)) != nil
    }

    public func add(fileAt source: String, sha256: String) throws(UploadError) -> StoredBlob {
        guard Self.isContentAddress(sha256) else {
            throw UploadError(.internalError, detail: "not a content address", operation: "blob_add")
        }
        let fd = try FileIO.open(source, O_RDONLY)
        defer { close(fd) }
        try FileIO.fsync(fd, path: source)
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system("fstat", path: source, errno: errno) }
        let size = Int64(st.st_size)

        let first = root + "/" + String(sha256.prefix(2))
        let second = first + "/" + String(sha256.dropFirst(2).prefix(2))
        try makeDurableDirectory(first, parent: root)
        try makeDurableDirectory(second, parent: first)
        let target = second + "/" + sha256
        if link(source, target) != 0 {
            switch errno {
            case EEXIST:
                // Identical content is already stored: keep that copy, the caller drops its own.
                return StoredBlob(sha256: sha256, size: size, alreadyPresent: true)
            case EXDEV:
                try copyIn(source: source, target: target)
            default:
                throw .system("link", path: target, errno: errno)
            }
        }
        try FileIO.fsyncDirectory(second)
        return StoredBlob(sha256: sha256, size: size, alreadyPresent: false)
    }

    public func size(sha256: String) throws(UploadError) -> Int64? {
        guard Self.isContentAddress(sha256) else { return nil }
        return try FileIO.size(path(sha256))
    }

    public func read(
        sha256: String, range: ClosedRange<Int64>?, into sink: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(UploadError) {
        guard Self.isContentAddress(sha256) else {
            throw UploadError(.notFound, detail: "not a content address", operation: "blob_read")
        }
        let file = path(sha256)
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw UploadError(.notFound, detail: "blob missing", operation: "blob_read") }
            throw .system("open", path: file, errno: errno)
        }
        defer { close(fd) }
        var offset = range?.lowerBound ?? 0
        let end = range.map { $0.upperBound + 1 } ?? Int64.max
        while offset < end {
            let chunk = try FileIO.pread(fd, count: Int(min(1 << 20, end - offset)), at: offset, path: file)
            if chunk.isEmpty { break }
            guard chunk.withUnsafeBytes(sink) else { return }
            offset += Int64(chunk.count)
        }
    }

    public func forEachBlob(
        _ body: (_ sha256: String, _ size: Int64) throws(UploadError) -> Void, stray: (String) -> Void
    ) throws(UploadError) {
        for first in try FileIO.list(root).sorted() {
            let firstPath = root + "/" + first
            guard first.utf8.count == 2, isDirectory(firstPath) else {
                if !first.hasPrefix(".ready-") { stray(first) }
                continue
            }
            for second in try FileIO.list(firstPath).sorted() {
                let secondPath = firstPath + "/" + second
                guard second.utf8.count == 2, isDirectory(secondPath) else {
                    stray(first + "/" + second)
                    continue
                }
                for name in try FileIO.list(secondPath).sorted() {
                    let relative = first + "/" + second + "/" + name
                    guard Self.isContentAddress(name), path(name) == root + "/" + relative,
                        let size = try FileIO.size(root + "/" + relative)
                    else {
                        stray(relative)
                        continue
                    }
                    try body(name, size)
                }
            }
        }
    }

    public func checkWritable() throws(UploadError) {
        let probe = root + "/.ready-\(UInt64.random(in: 0...UInt64.max))"
        let fd = try FileIO.open(probe, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        close(fd)
        unlink(probe)
    }

    public var description: String { "file:" + root }

    func path(_ sha256: String) -> String {
        root + "/" + String(sha256.prefix(2)) + "/" + String(sha256.dropFirst(2).prefix(2)) + "/" + sha256
    }

    private func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a fan-out folder once, with its entry made durable in the parent.
    private func makeDurableDirectory(_ path: String, parent: String) throws(UploadError) {
        if mkdir(path, 0o700) == 0 {
            try FileIO.fsyncDirectory(parent)
        } else if errno != EEXIST {
            throw .system("mkdir", path: path, errno: errno)
        }
    }

    /// When the source is on another file system: SystemKit's durable copy (temporary name, fsync,
    /// rename, folder fsync).
    private func copyIn(source: String, target: String) throws(UploadError) {
        do { try DurableFile.copy(from: source, to: target, permissions: 0o600) } catch { throw UploadError(error) }
    }
}
