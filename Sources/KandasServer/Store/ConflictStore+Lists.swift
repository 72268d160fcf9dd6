import KandasProtocol
import KandasStore

/// Conflicts in scope: the admin API's list and lookup, and the console's list.
extension ConflictStore {
    /// The filters of the conflicts list (validated by the handler).
    struct ListFilter {
        var familyID: String?
        var careerCentreID: String?
        var status: ConflictStatus?
        var kind: ConflictKind?
        var severity: ConflictSeverity?
    }

    /// Conflicts in scope with the filters, in creation order.
    static func conflicts(
        _ db: any DatabaseConnection, _ filter: ListFilter, for scope: AccessScope, paging: Pagination
    ) throws -> Page<Conflict> {
        var list = ListQuery(
            select: "SELECT \(columns) FROM conflicts k", key: "k.rowid", scope: scope.records(alias: "k"))
        list.equal("k.family_id", filter.familyID)
        list.equal("k.career_centre_id", filter.careerCentreID)
        list.equal("k.status", filter.status?.rawValue)
        list.equal("k.kind", filter.kind?.rawValue)
        list.equal("k.severity", filter.severity?.rawValue)
        return try paging.page(db, list) { try conflict(db, $0) }
    }

    /// A conflict in scope, or `404 not_found`.
    static func find(_ db: any DatabaseConnection, _ id: String, for p: Principal) throws -> Conflict {
        let s = p.scope.records(alias: "k")
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM conflicts k WHERE k.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such conflict") }
        return try conflict(db, row)
    }

    /// One line of the console's conflicts list.
    struct ConsoleLine {
        var id: String
        var kind: String
        var severity: String
        var status: String
        var detectedAt: Int64
        var settlement: String
    }

    /// The console's 200 newest conflicts in scope, of one status or all (`nil`).
    static func consoleLines(
        _ db: any DatabaseConnection, status: String?, for scope: AccessScope
    ) throws -> [ConsoleLine] {
        var list = ListQuery(
            select: "SELECT k.id, k.kind, k.severity, k.status, k.detected_at, k.completion_id, f.settlement_name"
                + " FROM conflicts k JOIN families f ON f.id = k.family_id", key: "k.rowid",
            scope: scope.records(alias: "k"))
        list.equal("k.status", status)
        return try list.rows(db, orderedBy: "k.rowid DESC", limit: 200).map { r in
            ConsoleLine(
                id: try r.string("id"), kind: try r.string("kind"), severity: try r.string("severity"),
                status: try r.string("status"), detectedAt: try r.int("detected_at"),
                settlement: try r.string("settlement_name"))
        }
    }
}
