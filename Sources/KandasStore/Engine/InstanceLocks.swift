/// Locks that keep *other server instances* on the same store out (threads of one instance keep
/// out of each other's way with their own locks first).
///
/// An engine whose store several instances share implements it (PostgreSQL: session advisory
/// locks on one connection the engine keeps for them, so a crashed instance's locks go with its
/// connection). SQLite does not: one instance owns its store. Callers ask with
/// `database as? any InstanceLocks` and skip the cross-instance step without it.
public protocol InstanceLocks: Sendable {
    /// Takes the lock `name` (a constant prefix and an ID the server made, never input) if no
    /// other instance holds it; `nil` at once if one does.
    ///
    /// - Throws: ``DatabaseError`` when the store cannot be reached.
    func tryLock(_ name: String) throws -> (any InstanceLock)?
}

/// A held ``InstanceLocks`` lock: released by ``release()`` (idempotent) or when dropped.
public protocol InstanceLock: AnyObject, Sendable {
    func release()

    /// `true` once the lock may no longer be held: the connection holding it broke (PostgreSQL
    /// releases a session lock with its connection), so another instance may hold it now. The
    /// holder stops before it writes or commits anything more under it. Cheap (no round trip):
    /// ask it before every step.
    var isLost: Bool { get }
}
