import KandasStore

extension Rules2Schema {
    /// `0018-rules2-forwarding` (Rules 2, para 37; services.md §7): the digital-card forwarding
    /// queue, one row per completion (its `id` is the delivery ID), claimed by a lease so several
    /// server instances can share it. Completions that already qualify are queued at once.
    static func forwarding(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE card_forwards(
              id TEXT PRIMARY KEY, completion_id TEXT NOT NULL UNIQUE REFERENCES completions(id),
              family_id TEXT NOT NULL, region_id TEXT NOT NULL, career_centre_id TEXT NOT NULL,
              state TEXT NOT NULL CHECK(state IN ('pending','delivering','delivered','dead','withdrawn')),
              attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, lease_token TEXT, lease_until INTEGER,
              last_status INTEGER, last_error TEXT, delivered_at INTEGER,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX card_forwards_due ON card_forwards(state, next_attempt_at);
            CREATE INDEX card_forwards_region ON card_forwards(region_id);
            CREATE INDEX card_forwards_centre ON card_forwards(career_centre_id);
            """)
        for row in try db.query("SELECT id FROM completions ORDER BY rowid") {
            // Eligible as this migration read it (0040 stores `evidence_missing` as `missing_bits`).
            try CardForwardStore.enqueueIfEligible(
                db, completionID: try row.string("id"),
                eligible: "c.state = 'active' AND c.review_state = 'approved' AND c.evidence_missing = '[]'")
        }
    }
}
