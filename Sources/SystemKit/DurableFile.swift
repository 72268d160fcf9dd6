#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#else
#error("unsupported platform: add its C library here")
#endif

/// The one durable file write: a temporary file in the destination's folder, `fsync`, then
/// `rename` (replace) or `link` (never replace) into place, then `fsync` of the folder.
///
/// A crash leaves either the old state or the whole new file, never a part of it; the folder
/// `fsync` makes the new name itself survive a power loss. Used by the client's store copies
/// and secrets, the CLI's session and downloads, the server's port file, SQLite backups and
/// the blob store.
public enum DurableFile {
    /// How a finished temporary file takes its place.
    public enum Placement: Sendable {
        /// `rename(2)`: an existing file at the destination is replaced atomically.
        case replace
        /// `link(2)`: an existing file at the destination is an error (`EEXIST`), never replaced.
        case create
    }

    /// Writes `bytes` to `path` durably, with `permissions` (e.g. `0o600` for secrets).
    public static func write(
        _ bytes: [UInt8], to path: String, permissions: Int = 0o600, placement: Placement = .replace
    ) throws(SystemError) {
        try write(to: path, permissions: permissions, placement: placement) { fd, temporary throws(SystemError) in
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(SystemError) in try writeAll(fd, raw, path: temporary) }
            }
            try result.get()
        }
    }

    /// Copies the file at `source` to `destination` durably.
    public static func copy(
        from source: String, to destination: String, permissions: Int = 0o600, placement: Placement = .replace
    ) throws(SystemError) {
        let input = try openFile(source, O_RDONLY)
        defer { close(input) }
        try write(to: destination, permissions: permissions, placement: placement) {
            output, temporary throws(SystemError) in
            try copyAll(from: input, source: source, to: output, path: temporary)
        }
    }

    /// Creates a temporary file next to `path`, lets `fill` write it (descriptor and temporary
    /// path), then fsyncs it and places it at `path`. The temporary file is gone afterwards,
    /// whether this succeeded or not.
    public static func write(
        to path: String, permissions: Int = 0o600, placement: Placement = .replace,
        _ fill: (Int32, String) throws(SystemError) -> Void
    ) throws(SystemError) {
        let temporary = temporaryPath(for: path)
        let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_EXCL, permissions: permissions)
        var closed = false
        defer {
            if !closed { close(fd) }
            unlink(temporary)
        }
        // The umask must not widen or narrow what the caller asked for.
        try Syscall.retrying("fchmod", path: temporary) { fchmod(fd, mode_t(permissions)) }
        try fill(fd, temporary)
        try Syscall.retrying("fsync", path: temporary) { fsync(fd) }
        close(fd)
        closed = true
        try place(temporary, at: path, placement: placement)
    }

    /// Puts an already written and synced file at `path` (`rename` or `link`, the temporary name
    /// removed), then syncs the folder so the new name is durable.
    public static func place(_ temporary: String, at path: String, placement: Placement) throws(SystemError) {
        switch placement {
        case .replace:
            try Syscall.retrying("rename", path: path) { rename(temporary, path) }
        case .create:
            try Syscall.retrying("link", path: path) { link(temporary, path) }
            unlink(temporary)
        }
        try syncFolder(containing: path)
    }

    /// Makes a folder's entries (a rename, link or new file in it) durable.
    public static func syncFolder(_ folder: String) throws(SystemError) {
        let fd = try openFile(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try Syscall.retrying("fsync", path: folder) { fsync(fd) }
    }

    /// ``syncFolder(_:)`` of the folder holding `path`.
    public static func syncFolder(containing path: String) throws(SystemError) {
        try syncFolder(folder(of: path))
    }

    /// The folder part of `path` (`.` for a bare name).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// A fresh name in `path`'s folder, hidden and unique enough not to collide with a
    /// concurrent writer of the same destination.
    public static func temporaryPath(for path: String) -> String {
        let random = UInt64.random(in: 0...UInt64.max)
        return folder(of: path) + "/.tmp-" + String(random, radix: 16)
    }

    /// Opens `path` close-on-exec, retrying on `EINTR`.
    public static func openFile(_ path: String, _ flags: Int32, permissions: Int = 0o600) throws(SystemError) -> Int32 {
        try Syscall.retrying("open", path: path) { open(path, flags | O_CLOEXEC, mode_t(permissions)) }
    }

    /// Writes every byte of `bytes` to `fd` (short writes continued).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            done += try Syscall.retrying("write", path: path) { posixWrite(fd, base + done, bytes.count - done) }
        }
    }

    private static func copyAll(from input: Int32, source: String, to output: Int32, path: String) throws(SystemError) {
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let n = try Syscall.retrying("read", path: source) { read(input, buffer, size) }
            if n == 0 { return }
            try writeAll(output, UnsafeRawBufferPointer(start: buffer, count: n), path: path)
        }
    }
}

/// `write(2)`, named apart from ``DurableFile``'s own `write` methods.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
