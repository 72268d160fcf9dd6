import Foundation
import KandasProtocol
import KandasStore

/// Store queries for plan deadlines (Rules 2, para 34).
enum PlanDeadlineStore {
    /// Approved plans in the principal's scope still unpublished after their publication deadline, oldest due first.
    static func unpublishedOverdue(
        _ db: any DatabaseConnection, for p: Principal, now: Int64
    ) throws -> [PlanPublicationOverdue] {
        let scope = p.scope.families()
        return try db.query(
            "SELECT p.id, p.family_id, p.approved_at, p.publication_due FROM plans p JOIN families f ON f.id = p.family_id"
                + " WHERE p.status = 'approved' AND p.published_at IS NULL AND p.publication_due < ? AND \(scope.sql)"
                + " ORDER BY p.publication_due, p.rowid LIMIT 1000", values: [.integer(now)] + scope.values
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
}
