import Glibc
import SystemKit

/// The engine's system calls go through SystemKit's wrapper (`EINTR` retried, `EAGAIN` a value);
/// here its ``SystemError`` becomes an ``HTTPError`` once.
@inline(__always)
func syscall(_ name: StaticString, _ body: () -> Int) throws(HTTPError) -> IOResult<Int> {
    do {
        return try Syscall.nonBlocking(name, body)
    } catch {
        throw HTTPError(error)
    }
}

extension HTTPError {
    /// A failed system call, with its name and errno in the detail.
    static func system(_ call: StaticString, errno e: Int32) -> HTTPError {
        HTTPError(SystemError("\(call)", errno: e))
    }

    /// A failed system call, with its name and errno in the detail.
    init(_ error: SystemError) {
        self.init(
            status: .internalServerError, code: "system_call_failed", detail: error.description, errno: error.errno)
    }

    /// Whether this is a peer going away (reset, broken pipe), which is routine for a server.
    var isDisconnect: Bool {
        guard let e = errno else { return false }
        return SystemError("", errno: e).isDisconnect
    }
}
