import Dispatch

/// A connection together with the serial queue it is confined to.
///
/// `@unchecked Sendable` invariant: after the pool's `init` returns, `connection` is read and
/// written only by blocks running on `queue` (`queue.sync` or `queue.async`), so at most one
/// thread touches the connection at a time. `queue` targets the default global (overcommit)
/// queue, never Swift's cooperative pool, so blocking in `sqlite3_step` is allowed there.
final class ConnectionSlot: @unchecked Sendable {
    let queue: DispatchQueue
    var connection: Connection?
    /// What the connection's C callbacks point to unretained (the writer's `Checkpointer`): kept
    /// alive by the slot, which every block still using the connection holds.
    let callbackTarget: AnyObject?

    init(label: String, connection: Connection, callbackTarget: AnyObject? = nil) {
        self.queue = DispatchQueue(label: label)
        self.connection = connection
        self.callbackTarget = callbackTarget
    }

    /// Runs `body` on the connection in a transaction of `kind`; must be called on `queue`.
    func inTransaction<T>(_ kind: TransactionKind, _ body: (Connection) throws -> T) throws -> T {
        guard let connection else { throw SQLiteError.poolClosed }
        return try connection.transaction(kind) { try body(connection) }
    }

    /// Runs `body` on the connection outside any transaction; must be called on `queue`.
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        guard let connection else { throw SQLiteError.poolClosed }
        return try body(connection)
    }
}
