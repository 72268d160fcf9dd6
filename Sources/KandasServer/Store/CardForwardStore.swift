import KandasProtocol
import KandasStore

/// The digital-card forwarding queue (Rules 2, para 37; services.md §7): which completions are
/// owed to the receiver, who is delivering which, and what happened.
///
/// Work is claimed with one `UPDATE … WHERE state … AND lease` per batch, never held in memory, so
/// any number of server instances can run ``CardForwarder`` on the same store: a row is delivered
/// by whoever holds its lease, and a lease left by a crashed instance runs out and is claimed again.
enum CardForwardStore {
    static let columns =
        "q.rowid AS _rowid, q.id, q.completion_id, q.family_id, q.state, q.attempts, q.next_attempt_at,"
        + " q.last_status, q.last_error, q.delivered_at, q.created_at, q.updated_at"

    /// A completion qualifies while it is active, approved on review and its evidence complete.
    static let eligibleSQL = "c.state = 'active' AND c.review_state = 'approved' AND \(CompletionStore.completeSQL)"

    static func forward(_ row: DatabaseRow) throws -> CardForward {
        CardForward(
            id: try wireID(row, "id"), completionID: try wireID(row, "completion_id"),
            familyID: try wireID(row, "family_id"),
            state: CardForwardState(rawValue: try row.string("state")) ?? .pending,
            attempts: Int(try row.int("attempts")),
            nextAttemptAt: try row.string("state") == "pending" ? timestamp(row, "next_attempt_at") : nil,
            lastStatus: row.optionalInt("last_status").map { Int($0) }, lastError: row.optionalString("last_error"),
            deliveredAt: timestamp(row, "delivered_at"),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    /// Queues the completion when it qualifies and is not queued yet (a withdrawn one is queued
    /// again); called in the transaction that approved it or completed its evidence. The queue time
    /// is the completion's last change, so no clock is needed here.
    static func enqueueIfEligible(
        _ db: any DatabaseConnection, completionID: String, eligible: String = eligibleSQL
    ) throws {
        _ = try db.run(
            "INSERT INTO card_forwards(id, completion_id, family_id, region_id, career_centre_id, state, attempts,"
                + " next_attempt_at, created_at, updated_at) SELECT ?, c.id, \(CompletionStore.familySQL()), ktext(c.region_id),"
                + " ktext(c.career_centre_id), 'pending', 0, c.updated_at, c.updated_at, c.updated_at FROM completions c"
                + " WHERE c.id = ? AND \(eligible) ON CONFLICT(completion_id) DO UPDATE SET state = 'pending',"
                + " next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at"
                + " WHERE card_forwards.state = 'withdrawn'", WireID.random().description, completionID)
    }

    /// One claimed delivery.
    struct Claim: Sendable {
        var id: String
        var completionID: String
        var attempt: Int
    }

    /// Claims up to `limit` due deliveries (pending and due, or delivering with a lapsed lease) for
    /// `lease` milliseconds under `token`; the WHERE is repeated on the outer UPDATE so that of two
    /// instances racing for a row, the second finds it no longer due (PostgreSQL re-checks it on
    /// the committed row; SQLite serialises writers).
    static func claim(
        _ db: any DatabaseConnection, token: String, now: Int64, lease: Int64, limit: Int
    ) throws -> [Claim] {
        let due = "((state = 'pending' AND next_attempt_at <= ?) OR (state = 'delivering' AND lease_until < ?))"
        let rows = try db.query(
            "UPDATE card_forwards SET state = 'delivering', lease_token = ?, lease_until = ?, attempts = attempts + 1,"
                + " updated_at = ? WHERE id IN (SELECT id FROM card_forwards WHERE \(due)"
                + " ORDER BY next_attempt_at LIMIT ?) AND \(due) RETURNING id, completion_id, attempts",
            token, now + lease, now, now, now, limit, now, now)
        return try rows.map {
            Claim(
                id: try $0.string("id"), completionID: try $0.string("completion_id"),
                attempt: Int(try $0.int("attempts")))
        }
    }

    /// The record to send for a claimed delivery, or nil when the completion no longer qualifies.
    static func record(_ db: any DatabaseConnection, _ claim: Claim) throws -> CardRecord? {
        guard
            let row = try db.queryOne(
                "SELECT m.iin FROM completions c JOIN members m ON m.id = \(CompletionStore.memberSQL()) WHERE c.id = ?"
                    + " AND \(eligibleSQL)",
                claim.completionID),
            let completion = try CompletionStore.load(db, id: claim.completionID)
        else { return nil }
        return CardRecord(
            deliveryID: WireID(claim.id) ?? WireID.random(), memberIIN: try row.string("iin"), completion: completion)
    }

    /// How an attempt ended.
    enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        case failed(status: Int?, reason: String)
        case withdrawn
    }

    /// Records an attempt's outcome if `token` still holds the lease; returns the new state (nil
    /// when the lease was lost to another instance, whose outcome then counts).
    static func finish(
        _ db: any DatabaseConnection, _ claim: Claim, token: String, outcome: Outcome, now: Int64,
        maxAttempts: Int, backoff: (Int) -> Int64
    ) throws -> CardForwardState? {
        let state: CardForwardState
        let changed: Int
        switch outcome {
        case .delivered(let status):
            state = .delivered
            changed = try db.run(
                "UPDATE card_forwards SET state = 'delivered', delivered_at = ?, last_status = ?, last_error = NULL,"
                    + " lease_token = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_token = ?",
                now, status, now, claim.id, token)
        case .failed(let status, let reason):
            state = claim.attempt >= maxAttempts ? .dead : .pending
            changed = try db.run(
                "UPDATE card_forwards SET state = ?, next_attempt_at = ?, last_status = ?, last_error = ?,"
                    + " lease_token = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_token = ?",
                state.rawValue, now + backoff(claim.attempt), status, reason, now, claim.id, token)
        case .withdrawn:
            state = .withdrawn
            changed = try db.run(
                "UPDATE card_forwards SET state = 'withdrawn', lease_token = NULL, lease_until = NULL,"
                    + " updated_at = ? WHERE id = ? AND lease_token = ?", now, claim.id, token)
        }
        return changed == 1 ? state : nil
    }

    /// Deliveries in scope, newest first, optionally in one state.
    static func list(
        _ db: any DatabaseConnection, state: CardForwardState?, for scope: AccessScope, paging: Pagination
    ) throws -> Page<CardForward> {
        var list = ListQuery(
            select: "SELECT \(columns) FROM card_forwards q", key: "q.rowid", scope: scope.records(alias: "q"))
        list.equal("q.state", state?.rawValue)
        return try paging.page(db, list, direction: .newestFirst, map: forward)
    }

    /// One delivery in scope.
    ///
    /// - Throws: `404 not_found`.
    static func get(_ db: any DatabaseConnection, id: String, for scope: AccessScope) throws -> CardForward {
        let s = scope.records(alias: "q")
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM card_forwards q WHERE q.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such delivery") }
        return try forward(row)
    }

    /// Queues a dead delivery again from its first attempt (an administrator fixed the receiver).
    ///
    /// - Throws: `404 not_found`, `409 invalid_transition` unless the delivery is dead.
    static func retry(
        _ db: any DatabaseConnection, id: String, for scope: AccessScope, now: Int64
    ) throws
        -> CardForward
    {
        let current = try get(db, id: id, for: scope)
        guard current.state == .dead else {
            throw ServerError(.invalidTransition, "only a dead delivery is retried (this one is \(current.state))")
        }
        _ = try db.run(
            "UPDATE card_forwards SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?"
                + " WHERE id = ? AND state = 'dead'", now, now, id)
        return try get(db, id: id, for: scope)
    }

    /// Deliveries in scope per state (the console's counters).
    static func counts(_ db: any DatabaseConnection, for scope: AccessScope) throws -> [CardForwardState: Int] {
        let s = scope.records(alias: "q")
        var out: [CardForwardState: Int] = [:]
        for row in try db.query(
            "SELECT q.state, count(*) AS n FROM card_forwards q WHERE \(s.sql) GROUP BY q.state", values: s.values)
        {
            if let state = CardForwardState(rawValue: try row.string("state")) { out[state] = Int(try row.int("n")) }
        }
        return out
    }
}
