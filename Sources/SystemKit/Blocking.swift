import Dispatch

/// The one way to run blocking work (a file read or write, `fsync`, a terminal read) off Swift's
/// cooperative pool: a concurrent dispatch queue, whose threads may block without starving the
/// pool's few threads (one per core).
///
/// The HTTP engine's handler pool is the other place blocking work runs; it is a bounded queue
/// of synchronous jobs with admission control (503 when full), not an `await`, and stays in
/// `HTTPServer`.
public enum Blocking {
    private static let queue = DispatchQueue(label: "SystemKit.blocking", qos: .utility, attributes: .concurrent)

    /// Runs `body` on the blocking queue and resumes the caller with its result or error.
    public static func run<T: Sendable, E: Error>(
        _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(E) in try body() }) }
        }
        return try result.get()
    }
}
