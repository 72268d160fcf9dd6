extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Nested calls (or a call inside a transaction begun with `execute("BEGIN")`) use a
    /// `SAVEPOINT`, so an inner failure undoes only the inner work. The error rethrown is always
    /// the *first* one: the body's error wins over a failed rollback, and a failed `COMMIT` (for
    /// example a deferred foreign key) rolls back and is rethrown.
    ///
    /// - Parameter kind: `.immediate` (default) takes the write lock at once, so a write
    ///   transaction never fails half-way with `SQLITE_BUSY` on lock upgrade.
    /// - Throws: the body's error, or `SQLiteError`.
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/lang_savepoint.html>
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint(body) }
        try runCached(kind.beginSQL)
        let value: T
        do {
            value = try body()
        } catch {
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }
        do {
            try runCached("COMMIT")
        } catch {
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }
        return value
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
            rollbackIgnoringErrors("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        do {
            try execute("RELEASE \(name)")
        } catch {
            rollbackIgnoringErrors("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        return value
    }

    /// Runs a parameterless statement from the statement cache: `sqlite3_exec` compiles its text
    /// on every call, and a read transaction's BEGIN and COMMIT were a tenth of a device poll.
    private func runCached(_ sql: String) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.run()
    }

    /// After an I/O, full-disk or out-of-memory error SQLite may already have rolled back, so
    /// the rollback can fail with "no transaction is active"; the original error is what matters.
    private func rollbackIgnoringErrors(_ sql: String) {
        do { try execute(sql) } catch {}
    }
}
