import Foundation
import KandasProtocol
import KandasStore

/// Store queries for plan deadlines (Rules 2, para 34).
enum PlanDeadlineStore {
    /// Approved plans in the principal's scope still unpublished after their publication deadline, oldest due first.
    static func unpublishedOverdue(
        _ db: any DatabaseConnection, for p: Principal, now: Int64
    ) throws -> [PlanPublicationOverdue] {
        let (sql, values) = unpublishedOverdueQuery(for: p, now: now)
        return try db.query(
            "SELECT p.id, p.family_id, p.approved_at, p.publication_due " + sql
                + " ORDER BY p.publication_due, p.rowid LIMIT 1000", values: values
        ).map { r in
            let approved = try r.int("approved_at")
            let due = try r.int("publication_due")
            return PlanPublicationOverdue(
                planID: try wireID(r, "id"), familyID: try wireID(r, "family_id"),
                approvedAt: Timestamp(millisecondsSince1970: approved),
                publicationDue: Timestamp(millisecondsSince1970: due),
                provisional: PlanStore.publicationProvisional(approvedAt: approved, due: due))
        }
    }

    /// How many approved plans are past their publication deadline and still unpublished (the
    /// dashboard's counter: every one of them, not the first page of the list).
    static func unpublishedOverdueCount(_ db: any DatabaseConnection, for p: Principal, now: Int64) throws -> Int {
        let (sql, values) = unpublishedOverdueQuery(for: p, now: now)
        return Int(try db.queryOne("SELECT count(*) AS n " + sql, values: values)?.int("n") ?? 0)
    }

    /// `FROM ... WHERE ...` of the approved, unpublished plans past their deadline in the caller's scope.
    private static func unpublishedOverdueQuery(for p: Principal, now: Int64) -> (String, [DatabaseValue]) {
        let scope = p.scope.families()
        return (
            "FROM plans p JOIN families f ON f.id = p.family_id"
                + " WHERE p.status = 'approved' AND p.published_at IS NULL AND p.publication_due < ? AND \(scope.sql)",
            [.integer(now)] + scope.values
        )
    }
}
