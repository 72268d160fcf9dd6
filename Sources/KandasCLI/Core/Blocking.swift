import Foundation

/// Runs blocking work (a terminal read, a large file read or write) on its own thread, never on Swift's
/// cooperative pool, and awaits its result.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "kandas-blocking"
            thread.start()
        }
    }
}
