#if canImport(CLinux)
internal import CLinux
#endif
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

/// The outcome of a non-blocking system call: done, or it would have blocked.
///
/// `EAGAIN` is a value, not an error (swift-nio's `IOResult`), so loops can branch on it cheaply.
public enum IOResult<T: Equatable>: Equatable {
    case processed(T)
    case wouldBlock
}

/// The one wrapper around raw system calls: `EINTR` retried, `EAGAIN` a value, `errno` read once.
public enum Syscall {
    /// `errno` of this thread.
    @inline(__always)
    public static var errno: Int32 {
        #if canImport(CLinux)
        clinux_errno()
        #else
        #if canImport(Glibc)
        Glibc.errno
        #elseif canImport(Musl)
        Musl.errno
        #elseif canImport(Android)
        Android.errno
        #else
        Darwin.errno
        #endif
        #endif
    }

    /// Runs a system call that returns -1 and sets errno on failure: retries on `EINTR`, returns
    /// `.wouldBlock` on `EAGAIN`, and throws ``SystemError`` carrying the call's name and errno otherwise.
    ///
    /// `EBADF` and `EFAULT` stop the process: a bad descriptor or pointer is a bug here, not a
    /// network condition, and continuing could write to an unrelated file.
    @inline(__always)
    public static func nonBlocking(_ name: StaticString, _ body: () -> Int) throws(SystemError) -> IOResult<Int> {
        while true {
            let r = body()
            if r >= 0 { return .processed(r) }
            let e = errno
            switch e {
            case EINTR: continue
            case EAGAIN: return .wouldBlock
            case EBADF, EFAULT: preconditionFailure("\(name): errno \(e) (\(String(cString: strerror(e))))")
            default: throw SystemError("\(name)", errno: e)
            }
        }
    }

    /// Runs a blocking system call that returns -1 and sets errno on failure, retrying on `EINTR`.
    ///
    /// - Returns: the call's non-negative result.
    /// - Throws: ``SystemError`` with the call's name, `path` and errno.
    @inline(__always)
    @discardableResult
    public static func retrying(
        _ name: StaticString, path: String? = nil, _ body: () -> Int
    ) throws(SystemError) -> Int {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = errno
            if e != EINTR { throw SystemError("\(name)", path: path, errno: e) }
        }
    }

    /// ``retrying(_:path:_:)`` for calls returning `Int32`.
    @inline(__always)
    @discardableResult
    public static func retrying(
        _ name: StaticString, path: String? = nil, _ body: () -> Int32
    ) throws(SystemError) -> Int32 {
        Int32(try retrying(name, path: path) { Int(body()) })
    }
}

/// The monotonic clock in milliseconds, for timeouts (never wall-clock time).
public func monotonicMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

extension Duration {
    /// The duration in whole milliseconds.
    public var milliseconds: Int64 {
        let (s, a) = components
        return s * 1000 + a / 1_000_000_000_000_000
    }
}
