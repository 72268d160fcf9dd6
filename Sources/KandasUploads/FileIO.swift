import Glibc
import HTTPServer
import SystemKit

/// The module's one wrapper around the file system calls it needs.
///
/// Every call retries on `EINTR` and throws ``UploadError`` `internal_error` carrying the call,
/// the path and `errno`, so a disk failure can be debugged from the log line alone.
enum FileIO {
    /// Opens (and with `O_CREAT`, creates) a file; the descriptor is close-on-exec.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(UploadError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .system("open", path: path, errno: errno) }
        }
    }

    /// Writes every byte at `offset` (short writes are continued).
    static func pwriteAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String
    )
        throws(UploadError)
    {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                throw .system("pwrite", path: path, errno: n < 0 ? errno : ENOSPC)
            }
        }
    }

    /// Opens a file for `O_DIRECT` writes, or returns -1 where the file system refuses them
    /// (tmpfs on older kernels, some network file systems): the caller then writes buffered.
    static func openDirect(_ path: String) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | DirectIO.openFlag)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// Writes every byte at `offset`: the whole blocks through `direct` (an `O_DIRECT`
    /// descriptor, -1 for none) when the address is congruent to the offset, the ends buffered.
    ///
    /// Why: a direct write is handed to the device from this buffer, with no copy into the page
    /// cache and no writeback later, so the `fsync` that makes a chunk durable only flushes the
    /// device's cache. The HTTP engine keeps body bytes at addresses congruent to their body
    /// offset, so a PATCH at a block-aligned offset goes direct except for partial blocks where a
    /// read stopped short. A device that refuses the alignment (`EINVAL`) makes `direct` -1 and
    /// every later write buffered. Buffered bytes get their writeback started at once (Linux:
    /// `POSIX_FADV_DONTNEED` on dirty pages queues them without waiting).
    static func write(
        _ fd: Int32, direct: inout Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String
    ) throws(UploadError) {
        guard let base = bytes.baseAddress else { return }
        let block = DirectIO.blockSize
        let phase = Int(offset % Int64(block))
        guard direct >= 0, Int(bitPattern: base) % block == phase else {
            return try writeBuffered(fd, bytes, at: offset, path: path)
        }
        let head = min((block - phase) % block, bytes.count)
        let middle = (bytes.count - head) / block * block
        if head > 0 { try writeBuffered(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<head]), at: offset, path: path) }
        var done = head
        while done < head + middle {
            let n = Glibc.pwrite(direct, base + done, head + middle - done, off_t(offset) + off_t(done))
            if n > 0 {
                done += n
                // A short write leaves the block grid: the rest goes buffered.
                if n % block != 0 { break }
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && errno == EINVAL {
                close(direct)
                direct = -1
                break
            } else {
                throw .system("pwrite(O_DIRECT)", path: path, errno: n < 0 ? errno : ENOSPC)
            }
        }
        if done < bytes.count {
            try writeBuffered(
                fd, UnsafeRawBufferPointer(rebasing: bytes[done...]), at: offset + Int64(done), path: path)
        }
    }

    /// `pwriteAll`, then starts the pages' writeback without waiting for it.
    private static func writeBuffered(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String
    ) throws(UploadError) {
        try pwriteAll(fd, bytes, at: offset, path: path)
        _ = posix_fadvise(fd, off_t(offset), off_t(bytes.count), POSIX_FADV_DONTNEED)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    static func pread(_ fd: Int32, count: Int, at offset: Int64, path: String) throws(UploadError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes {
                Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw .system("pread", path: path, errno: errno)
            }
        }
        return Array(out[0..<done])
    }

    static func fsync(_ fd: Int32, path: String) throws(UploadError) {
        while Glibc.fsync(fd) != 0 {
            if errno != EINTR { throw .system("fsync", path: path, errno: errno) }
        }
    }

    static func truncate(_ fd: Int32, to length: Int64, path: String) throws(UploadError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw .system("ftruncate", path: path, errno: errno) }
        }
    }

    /// Makes a directory entry (a rename, link or new file) durable (SystemKit's ``DurableFile``).
    static func fsyncDirectory(_ path: String) throws(UploadError) {
        do { try DurableFile.syncFolder(path) } catch { throw UploadError(error) }
    }

    /// Creates a directory and its parents (mode 0700); an existing directory is fine.
    static func makeDirectories(_ path: String) throws(UploadError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw .system("mkdir", path: current, errno: errno)
            }
        }
    }

    /// Removes a file; a missing file is not an error.
    static func unlinkIfPresent(_ path: String) throws(UploadError) {
        if Glibc.unlink(path) != 0 && errno != ENOENT { throw .system("unlink", path: path, errno: errno) }
    }

    /// The size of a file, or nil if it does not exist.
    static func size(_ path: String) throws(UploadError) -> Int64? {
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw .system("stat", path: path, errno: errno)
        }
        return Int64(st.st_size)
    }

    /// The names in a directory (without `.` and `..`); empty if it does not exist.
    static func list(_ path: String) throws(UploadError) -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw .system("opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
