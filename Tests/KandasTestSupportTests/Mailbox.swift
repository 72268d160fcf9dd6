import Dispatch
import KandasTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Waits (up to 10 s, polling) for a condition another thread makes true; a bound for hangs, not a timing test.
func eventually(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for _ in 0..<1_000 {
        if condition() { return }
        usleep(10_000)
    }
    Issue.record("condition never became true", sourceLocation: sourceLocation)
    throw TestSupportError("condition never became true")
}

/// One value handed from a server thread to the test.
final class Mailbox<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func put(_ newValue: Value) {
        value.withLock { $0 = newValue }
        ready.signal()
    }

    /// The value, once put; throws after 30 s so a broken proxy fails the test instead of hanging it.
    func take() throws -> Value {
        guard ready.wait(timeout: .now() + 30) == .success, let got = value.withLock({ $0 }) else {
            throw TestSupportError("no value arrived")
        }
        return got
    }
}
