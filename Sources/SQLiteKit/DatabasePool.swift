import Dispatch
import Synchronization
import SystemKit

/// One writer and several readers on one WAL database, usable from any thread or task.
///
/// Each connection is confined to its own serial `DispatchQueue`, so blocking SQLite calls never
/// run on Swift's cooperative pool: async callers suspend until the queue has run their closure.
/// Writes are serialized on the single writer, each in a `BEGIN IMMEDIATE` transaction. Reads run
/// on a bounded set of reader connections (`PRAGMA query_only`) handed out from a free list; in
/// WAL mode they see a stable snapshot for the whole closure and are not blocked by the writer.
///
/// ```swift
/// let pool = try DatabasePool(path: "data/kandas.sqlite", migrator: migrator)
/// try await pool.write { db in try db.run("INSERT INTO t(x) VALUES (?)", 1) }
/// let n = try await pool.read { db in try db.scalar("SELECT count(*) FROM t") }
/// ```
///
/// - Important: the `Sync` variants block the calling thread; call them only from dedicated
///   threads (HTTP handler threads, command-line tools), never from a Swift task.
public final class DatabasePool: Sendable {
    /// The database file.
    public let path: String
    /// Number of reader connections.
    public let readerCount: Int
    let writer: ConnectionSlot
    /// Runs the writer's WAL checkpoints off the commit path; `nil` when they are switched off
    /// (`walAutocheckpointPages` of 0).
    let checkpointer: Checkpointer?
    /// The readers' free list and the FIFO of callers waiting for one (SystemKit's `CheckoutQueue`).
    private let readers: CheckoutQueue<ConnectionSlot>
    private let writerKey = DispatchSpecificKey<ObjectIdentifier>()

    /// Opens the writer (creating the file), runs `migrator`, then opens `readers` readers.
    ///
    /// - Throws: `SQLiteError` when a connection cannot be opened or a migration fails;
    ///   `.misuse` for `":memory:"` (each connection would see a different database).
    /// - Parameter readerCacheKiB: each reader's page cache, when not `options.cacheSizeKiB`.
    public init(
        path: String, readers: Int = 4, options: Connection.Options = .init(), migrator: Migrator? = nil,
        readerCacheKiB: Int? = nil
    )
        throws
    {
        guard path != ":memory:", !path.isEmpty else {
            throw SQLiteError.misuse("DatabasePool needs a database file, not \(path.isEmpty ? "\"\"" : path)")
        }
        // The writer's temporary files are statement journals and savepoint sub-journals: every
        // page a statement or savepoint changes is copied there first. On disk that was most of
        // what a sync push wrote (one write syscall per page); in memory it is bounded by the
        // pages one statement or savepoint touches. Readers keep files for large sorts.
        var writerOptions = options
        if writerOptions.tempStore == nil { writerOptions.tempStore = .memory }
        // At SQLite's 1000 pages a 500-event push (about 3 MB of WAL) checkpointed on nearly every
        // commit, copying the same right-edge index pages again each time; 8000 pages (32 MB of WAL)
        // copies each page once per several commits. Durability is the WAL's fsync either way.
        if writerOptions.walAutocheckpointPages == nil { writerOptions.walAutocheckpointPages = 8000 }
        let writerConnection = try Connection(path: path, options: writerOptions)
        try migrator?.migrate(writerConnection)
        // Migrations checkpoint inside their commits as usual; from here on the checkpointer copies
        // the WAL on its own queue (see `Checkpointer`) instead of the commit that crossed the threshold.
        let pages = writerOptions.walAutocheckpointPages ?? 0
        if pages > 0 {
            var checkpointerOptions = options
            checkpointerOptions.writeTracePath = nil
            let checkpointer = try Checkpointer(path: path, options: checkpointerOptions, thresholdPages: pages)
            writerConnection.handCheckpoints(to: checkpointer)
            self.checkpointer = checkpointer
        } else {
            self.checkpointer = nil
        }
        var readerOptions = options
        readerOptions.journalMode = nil
        readerOptions.queryOnly = true
        readerOptions.writeTracePath = nil
        if let readerCacheKiB { readerOptions.cacheSizeKiB = readerCacheKiB }
        var slots: [ConnectionSlot] = []
        for index in 0..<max(1, readers) {
            let connection = try Connection(path: path, options: readerOptions)
            slots.append(ConnectionSlot(label: "SQLiteKit.reader.\(index)", connection: connection))
        }
        self.path = path
        self.readerCount = slots.count
        self.writer = ConnectionSlot(
            label: "SQLiteKit.writer", connection: writerConnection, callbackTarget: checkpointer)
        self.readers = CheckoutQueue(free: slots)
        writer.queue.setSpecific(key: writerKey, value: ObjectIdentifier(writer))
    }

    // MARK: Writes

