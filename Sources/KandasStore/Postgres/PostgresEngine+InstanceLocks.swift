import PostgresKit
import Synchronization

/// Cross-instance locks as session advisory locks, all held on one leased connection of this
/// instance: taking or releasing one is a single round trip, an instance with many uploads open
/// uses one connection for all of them, and if the instance dies its connection closes and the
/// server releases every lock it held.
extension PostgresEngine: InstanceLocks {
    public func tryLock(_ name: String) throws -> (any InstanceLock)? {
        let key = AdvisoryLockKey(name: "kandas:" + name)
        let lease = try lockConnection()
        do {
            guard try lease.runSync({ try $0.tryAdvisoryLock(key) }) else { return nil }
        } catch let error as PostgresError {
            // A broken lock connection is replaced on the next call (its locks died with it).
            lockLease.withLock { current in if current === lease { current = nil } }
            lease.release()
            throw Self.map(error)
        }
        return PostgresInstanceLock(lease: lease, key: key)
    }

    private func lockConnection() throws -> PostgresLease {
        if let lease = lockLease.withLock({ $0 }) { return lease }
        let fresh: PostgresLease
        do { fresh = try pool.leaseSync() } catch let error as PostgresError { throw Self.map(error) }
        let (kept, spare) = lockLease.withLock { current -> (PostgresLease, PostgresLease?) in
            if let current { return (current, fresh) }
            current = fresh
            return (fresh, nil)
        }
        spare?.release()
        return kept
    }
}

/// One held advisory lock on the engine's lock connection.
final class PostgresInstanceLock: InstanceLock {
    private let lease: PostgresLease
    private let key: AdvisoryLockKey
    private let released = Atomic<Bool>(false)

    init(lease: PostgresLease, key: AdvisoryLockKey) {
        self.lease = lease
        self.key = key
    }

    deinit { release() }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // A lease already given back (engine closed) unlocked everything it held.
        _ = try? lease.runSync { try $0.advisoryUnlock(key) }
    }
}
