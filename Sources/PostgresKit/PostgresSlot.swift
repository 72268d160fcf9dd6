import Dispatch

/// A connection (opened on first use) together with the serial queue it is confined to.
///
/// `@unchecked Sendable` invariant: after the pool's `init` returns, `connection` is read and
/// written only by blocks running on `queue`, so at most one thread touches the connection at a
/// time. `queue` targets the default global queue, never Swift's cooperative pool, so blocking in
/// libpq is allowed there.
final class PostgresSlot: @unchecked Sendable {
    let queue: DispatchQueue
    var connection: PostgresConnection?

    init(label: String, connection: PostgresConnection?) {
        self.queue = DispatchQueue(label: label)
        self.connection = connection
    }

    /// Runs `body` on the connection, (re)connecting first when there is none; must run on `queue`.
    ///
    /// A connection that broke during `body` is dropped, and one left inside a transaction is
    /// rolled back, so the next user gets a clean session.
    func use<T>(
        url: PostgresURL, options: PostgresConnection.Options, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        let connection: PostgresConnection
        if let existing = self.connection, !existing.isBroken {
            connection = existing
        } else {
            self.connection = nil
            connection = try PostgresConnection(url: url, options: options)
            self.connection = connection
        }
        defer {
            if connection.isBroken {
                self.connection = nil
            } else if connection.isInTransaction {
                connection.rollbackIgnoringErrors()
            }
        }
        return try body(connection)
    }
}

/// Carries a caller's non-escaping closure to a connection queue and lets go of it before the
/// caller resumes (see `SQLiteKit`'s `ClosureCarrier` for why).
///
/// `@unchecked Sendable` invariant: `body` is written in `init` and then taken exactly once,
/// either by `run` on the connection's queue or by `discard` when the pool is closed.
final class PostgresClosureCarrier<T>: @unchecked Sendable {
    private var body: ((PostgresConnection) throws -> T)?

    init(_ body: @escaping (PostgresConnection) throws -> T) { self.body = body }

    func run(on slot: PostgresSlot, url: PostgresURL, options: PostgresConnection.Options) -> Result<T, any Error> {
        guard let body else { return .failure(PostgresError.misuse("database closure ran twice")) }
        self.body = nil
        return Result { try slot.use(url: url, options: options, body) }
    }

    func discard() { body = nil }
}