    /// Runs `body` on the writer inside `BEGIN IMMEDIATE`; commits on return, rolls back on throw.
    @discardableResult
    public func write<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let carrier = ClosureCarrier(body)
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let writer = self.writer
                writer.queue.async {
                    let result = carrier.run(on: writer, .immediate)
                    continuation.resume(with: result)
                }
            }
        }
    }

    /// Blocking `write`, for callers on a dedicated (non-cooperative) thread.
    ///
    /// - Throws: `.misuse` when called from inside a write closure (that would deadlock; use
    ///   the connection the closure was given).
    @discardableResult
    public func writeSync<T>(_ body: (Connection) throws -> T) throws -> T {
        guard DispatchQueue.getSpecific(key: writerKey) != ObjectIdentifier(writer) else {
            throw SQLiteError.misuse("writeSync called from inside a write on the same pool")
        }
        return try writer.queue.sync { try writer.inTransaction(.immediate, body) }
    }

    /// Runs a WAL checkpoint on the writer, outside any transaction.
    @discardableResult
    public func checkpoint(
        _ mode: Connection.CheckpointMode = .passive
    ) throws -> (
        walFrames: Int, checkpointedFrames: Int
    ) {
        try writer.queue.sync { try writer.withConnection { try $0.checkpoint(mode) } }
    }

    /// Runs `body` on the writer outside any transaction (migrations, which open their own),
    /// blocking the calling thread.
    ///
    /// - Throws: `.misuse` when called from inside a write closure (that would deadlock).
    public func withWriter<T>(_ body: (Connection) throws -> T) throws -> T {
        guard DispatchQueue.getSpecific(key: writerKey) != ObjectIdentifier(writer) else {
            throw SQLiteError.misuse("withWriter called from inside a write on the same pool")
        }
        return try writer.queue.sync { try writer.withConnection(body) }
    }

    // MARK: Reads

    /// Runs `body` on a reader inside a deferred transaction: one consistent snapshot.
    public func read<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let carrier = ClosureCarrier(body)
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                acquireReader { slot in
                    guard let slot else {
                        carrier.discard()
                        continuation.resume(throwing: SQLiteError.poolClosed)
                        return
                    }
                    slot.queue.async {
                        let result = carrier.run(on: slot, .deferred)
                        self.releaseReader(slot)
                        continuation.resume(with: result)
                    }
                }
            }
        }
    }

    /// Blocking `read`, for callers on a dedicated (non-cooperative) thread.
    public func readSync<T>(_ body: (Connection) throws -> T) throws -> T {
        let slot = try checkoutReaderBlocking()
        defer { releaseReader(slot) }
        return try slot.queue.sync { try slot.inTransaction(.deferred, body) }
    }

    /// ``readSync(_:)`` when a reader is free now; nil, without waiting, when none is.
    public func tryReadSync<T>(_ body: (Connection) throws -> T) throws -> T? {
        guard let slot = readers.tryAcquire() else { return nil }
        defer { releaseReader(slot) }
        return try slot.queue.sync { try slot.inTransaction(.deferred, body) }
    }

    /// A reader when one is free now, outside any transaction (``tryReadSync(_:)`` opens one); nil,
    /// without waiting, when none is. For a caller that first checks whether anything changed
    /// (``Connection/dataVersion()``, one statement on a snapshot of its own) and opens a
    /// transaction (``Connection/transaction(_:_:)``) only when it must read.
    public func tryWithReader<T>(_ body: (Connection) throws -> T) throws -> T? {
        guard let slot = readers.tryAcquire() else { return nil }
        defer { releaseReader(slot) }
        return try slot.queue.sync { try slot.withConnection(body) }
    }

    /// Writes a consistent copy of the database to a new file (see `Connection.backup(to:)`).
    ///
    /// Runs on a reader, so writes continue while it copies. Blocks the calling thread.
    public func backup(to destination: String) throws {
        let slot = try checkoutReaderBlocking()
        defer { releaseReader(slot) }
        try slot.queue.sync { try slot.withConnection { try $0.backup(to: destination) } }
    }

    /// Closes every connection once its current work is done; later calls throw `.closed`.
    public func close() {
        for slot in readers.close() { slot.queue.sync { slot.connection = nil } }
        if DispatchQueue.getSpecific(key: writerKey) == ObjectIdentifier(writer) {
            // Called from inside a write: the running closure keeps its own reference, so the
            // writer closes right after that transaction ends (queue.sync here would deadlock).
            writer.connection = nil
        } else {
            writer.queue.sync { writer.connection = nil }
        }
        checkpointer?.close()
    }

    /// WAL checkpoints the pool's checkpointer has finished (they run off the commit path).
    public var backgroundCheckpoints: Int { checkpointer?.runs ?? 0 }

    /// The WAL length, in pages, past which a commit starts a background checkpoint; 0 when off.
    public var checkpointThresholdPages: Int { checkpointer?.thresholdPages ?? 0 }

    // MARK: Reader free list

    /// Calls `handler` with a reader now (free list) or later (on release, FIFO).
    private func acquireReader(_ handler: @escaping @Sendable (ConnectionSlot?) -> Void) {
        readers.acquire(handler)
    }

    private func releaseReader(_ slot: ConnectionSlot) {
        if !readers.release(slot) { slot.queue.async { slot.connection = nil } }
    }

    private func checkoutReaderBlocking() throws(SQLiteError) -> ConnectionSlot {
        guard let slot = readers.acquireBlocking() else { throw SQLiteError.poolClosed }
        return slot
    }
}
