import Glibc

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

    /// Makes a directory entry (a rename, link or new file) durable.
    static func fsyncDirectory(_ path: String) throws(UploadError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
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
