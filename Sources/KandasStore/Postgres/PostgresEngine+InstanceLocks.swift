import PostgresKit
import Synchronization

/// Cross-instance locks as session advisory locks, all held on one leased connection of this
/// instance: taking or releasing one is a single round trip, an instance with many uploads open
/// uses one connection for all of them, and if the instance dies its connection closes and the
/// server releases every lock it held.
///
/// If that connection breaks (the server restarted, the backend was terminated, the network
/// failed), the server has released its locks: every lock taken on it reports ``InstanceLock/isLost``
/// from then on (seen by a no-wait `poll` of its socket, or by the failure of a call on it), and
/// the next ``tryLock(_:)`` leases a fresh connection. Locks are never silently carried over to a
/// reconnected one.
extension PostgresEngine: InstanceLocks {
    public func tryLock(_ name: String) throws -> (any InstanceLock)? {
        let key = AdvisoryLockKey(name: "kandas:" + name)
        let holder = try lockHolder()
        if holder.isLost {
            retire(holder)
            return try tryLock(name)
        }
        do {
            let taken = try holder.lease.runSync { connection throws(PostgresError) -> Bool in
                // A connection the pool reopened under the lease is not the one earlier locks live on.
                guard connection.backendPID == holder.backend else {
                    throw PostgresError(kind: .connection, message: "the lock connection was replaced")
                }
                return try connection.tryAdvisoryLock(key)
            }
            guard taken else { return nil }
        } catch let error as PostgresError {
            // A broken lock connection is replaced on the next call (its locks died with it).
            holder.markLost()
            retire(holder)
            throw Self.map(error)
        }
        return PostgresInstanceLock(holder: holder, key: key)
    }

    /// The current lock connection, leased (and its socket noted) on first use.
    private func lockHolder() throws -> LockHolder {
        if let holder = lockLease.withLock({ $0 }) { return holder }
        let lease: PostgresLease
        let connection: (socket: Int32, backend: Int32)
        do {
            lease = try pool.leaseSync()
            connection = try lease.runSync { ($0.socket, $0.backendPID) }
        } catch let error as PostgresError {
            throw Self.map(error)
        }
        let fresh = LockHolder(lease: lease, socket: connection.socket, backend: connection.backend)
        let (kept, spare) = lockLease.withLock { current -> (LockHolder, LockHolder?) in
            if let current { return (current, fresh) }
            current = fresh
            return (fresh, nil)
        }
        spare?.lease.release()
        return kept
    }

    /// Stops using a lost lock connection: the next ``tryLock(_:)`` leases another.
    func retire(_ holder: LockHolder) {
        holder.markLost()
        let mine = lockLease.withLock { current -> Bool in
            guard current === holder else { return false }
            current = nil
            return true
        }
        if mine { holder.lease.release() }
    }
}

/// The leased connection holding this instance's session advisory locks, and whether it broke.
final class LockHolder: Sendable {
    let lease: PostgresLease
    /// The connection's socket when leased (libpq closes it only after a failed call, which marks this lost first).
    let socket: Int32
    /// The server process of that connection: a connection the pool reopened under the lease has another.
    let backend: Int32
    private let lost = Atomic<Bool>(false)

    init(lease: PostgresLease, socket: Int32, backend: Int32) {
        self.lease = lease
        self.socket = socket
        self.backend = backend
    }

    /// Sticky: once lost, never found again (the socket number may be reused by another connection).
    var isLost: Bool {
        if lost.load(ordering: .acquiring) { return true }
        guard PostgresConnection.peerClosed(socket: socket) else { return false }
        markLost()
        return true
    }

    func markLost() { lost.store(true, ordering: .releasing) }
}

/// One held advisory lock on the engine's lock connection.
final class PostgresInstanceLock: InstanceLock {
    private let holder: LockHolder
    private let key: AdvisoryLockKey
    private let released = Atomic<Bool>(false)

    init(holder: LockHolder, key: AdvisoryLockKey) {
        self.holder = holder
        self.key = key
    }

    deinit { release() }

    /// The engine's next ``PostgresEngine/tryLock(_:)`` sees the same and leases another connection.
    var isLost: Bool { holder.isLost }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // A lost connection's locks are gone already; one given back (engine closed) unlocked them all.
        guard !holder.isLost else { return }
        _ = try? holder.lease.runSync { connection throws(PostgresError) -> Bool in
            guard connection.backendPID == holder.backend else { return false }
            return try connection.advisoryUnlock(key)
        }
    }
}
