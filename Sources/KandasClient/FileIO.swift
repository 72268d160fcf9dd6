import Dispatch
import Foundation

// The C library by platform: Glibc on Linux (the tested branch), Musl on static Linux, Bionic on Android
// (Swift SDK for Android), Darwin on Apple platforms. Only POSIX calls present in all four are used here.
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

/// Blocking file-system work of the client, run on a dispatch queue so it never occupies Swift's cooperative pool.
enum FileIO {
    private static let queue = DispatchQueue(label: "KandasClient.files", qos: .utility, attributes: .concurrent)

    /// Runs `body` on the file queue and resumes the caller with its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Size of a regular file, or the reason it cannot be used as evidence.
    static func inspect(_ path: String, field: String) throws(ClientError) -> (size: Int64, header: [UInt8]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw ClientError(.fileMissing, "no file at \(path)", field: field)
            }
            throw ClientError(.fileUnreadable, "cannot stat \(path): \(String(cString: strerror(code)))", field: field)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ClientError(.fileUnreadable, "\(path) is not a regular file", field: field)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ClientError(.fileUnreadable, "cannot open \(path): \(String(cString: strerror(code)))", field: field)
        }
        defer { close(fd) }
        guard info.st_size > 0 else { throw ClientError(.fileEmpty, "\(path) is empty", field: field) }
        var header = [UInt8](repeating: 0, count: ContentSniffer.headerLength)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else {
            let code = errno
            throw ClientError(.fileUnreadable, "cannot read \(path): \(String(cString: strerror(code)))", field: field)
        }
        return (Int64(info.st_size), Array(header[0..<count]))
    }

    /// Copies `source` to `destination` durably: write a temporary file in the same folder, fsync it,
    /// rename it into place, fsync the folder. A crash leaves either nothing or the whole copy.
    static func durableCopy(from source: String, to destination: String) throws(ClientError) {
        let folder = (destination as NSString).deletingLastPathComponent
        let temporary = folder + "/.tmp-" + UUID().uuidString.lowercased()
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("open", source) }
        defer { close(input) }
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw failure("create", temporary) }
        var ok = false
        defer {
            close(output)
            if !ok { unlink(temporary) }
        }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer, size)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read", source)
            }
            var written = 0
            while written < n {
                let w = write(output, buffer + written, n - written)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", temporary)
                }
                written += w
            }
        }
        guard fsync(output) == 0 else { throw failure("fsync", temporary) }
        guard rename(temporary, destination) == 0 else { throw failure("rename", destination) }
        ok = true
        syncFolder(folder)
    }

    /// Makes a folder (and its parents) with mode 0700: the store holds tokens and personal data.
    static func makeFolder(_ path: String) throws(ClientError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ClientError(.storage, "cannot create folder \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` atomically with mode 0600 (temporary file, fsync, rename, folder fsync).
    static func writeSecret(_ bytes: [UInt8], to path: String) throws(ClientError) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/.tmp-" + UUID().uuidString.lowercased()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create", temporary) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw failure("write", temporary) }
        guard rename(temporary, path) == 0 else { throw failure("rename", path) }
        ok = true
        syncFolder(folder)
    }

    /// Removes a file; a missing file is not an error (removal is idempotent).
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Whether a path exists.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        // Durability of the rename; a failure here leaves the data itself intact.
        _ = fsync(fd)
        close(fd)
    }

    private static func failure(_ operation: String, _ path: String) -> ClientError {
        let code = errno
        return ClientError(.storage, "\(operation) \(path) failed: \(String(cString: strerror(code)))")
    }
}
