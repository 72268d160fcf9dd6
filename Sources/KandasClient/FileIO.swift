import Foundation
import KandasProtocol
import SystemKit

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

/// File-system work of the client; callers run it through SystemKit's `Blocking.run`, so it never occupies
/// Swift's cooperative pool.
enum FileIO {
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
        var header = [UInt8](repeating: 0, count: MediaSniffer.headerLength)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else {
            let code = errno
            throw ClientError(.fileUnreadable, "cannot read \(path): \(String(cString: strerror(code)))", field: field)
        }
        return (Int64(info.st_size), Array(header[0..<count]))
    }

    /// Copies `source` to `destination` durably (SystemKit's ``DurableFile``: temporary file, fsync,
    /// rename, folder fsync). A crash leaves either nothing or the whole copy.
    static func durableCopy(from source: String, to destination: String) throws(ClientError) {
        do { try DurableFile.copy(from: source, to: destination) } catch { throw failure(error) }
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
        do { try DurableFile.write(bytes, to: path, permissions: 0o600) } catch { throw failure(error) }
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

    private static func failure(_ error: SystemError) -> ClientError {
        ClientError(.storage, "\(error.call) \(error.path ?? "") failed: \(error.reason)")
    }
}
