import Foundation
import KandasStore

/// Migrations of Rules 2, round 2 (issue 16): evidence that counts, report delivery, deadlines,
/// monitoring and evaluations on record.
enum Rules2Schema {
    /// One definition of complete (Rules 2, paras 36-37; Protocol §9.1): `evidence_missing` holds
    /// what keeps a completion from counting (`[]` when complete), recomputed for existing rows.
    static func evidence(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            ALTER TABLE completions ADD COLUMN evidence_missing TEXT NOT NULL DEFAULT '[]';
            CREATE INDEX completions_missing ON completions(received_at) WHERE evidence_missing <> '[]';
            """)
        for row in try db.query("SELECT id FROM completions") {
            try CompletionStore.refreshFlags(db, id: try row.string("id"))
        }
    }

    /// Annex 3 delivery (Rules 2, para 39): who sent which month's report, when, to whom, and the
    /// SHA-256 of the exact bytes. Append-only: a corrected report is a new submission.
    static func reportSubmissions(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE report_submissions(
              id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES regions(id), month TEXT NOT NULL,
              cutoff INTEGER NOT NULL, format TEXT NOT NULL CHECK(format IN ('csv','json','html')),
              sha256 TEXT NOT NULL, size INTEGER NOT NULL, recipient TEXT NOT NULL,
              submitted_by TEXT NOT NULL REFERENCES users(id), submitted_at INTEGER NOT NULL, due TEXT NOT NULL,
              late INTEGER NOT NULL) STRICT;
            CREATE INDEX report_submissions_region_month ON report_submissions(region_id, month);
            """)
    }

    /// Monitoring on record (Rules 2, paras 40-45): one row per family and period (1-16).
    static func monitoring(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE monitoring_records(
              id TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
              period INTEGER NOT NULL CHECK(period BETWEEN 1 AND 16), done_on TEXT NOT NULL,
              channel TEXT NOT NULL CHECK(channel IN ('visit','call','state_systems','digital_card','mobile_app')),
              problems TEXT, proposals TEXT, field_visit INTEGER NOT NULL, recorded_by TEXT NOT NULL REFERENCES users(id),
              recorded_at INTEGER NOT NULL, UNIQUE(family_id, period)) STRICT;
            """)
    }
}
