import Dispatch
import Synchronization
import SystemKit

/// A small pool of PostgreSQL connections, usable from any thread or task.
///
/// Each connection is confined to its own serial `DispatchQueue`, so blocking libpq calls never
/// run on Swift's cooperative pool: async callers suspend until the queue has run their closure
/// (as `SQLiteKit.DatabasePool` does). Connections are opened lazily (the first one at `init`,
/// so a wrong URL fails at start), and one that broke is dropped and reopened on its next use:
/// a database that went away and came back needs no restart.
///
/// - Important: the `Sync` variants block the calling thread; call them only from dedicated
///   threads (HTTP handler threads, command-line tools), never from a Swift task.
public final class PostgresPool: Sendable {
    public let url: PostgresURL
    public let size: Int
    let options: PostgresConnection.Options
    /// The slots' free list and the FIFO of callers waiting for one (SystemKit's `CheckoutQueue`).
    private let slots: CheckoutQueue<PostgresSlot>
    /// Set on every slot's queue, so a call from inside a pool closure can be recognised.
    private let queueKey = DispatchSpecificKey<ObjectIdentifier>()

    /// Opens the first connection (checking the URL and the server) and prepares `size` slots.
    ///
    /// - Throws: `PostgresError` of kind `.connection` when the server cannot be reached or refuses.
    public init(url: PostgresURL, size: Int = 4, options: PostgresConnection.Options = .init()) throws(PostgresError) {
        let first = try PostgresConnection(url: url, options: options)
        var slots: [PostgresSlot] = []
        for index in 0..<max(1, size) {
            slots.append(PostgresSlot(label: "PostgresKit.connection.\(index)", connection: index == 0 ? first : nil))
        }
        self.url = url
        self.size = slots.count
        self.options = options
        // Popped from the end: the open connection is used first.
        self.slots = CheckoutQueue(free: slots.reversed())
        for slot in slots { slot.queue.setSpecific(key: queueKey, value: ObjectIdentifier(self)) }
    }

    /// `true` when called from inside a closure running on one of this pool's connections (a
    /// blocking call into the pool from there could wait for itself).
    public var isCurrentThreadInPool: Bool { DispatchQueue.getSpecific(key: queueKey) == ObjectIdentifier(self) }

    // MARK: Async

    /// Runs `body` on a pooled connection, outside any transaction.
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let carrier = PostgresClosureCarrier(body)
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                acquire { slot in
                    guard let slot else {
                        carrier.discard()
                        continuation.resume(throwing: PostgresError.poolClosed)
                        return
                    }
                    slot.queue.async {
                        let result = carrier.run(on: slot, url: self.url, options: self.options)
                        self.release(slot)
                        continuation.resume(with: result)
                    }
                }
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection; commits on return, rolls back on throw.
    @discardableResult
    public func transaction<T: Sendable>(
        _ isolation: PostgresIsolation = .readCommitted, _ body: @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in try connection.transaction(isolation) { try body(connection) } }
    }

    // MARK: Blocking

    /// Blocking `withConnection`, for callers on a dedicated (non-cooperative) thread.
    public func withConnectionSync<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let slot = try checkoutBlocking()
        defer { release(slot) }
        return try slot.queue.sync { try slot.use(url: url, options: options, body) }
    }

    /// Blocking `transaction`, for callers on a dedicated (non-cooperative) thread.
    @discardableResult
    public func transactionSync<T>(
        _ isolation: PostgresIsolation = .readCommitted, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        try withConnectionSync { connection in try connection.transaction(isolation) { try body(connection) } }
    }

    /// Takes one connection out of the pool until `release` is called on the lease, for work that
    /// holds a session across several steps (a session advisory lock held during an upload).
    public func lease() async throws -> PostgresLease {
        let slot: PostgresSlot = try await withCheckedThrowingContinuation { continuation in
            acquire { slot in
                if let slot {
                    continuation.resume(returning: slot)
                } else {
                    continuation.resume(throwing: PostgresError.poolClosed)
                }
            }
        }
        return PostgresLease(pool: self, slot: slot)
    }

    /// Blocking `lease`, for callers on a dedicated (non-cooperative) thread.
    public func leaseSync() throws -> PostgresLease {
        PostgresLease(pool: self, slot: try checkoutBlocking())
    }

    /// Closes every connection once its current work is done; later calls throw `.closed`.
    public func close() {
        for slot in slots.close() { slot.queue.sync { slot.connection = nil } }
    }

    // MARK: Free list

    private func acquire(_ handler: @escaping @Sendable (PostgresSlot?) -> Void) {
        slots.acquire(handler)
    }

    func release(_ slot: PostgresSlot) {
        if !slots.release(slot) { slot.queue.async { slot.connection = nil } }
    }

    private func checkoutBlocking() throws(PostgresError) -> PostgresSlot {
        guard let slot = slots.acquireBlocking() else { throw PostgresError.poolClosed }
        return slot
    }
}

/// One connection held out of the pool until `release()` (or deinit).
///
/// Its closures run on the connection's own serial queue, one at a time, in call order.
public final class PostgresLease: Sendable {
    private let pool: PostgresPool
    private let slot: PostgresSlot
    private let released = Atomic<Bool>(false)

    init(pool: PostgresPool, slot: PostgresSlot) {
        self.pool = pool
        self.slot = slot
    }

    deinit { release() }

    /// Runs `body` on the leased connection.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        guard !released.load(ordering: .acquiring) else { throw PostgresError.misuse("lease already released") }
        let slot = self.slot
        let pool = self.pool
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                continuation.resume(with: Result { try slot.use(url: pool.url, options: pool.options, body) })
            }
        }
    }

    /// Blocking `run`, for callers on a dedicated (non-cooperative) thread.
    public func runSync<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard !released.load(ordering: .acquiring) else { throw PostgresError.misuse("lease already released") }
        return try slot.queue.sync { try slot.use(url: pool.url, options: pool.options, body) }
    }

    /// Gives the connection back to the pool; session advisory locks still held are released first.
    ///
    /// Returns at once: the unlock runs on the connection's queue right after work already queued there.
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let slot = self.slot
        let pool = self.pool
        slot.queue.async {
            if let connection = slot.connection, !connection.isBroken {
                do { try connection.execute("SELECT pg_advisory_unlock_all()") } catch { slot.connection = nil }
            }
            pool.release(slot)
        }
    }
}
