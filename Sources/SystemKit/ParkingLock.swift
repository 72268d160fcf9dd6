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

/// A lock around `State` whose waiters sleep in the kernel at once (the C library's default
/// mutex), for locks that many threads take briefly on a machine with fewer cores than threads.
///
/// Synchronization's `Mutex` spins before it sleeps; with 8 handler threads on 2 cores, the reader
/// pool's checkout lock spun for about a quarter of a polling server's CPU (`perf`, issue 15).
///
/// `withLock` is inlinable, so each caller gets it specialized to its own `State` and result:
/// unspecialized, every call looked up generic metadata at run time (~1% of a poll's CPU, issue 15).
public final class ParkingLock<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var state: State

    public init(_ state: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.state = state
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the state, holding the lock.
    @inlinable
    public func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body(&state)
    }

    @usableFromInline func lock() { pthread_mutex_lock(mutex) }

    @usableFromInline func unlock() { pthread_mutex_unlock(mutex) }
}
