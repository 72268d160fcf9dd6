internal import CPostgres

/// Writes whose answer nobody waits for, sent in libpq's pipeline mode.
///
/// A store write inside a transaction whose row count its caller ignores (a change-feed row, an
/// event's own row) need not cost a round trip of its own: ``runDeferred(_:values:)`` sends it and
/// returns, and the next statement that needs an answer (any other call on the connection, and
/// the `COMMIT`) first ends the pipeline and reads every queued answer, throwing the first error.
/// The server runs the statements in the order they were sent, so the next read sees them. An
/// error in a deferred write surfaces at that next statement instead of at its own, and the server
/// aborts the transaction, which the caller then rolls back: use it only for writes whose failure
/// fails the whole transaction anyway (never for one whose error is caught and handled).
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/15/libpq-pipeline-mode.html>
extension PostgresConnection {
    /// Statements queued before the pipeline is ended: a bound on what the socket buffers hold
    /// (in blocking mode libpq could otherwise wait on a full send buffer while the server waits on
    /// a full buffer of answers).
    static let pipelineDepth = 64

    /// Sends a write inside the current transaction without waiting for its answer (see the type's
    /// notes); outside a transaction it runs at once, like `run`.
    ///
    /// - Throws: `PostgresError` for a bad value or a lost connection now, or the error of an
    ///   earlier deferred write when the pipeline had to be ended first.
    public func runDeferred(_ sql: String, values: [PostgresValue]) throws(PostgresError) {
        guard isInTransaction else {
            _ = try run(sql, values: values)
            return
        }
        if pipelined.count >= Self.pipelineDepth { _ = try endPipeline() }
        try send(sql, values)
        trace?.statement(sql, values: values, inTransaction: true)
    }

    /// Queues `sql` with `values` in the pipeline (opening it, and preparing the statement first
    /// when it is new on this connection).
    func send(_ sql: String, _ values: [PostgresValue]) throws(PostgresError) {
        let encoded = try PostgresBinding(values, sql: sql)
        let lookup = try preparedLookup(sql, types: encoded.types)
        if pipelined.isEmpty {
            guard PQenterPipelineMode(raw) == 1 else { throw pipelineError(sql) }
        }
        let name: String
        switch lookup {
        case .known(let known):
            name = known
        case .new(let fresh, let key):
            let sent = encoded.types.withUnsafeBufferPointer { buffer in
                PQsendPrepare(raw, fresh, sql, Int32(encoded.count), buffer.baseAddress)
            }
            guard sent == 1 else { throw abandonPipeline(sql) }
            pipelined.append((sql, key))
            remember(key, name: fresh)
            name = fresh
        }
        let sent = encoded.withParameters { values, lengths, formats in
            PQsendQueryPrepared(raw, name, Int32(encoded.count), values, lengths, formats, 0)
        }
        guard sent == 1 else { throw abandonPipeline(sql) }
        pipelined.append((sql, nil))
    }

    /// Ends the pipeline, if one is open: reads the answer of every queued statement and leaves
    /// pipeline mode. With `keepingLast`, the last statement's result is returned (the caller
    /// clears it): a statement that needs its answer rides in the same round trip as the
    /// deferred writes before it.
    ///
    /// - Throws: the first queued statement's error (the server skipped the ones after it).
    @discardableResult
    func endPipeline(keepingLast: Bool = false) throws(PostgresError) -> OpaquePointer? {
        guard !pipelined.isEmpty else { return nil }
        let queued = pipelined
        pipelined.removeAll(keepingCapacity: true)
        guard PQpipelineSync(raw) == 1 else {
            for entry in queued { if let key = entry.preparedKey { remember(key, name: nil) } }
            PQexitPipelineMode(raw)
            throw pipelineError(queued.last?.sql)
        }
        var first: PostgresError?
        var kept: OpaquePointer?
        for (index, entry) in queued.enumerated() {
            // Each queued statement's results, then a NULL.
            var failed = false
            while let result = PQgetResult(raw) {
                if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                    failed = true
                } else {
                    do { try check(result, sql: entry.sql) } catch {
                        failed = true
                        if first == nil { first = error }
                    }
                }
                if keepingLast, index == queued.count - 1, !failed, kept == nil {
                    kept = result
                } else {
                    PQclear(result)
                }
            }
            // A statement that was never prepared must not be used by name again.
            if failed, let key = entry.preparedKey { remember(key, name: nil) }
        }
        // The sync point's own result.
        if let sync = PQgetResult(raw) {
            if first == nil, PQresultStatus(sync) != PGRES_PIPELINE_SYNC { first = pipelineError(queued.last?.sql) }
            PQclear(sync)
        }
        if PQexitPipelineMode(raw) != 1, first == nil { first = pipelineError(queued.last?.sql) }
        if let first {
            if let kept { PQclear(kept) }
            throw first
        }
        if keepingLast, kept == nil { throw pipelineError(queued.last?.sql) }
        return kept
    }

    /// A send failed midway: reads what was queued (ignoring its errors) and returns the failure.
    private func abandonPipeline(_ sql: String) -> PostgresError {
        let error = pipelineError(sql)
        if !pipelined.isEmpty {
            do { try endPipeline() } catch {}
        } else {
            PQexitPipelineMode(raw)
        }
        return error
    }

    private func pipelineError(_ sql: String?) -> PostgresError {
        let reason = PostgresError.scrub(String(cString: PQerrorMessage(raw)), secret: url.password)
        return PostgresError(
            kind: isBroken ? .connection : .misuse, message: reason.isEmpty ? "libpq pipeline failed" : reason,
            sql: sql)
    }
}
