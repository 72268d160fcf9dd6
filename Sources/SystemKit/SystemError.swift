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

/// A failed system call: its name, the path it worked on (if any) and `errno`.
///
/// Each module maps it to its own error once (the HTTP engine to `HTTPError`, uploads to
/// `UploadError`, the client to `ClientError`), so a disk or socket failure can be debugged
/// from the log line alone.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`open`, `fsync`, `epoll_ctl` …).
    public var call: String
    /// The file or folder it worked on, if any.
    public var path: String?
    /// `errno` after the call.
    public var errno: Int32

    public init(_ call: String, path: String? = nil, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    /// `strerror` of ``errno``.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        if let path { return "\(call) \(path): \(reason)" }
        return "\(call): \(reason)"
    }

    /// Whether this is a peer going away (reset, broken pipe), which is routine for a server.
    public var isDisconnect: Bool {
        errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN || errno == ETIMEDOUT || errno == EHOSTUNREACH
    }
}
