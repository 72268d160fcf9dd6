internal import CPostgres

#if canImport(Glibc)
import Glibc
#endif

/// How much a transaction sees of concurrent ones.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/15/transaction-iso.html>
public enum PostgresIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows when it throws.
    ///
    /// Nested calls use a `SAVEPOINT`, so an inner failure undoes only the inner work. Hooks added
    /// with `beforeCommit` run, in order, as the last statements before `COMMIT` (the dense change
    /// feed takes its positions there). The error rethrown is the *first* one: the body's error wins
    /// over a failed rollback; a `COMMIT` that fails (serialization, deferred constraint) or that
    /// the server answers with `ROLLBACK` (the body swallowed an error) is rethrown.
    ///
    /// - Throws: the body's error, or `PostgresError`.
    @discardableResult
    public func transaction<T>(
        _ isolation: PostgresIsolation = .readCommitted, readOnly: Bool = false, _ body: () throws -> T
    ) throws -> T {
        if isInTransaction { return try savepoint(body) }
        let begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")"
        try execute(begin)
        trace?.begin(begin)
        commitHooks = []
        defer { commitHooks = [] }
        let value: T
        do {
            value = try body()
            // A hook may add another; run until none is left.
            var index = 0
            while index < commitHooks.count {
                try commitHooks[index]()
                index += 1
            }
            // The answers of deferred writes, before COMMIT (one of them may have failed).
            try endPipeline()
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        let result = PQexec(raw, "COMMIT")
        defer { PQclear(result) }
        do {
            try check(result, sql: "COMMIT")
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        if let result, String(cString: PQcmdStatus(result)) == "ROLLBACK" {
            throw PostgresError(
                kind: .server, sqlState: "25P02",
                message: "transaction rolled back at COMMIT: an earlier statement in it failed", sql: "COMMIT")
        }
        trace?.commit()
        return value
    }

    /// Like `transaction`, but runs the whole transaction again (up to `attempts` times in all)
    /// when it fails with a serialization failure or deadlock (`40001`, `40P01`).
    ///
    /// The body must be safe to repeat: everything it did in the failed attempt was rolled back.
    /// - Important: only at the top level; inside a transaction it runs once (the outer one retries).
    @discardableResult
    public func retryingTransaction<T>(
        _ isolation: PostgresIsolation = .serializable, attempts: Int = 8, _ body: () throws -> T
    ) throws -> T {
        if isInTransaction { return try transaction(isolation, body) }
        var attempt = 1
        while true {
            do {
                return try transaction(isolation, body)
            } catch let error as PostgresError where error.isRetryable && attempt < attempts {
                // A short, growing, jittered pause lets the transaction that won finish first.
                usleep(UInt32.random(in: 0...(UInt32(min(attempt, 6)) * 2_000)))
                attempt += 1
            }
        }
    }

    /// Adds a statement to run right before the current transaction commits (after the body).
    ///
    /// - Throws: `.misuse` outside a transaction.
    public func beforeCommit(_ hook: @escaping () throws -> Void) throws(PostgresError) {
        guard isInTransaction else { throw .misuse("beforeCommit outside a transaction") }
        commitHooks.append(hook)
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "kandas_sp\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        let value: T
        do {
            value = try body()
        } catch {
            // Deferred writes sent since the savepoint are undone with it, failed or not.
            do { try endPipeline() } catch {}
            do { try execute("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)") } catch {}
            throw error
        }
        try execute("RELEASE SAVEPOINT \(name)")
        return value
    }

    /// The original error is what matters; a rollback on a lost connection fails too.
    func rollbackIgnoringErrors() {
        trace?.rollback()
        do { try endPipeline() } catch {}
        let result = PQexec(raw, "ROLLBACK")
        PQclear(result)
    }
}
