import KandasProtocol
import KandasStore

/// Review decisions (Protocol §4.10, §12): stored, folded into `review_state`, sent to devices by pull.
enum ReviewStore {
    static let columns =
        "r.rowid AS _rowid, r.id, r.completion_id, r.decision, r.comment, r.reviewer_id,"
        + " r.reviewer_name, r.created_at"

    static func review(_ row: DatabaseRow) throws -> Review {
        Review(
            id: try wireID(row, "id"), completionID: try wireID(row, "completion_id"),
            decision: ReviewDecision(rawValue: try row.string("decision")) ?? .comment,
            comment: row.optionalString("comment"), reviewerID: try wireID(row, "reviewer_id"),
            reviewerName: try row.string("reviewer_name"),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")))
    }

    static func load(_ db: any DatabaseConnection, id: String) throws -> Review? {
        try db.queryOne("SELECT \(columns) FROM reviews r WHERE r.id = ?", id).map(review)
    }

    /// Records a decision and the completion's new `review_state` (latest non-comment decision wins).
    static func add(
        _ db: any DatabaseConnection, completionID: String, familyID: String, decision: ReviewDecision,
        comment: String?,
        reviewerID: String, now: Int64
    ) throws -> String {
        let name = try db.queryOne("SELECT display_name FROM users WHERE id = ?", reviewerID)?.string("display_name")
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO reviews(id, completion_id, decision, comment, reviewer_id, reviewer_name, created_at)"
                + " VALUES(?,?,?,?,?,?,?)", id, completionID, decision.rawValue, comment, reviewerID, name ?? "",
            now)
        let state: String? =
            switch decision {
            case .approve: "approved"
            case .hasIssues: "has_issues"
            case .reject: "rejected"
            case .comment: nil
            }
        if let state {
            _ = try db.run(
                "UPDATE completions SET review_state = ?, updated_at = ? WHERE id = ?", state, now, completionID)
            // Rules 2, para 37: an approved completion with complete evidence goes to the digital card.
            try CardForwardStore.enqueueIfEligible(db, completionID: completionID)
        }
        try SyncFeed.record(db, entity: .review, id: id, familyID: familyID)
        try SyncFeed.record(db, entity: .completion, id: completionID, familyID: familyID)
        return id
    }
}
