internal import CLinux
import Glibc

/// The outcome of a non-blocking system call: done, or it would have blocked.
///
/// `EAGAIN` is a value, not an error (swift-nio's `IOResult`), so loops can branch on it cheaply.
enum IOResult<T: Equatable>: Equatable {
    case processed(T)
    case wouldBlock
}

/// Runs a system call that returns -1 and sets errno on failure: retries on `EINTR`, returns
/// `.wouldBlock` on `EAGAIN`, and throws ``HTTPError`` carrying the call's name and errno otherwise.
///
/// `EBADF` and `EFAULT` stop the process: a bad descriptor or pointer is a bug here, not a
/// network condition, and continuing could write to an unrelated file.
@inline(__always)
func syscall(_ name: StaticString, _ body: () -> Int) throws(HTTPError) -> IOResult<Int> {
    while true {
        let r = body()
        if r >= 0 { return .processed(r) }
        let e = clinux_errno()
        switch e {
        case EINTR: continue
        case EAGAIN: return .wouldBlock
        case EBADF, EFAULT: preconditionFailure("\(name): errno \(e) (\(String(cString: strerror(e))))")
        default: throw HTTPError.system(name, errno: e)
        }
    }
}

extension HTTPError {
    /// A failed system call, with its name and errno in the detail.
    static func system(_ call: StaticString, errno e: Int32) -> HTTPError {
        HTTPError(
            status: .internalServerError, code: "system_call_failed",
            detail: "\(call): \(String(cString: strerror(e)))", errno: e)
    }

    /// Whether this is a peer going away (reset, broken pipe), which is routine for a server.
    var isDisconnect: Bool {
        guard let e = errno else { return false }
        return e == ECONNRESET || e == EPIPE || e == ENOTCONN || e == ETIMEDOUT || e == EHOSTUNREACH
    }
}

/// The monotonic clock in milliseconds, for timeouts (never wall-clock time).
func monotonicMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

extension Duration {
    var milliseconds: Int64 {
        let (s, a) = components
        return s * 1000 + a / 1_000_000_000_000_000
    }
}
