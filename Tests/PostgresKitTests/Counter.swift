import Synchronization

/// A thread-safe counter for tests that count outcomes across threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add(_ n: Int = 1) { count.withLock { $0 += n } }
    var value: Int { count.withLock { $0 } }
}
