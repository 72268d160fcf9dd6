/// Carries a caller's non-escaping closure to a connection queue and lets go of it before the
/// caller resumes.
///
/// `DatabasePool.read`/`write` take non-escaping closures (callers need no `self.`), made
/// escapable with `withoutActuallyEscaping`, which traps if the closure is still retained when
/// its block returns. The dispatch block may outlive the `resume`, so it holds this carrier,
/// and the carrier drops the closure inside `run`, before `resume` is called.
///
/// `@unchecked Sendable` invariant: `body` is written in `init` and then taken exactly once,
/// either by `run` on the connection's queue or by `discard` when the pool is closed; the two
/// never both happen, and nothing else touches it.
final class ClosureCarrier<T>: @unchecked Sendable {
    private var body: ((Connection) throws -> T)?

    init(_ body: @escaping (Connection) throws -> T) { self.body = body }

    func run(on slot: ConnectionSlot, _ kind: TransactionKind) -> Result<T, any Error> {
        guard let body else { return .failure(SQLiteError.misuse("database closure ran twice")) }
        self.body = nil
        return Result { try slot.inTransaction(kind, body) }
    }

    func discard() { body = nil }
}
