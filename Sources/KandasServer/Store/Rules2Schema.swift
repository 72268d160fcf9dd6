import Foundation
import KandasDomain
import KandasProtocol
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
            try refreshFlagsAsText(db, id: try row.string("id"))
        }
    }

    /// `CompletionStore.refreshFlags` as it was when this migration ran: the location and both
    /// lists as JSON text (migration 0040 stores them as numbers), so a store this old upgrades.
    static func refreshFlagsAsText(_ db: any DatabaseConnection, id: String) throws {
        guard
            let row = try db.queryOne(
                "SELECT c.service_code, c.location, c.performed_at, c.recorded_at, c.clock_skew_ms,"
                    + " c.files_declared, c.files_verified, f.settlement_latitude, f.settlement_longitude"
                    + " FROM completions c JOIN families f ON f.id = c.family_id WHERE c.id = ?", id)
        else { return }
        let kinds = Set(
            try db.query("SELECT DISTINCT kind FROM attachments WHERE completion_id = ?", id).map {
                try $0.string("kind")
            })
        let settlement: (Double, Double)? =
            row["settlement_latitude"].isNull || row["settlement_longitude"].isNull
            ? nil : (try row.double("settlement_latitude"), try row.double("settlement_longitude"))
        let location = row.optionalString("location").flatMap { decodeJSON(Geolocation.self, $0) }
        let code = Int(try row.int("service_code"))
        let flags = CompletionStore.evidenceFlags(
            serviceCode: code, location: location, kinds: kinds, settlement: settlement,
            skewMilliseconds: try row.int("clock_skew_ms"), performedAt: try row.int("performed_at"),
            recordedAt: try row.int("recorded_at"))
        let missing = CompletionStore.evidenceMissing(
            serviceCode: code, location: location, kinds: kinds, declared: Int(try row.int("files_declared")),
            verified: Int(try row.int("files_verified")))
        func text(_ list: [String]) -> String { JSONValue.array(list.map { .string($0) }).jsonText }
        _ = try db.run(
            "UPDATE completions SET evidence_flags = ?, evidence_missing = ? WHERE id = ?", text(flags), text(missing),
            id)
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

extension Rules2Schema {
    /// Quality evaluations on record (Rules 2, paras 46-51): one row per career centre and quarter
    /// with the three scores, the band, the evaluator, the conclusion to the central body (para 50)
    /// and the centre's follow-up (para 51); and the family's residence status (para 46, criterion 3
    /// of para 48), with its history.
    static func evaluations(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE quality_evaluations(
              id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES regions(id),
              career_centre_id TEXT NOT NULL REFERENCES career_centres(id), year INTEGER NOT NULL,
              quarter INTEGER NOT NULL CHECK(quarter BETWEEN 1 AND 4),
              relevance INTEGER NOT NULL CHECK(relevance BETWEEN 1 AND 5),
              effectiveness INTEGER NOT NULL CHECK(effectiveness BETWEEN 1 AND 5),
              social_impact INTEGER NOT NULL CHECK(social_impact BETWEEN 1 AND 5), total INTEGER NOT NULL,
              band TEXT NOT NULL CHECK(band IN ('low','medium','high')), evaluator TEXT NOT NULL,
              evaluated_on TEXT NOT NULL, due TEXT NOT NULL, late INTEGER NOT NULL, departures INTEGER NOT NULL,
              note TEXT, recorded_by TEXT NOT NULL REFERENCES users(id), recorded_at INTEGER NOT NULL,
              concluded_on TEXT, conclusion_recipient TEXT, conclusion TEXT, conclusion_due TEXT NOT NULL,
              conclusion_late INTEGER, concluded_by TEXT REFERENCES users(id), concluded_at INTEGER,
              considered_on TEXT, measures TEXT, follow_up_due TEXT, follow_up_late INTEGER,
              followed_up_by TEXT REFERENCES users(id), followed_up_at INTEGER,
              UNIQUE(career_centre_id, year, quarter)) STRICT;
            CREATE INDEX quality_evaluations_region ON quality_evaluations(region_id);
            CREATE TABLE family_residence(
              id TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
              status TEXT NOT NULL CHECK(status IN ('in_region','left_region')), since TEXT NOT NULL, note TEXT,
              recorded_by TEXT NOT NULL REFERENCES users(id), recorded_at INTEGER NOT NULL) STRICT;
            CREATE INDEX family_residence_family ON family_residence(family_id, since);
            """)
    }

    /// Consent and the application (Rules 2, paras 6, 12, Annex 2): each adult member's consent
    /// with the signed form (its bytes kept by content address), and the member's Annex 2 category.
    static func consent(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE consent_forms(
              sha256 TEXT PRIMARY KEY, content_type TEXT NOT NULL, size INTEGER NOT NULL, bytes BLOB NOT NULL) STRICT;
            CREATE TABLE member_consents(
              id TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
              member_id TEXT NOT NULL REFERENCES members(id), given_on TEXT NOT NULL,
              form_sha256 TEXT NOT NULL REFERENCES consent_forms(sha256), form_name TEXT,
              recorded_by TEXT NOT NULL REFERENCES users(id), recorded_at INTEGER NOT NULL, withdrawn_on TEXT,
              withdrawal_reason TEXT, withdrawn_by TEXT REFERENCES users(id), withdrawn_at INTEGER) STRICT;
            CREATE INDEX member_consents_member ON member_consents(member_id);
            CREATE INDEX member_consents_family ON member_consents(family_id);
            CREATE TABLE member_categories(
              member_id TEXT PRIMARY KEY REFERENCES members(id), family_id TEXT NOT NULL REFERENCES families(id),
              category TEXT NOT NULL CHECK(category IN ('applicant','spouse','parent','child','sibling')),
              rk_citizen INTEGER NOT NULL, recorded_by TEXT NOT NULL REFERENCES users(id),
              recorded_at INTEGER NOT NULL) STRICT;
            CREATE INDEX member_categories_family ON member_categories(family_id);
            """)
        try resetConsent(db)
    }

    /// The family boolean of before was never backed by a signed form: a family with an adult
    /// member starts over without consent (a family of minors only needs none). The PostgreSQL
    /// twin of 0016 runs the same statement.
    static func resetConsent(_ db: any DatabaseConnection) throws {
        _ = try db.run(
            "UPDATE families SET consent_recorded = CASE WHEN EXISTS(SELECT 1 FROM members m WHERE"
                + " m.family_id = families.id AND m.birth_date <= ?) THEN 0 ELSE 1 END",
            ConsentRules.adultBornOnOrBefore(ConsoleReports.today(Int64(Date().timeIntervalSince1970 * 1000)))
                .description)
    }
}
