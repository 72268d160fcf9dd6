import KandasProtocol
import KandasStore

/// Completions lists, newest received first (rowid is insertion, so receive, order): the admin
/// API's pages, the console's list and the exports share ``CompletionFilter`` and one builder.
extension CompletionStore {
    /// The console list's columns (with the member, worker and settlement it shows).
    static let consoleSelect =
        "SELECT c.rowid AS rid, c.id, c.service_code, c.performed_at, c.received_at, c.state, c.review_state,"
        + " c.files_verified, c.files_declared, c.open_conflicts, c.flag_bits, c.missing_bits,"
        + " m.last_name, m.first_name,"
        + " m.iin, u.username, f.settlement_name FROM completions c JOIN plan_items ci ON ci.id = ktext(c.item_id)"
        + " JOIN members m ON m.id = ci.member_id JOIN users u ON u.id = ktext(c.user_id) JOIN families f ON f.id = ci.family_id"

    /// The exports' columns.
    static let exportSelect =
        "SELECT c.rowid AS rid, c.id, c.received_at, c.performed_at, c.service_code,"
        + " ktext(c.region_id) AS region_id, ktext(c.career_centre_id) AS career_centre_id, ci.family_id AS family_id,"
        + " ktext(c.item_id) AS item_id, m.iin, ktext(c.user_id) AS user_id, c.state, c.is_primary, c.review_state, c.files_verified,"
        + " c.files_declared, \(StoredLocation.select("c")), c.flag_bits, c.missing_bits FROM completions c"
        + " JOIN plan_items ci ON ci.id = ktext(c.item_id) JOIN members m ON m.id = ci.member_id"

    /// The console page's statement: the filter's values, then the rowid bound and the limit.
    static func consolePageSQL(_ filter: CompletionFilter) -> String {
        filter.list(select: consoleSelect).pageStatement(after: 0, limit: 0, direction: .newestFirst).sql
    }

    /// Up to `limit` rows of the console list before `before` (nil: the newest), keyed `rid`.
    static func consoleRows(
        _ db: any DatabaseConnection, _ filter: CompletionFilter, before: Int64?, limit: Int
    ) throws -> [DatabaseRow] {
        try db.query(
            consolePageSQL(filter), values: filter.args + [.integer(before ?? Int64.max), .integer(Int64(limit))])
    }

    /// Up to `limit` export rows before `before`, keyed `rid`.
    static func exportRows(
        _ db: any DatabaseConnection, _ filter: CompletionFilter, before: Int64, limit: Int
    ) throws -> [DatabaseRow] {
        let statement = filter.list(select: exportSelect).pageStatement(after: 0, limit: 0, direction: .newestFirst)
        return try db.query(statement.sql, values: filter.args + [.integer(before), .integer(Int64(limit))])
    }

    /// One page of the admin API's list.
    static func page(
        _ db: any DatabaseConnection, _ filter: CompletionFilter, paging: Pagination
    ) throws
        -> Page<Completion>
    {
        let list = filter.list(select: "SELECT \(columns) FROM completions c")
        let (rows, next) = try list.page(
            db, after: paging.afterRowID, limit: paging.limit, direction: .newestFirst)
        return Page(items: try rows.map { try completion(db, $0) }, nextPageToken: next.map(paging.token(after:)))
    }

    /// The events behind a completion in scope (its own and those of its conflicts), in `seq` order.
    static func events(
        _ db: any DatabaseConnection, completionID id: String, for p: Principal, paging: Pagination,
        map: (DatabaseRow, DeviceEvent?) throws -> StoredEvent
    ) throws -> Page<StoredEvent> {
        _ = try load(db, id: id, for: p)
        var list = ListQuery(
            select: "SELECT e.seq AS _rowid, e.seq, ktext(e.device_id) AS device_id, e.received_at, e.clock_skew_ms,"
                + " e.outcome, e.code, e.conflict_ids, \(EventBodies.columns), \(EventBodies.userSQL)"
                + " FROM device_events e", key: "e.seq", scope: .parentChecked())
        list.filter(
            "(\(EventBodies.ofCompletion("e", "?")) OR e.seq IN (SELECT event_seq FROM conflict_events ce"
                + " JOIN conflict_completions cc ON cc.conflict_id = ce.conflict_id WHERE cc.completion_id = ?))",
            .text(id), .text(id), .text(id))
        return try paging.page(db, list) { row in try map(row, try EventBodies.event(db, row)) }
    }

    /// The reviews of a completion in scope, oldest first.
    static func reviews(
        _ db: any DatabaseConnection, completionID id: String, for p: Principal, paging: Pagination
    ) throws -> Page<Review> {
        _ = try load(db, id: id, for: p)
        var list = ListQuery(
            select: "SELECT \(ReviewStore.columns) FROM reviews r", key: "r.rowid", scope: .parentChecked())
        list.equal("r.completion_id", id)
        return try paging.page(db, list, map: ReviewStore.review)
    }
}
