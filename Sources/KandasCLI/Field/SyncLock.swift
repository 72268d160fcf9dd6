import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on `HOME/sync.lock` so two `kandas sync` processes never work on one store at once.
///
/// The client core guards against concurrent syncs inside one process only; two processes would both
/// push (harmless: events are deduplicated) and both upload the same files (wasteful and confusing).
/// `flock` is released by the kernel when the process ends, also on `kill -9`, so a stale lock is impossible.
final class SyncLock {
    private let descriptor: Int32

    /// Takes the lock without waiting.
    ///
    /// - Throws: `CLIError.runtime` when another process holds it or the file cannot be opened.
    init(home: String) throws(CLIError) {
        try? FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = home + "/sync.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .runtime(
                "cannot open \(path): \(String(cString: strerror(errno)))",
                hint: "check that the home folder is writable")
        }
        // LOCK_NB: never block (and never on Swift's cooperative pool); a busy lock is reported at once.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .runtime(
                "another kandas sync is running on \(home)", hint: "wait for it to finish, then run kandas sync again",
                code: "sync_running")
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
