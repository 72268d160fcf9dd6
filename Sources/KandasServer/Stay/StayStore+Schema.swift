import KandasStore

/// The Centre-stay tables (Rules 1; Protocol/stay-v1.md), every table `STRICT`.
///
/// Dates are `YYYY-MM-DD` text (Asia/Almaty days); times are integer milliseconds. Counters that
/// give numbers (journal serials, queue order, referral and complaint numbers) are assigned inside
/// the write transaction, so their order is the server's commit order, never a client's clock.
extension StayStore {
    /// The user roles the `users.role` CHECK admits (the two Rules 1 roles added).
    static let roleCheck =
        "'field_worker','centre_supervisor','region_admin','national_admin','auditor','migration_officer','aic_staff'"

    /// Widens the `users.role` CHECK by rebuilding the table (SQLite cannot alter a CHECK); run
    /// with foreign keys off (``Migrator/registerRebuild(_:_:)``), same columns in the same order.
    static func widenRoles(_ db: any DatabaseConnection) throws {
        try rebuildUsers(db, roleCheck: roleCheck)
    }

    /// The `users` table rebuilt with `roleCheck` as its role CHECK (0010 and 0017 run it with
    /// their own lists; the SQL is the same for both, so the two stored schemas stay identical).
    static func rebuildUsers(_ db: any DatabaseConnection, roleCheck: String) throws {
        try db.execute(
            """
            CREATE TABLE users_new(
              id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
              role TEXT NOT NULL CHECK(role IN (\(roleCheck))),
              region_id TEXT REFERENCES regions(id), career_centre_id TEXT REFERENCES career_centres(id),
              active INTEGER NOT NULL, password_hash TEXT NOT NULL, version INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_login_at INTEGER) STRICT;
            INSERT INTO users_new SELECT * FROM users;
            DROP TABLE users;
            ALTER TABLE users_new RENAME TO users;
            CREATE INDEX users_centre ON users(career_centre_id);
            CREATE INDEX users_region ON users(region_id);
            """)
    }

    static func migrate(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE stay_centres(
              id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES regions(id), name TEXT NOT NULL, address TEXT,
              capacity INTEGER NOT NULL CHECK(capacity BETWEEN 1 AND 10000),
              next_queue_seq INTEGER NOT NULL, next_referral INTEGER NOT NULL, next_complaint INTEGER NOT NULL,
              version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX stay_centres_region ON stay_centres(region_id);
            CREATE TABLE stay_journals(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id), number INTEGER NOT NULL,
              opened_on TEXT NOT NULL, closed_on TEXT, next_serial INTEGER NOT NULL,
              UNIQUE(centre_id, number)) STRICT;
            CREATE TABLE stay_applications(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id),
              region_id TEXT NOT NULL REFERENCES regions(id), journal_id TEXT NOT NULL REFERENCES stay_journals(id),
              serial INTEGER NOT NULL, queue_seq INTEGER NOT NULL, registered_on TEXT NOT NULL,
              applied_on TEXT NOT NULL, addressee TEXT NOT NULL, birth_place TEXT NOT NULL,
              country_of_origin TEXT NOT NULL, kandas_status_document TEXT NOT NULL, kandas_status_until TEXT,
              family_members INTEGER NOT NULL,
              status TEXT NOT NULL CHECK(status IN ('registered','reserve','referred','placed','lapsed','closed')),
              considered_on TEXT, reserve_reason TEXT, referral_id TEXT, family_id TEXT REFERENCES families(id),
              signature_type TEXT, signature_sha256 TEXT, signature BLOB,
              version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
              UNIQUE(journal_id, serial), UNIQUE(centre_id, queue_seq)) STRICT;
            CREATE INDEX stay_applications_region ON stay_applications(region_id);
            CREATE INDEX stay_applications_family ON stay_applications(family_id);
            CREATE TABLE stay_persons(
              id TEXT PRIMARY KEY, application_id TEXT NOT NULL REFERENCES stay_applications(id),
              position INTEGER NOT NULL, full_name TEXT NOT NULL, birth_date TEXT NOT NULL, kinship TEXT NOT NULL,
              adult INTEGER NOT NULL, coupon_number TEXT, coupon_issued_on TEXT,
              UNIQUE(application_id, position)) STRICT;
            CREATE TABLE stay_referrals(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id),
              region_id TEXT NOT NULL REFERENCES regions(id),
              application_id TEXT NOT NULL UNIQUE REFERENCES stay_applications(id), number INTEGER NOT NULL,
              issued_on TEXT NOT NULL, move_in_by TEXT NOT NULL,
              status TEXT NOT NULL CHECK(status IN ('issued','used','lapsed')), used_on TEXT, lapsed_on TEXT,
              created_at INTEGER NOT NULL, UNIQUE(centre_id, number)) STRICT;
            CREATE TABLE stay_residents(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id),
              region_id TEXT NOT NULL REFERENCES regions(id),
              application_id TEXT NOT NULL REFERENCES stay_applications(id),
              referral_id TEXT NOT NULL REFERENCES stay_referrals(id),
              person_id TEXT NOT NULL UNIQUE REFERENCES stay_persons(id), placed_on TEXT NOT NULL,
              stay_ends_by TEXT NOT NULL, status TEXT NOT NULL CHECK(status IN ('resident','ended','vacated')),
              ended_on TEXT, end_reason TEXT CHECK(end_reason IN ('term','status_ended','eviction','left')),
              vacate_by TEXT, vacated_on TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX stay_residents_application ON stay_residents(application_id);
            CREATE TABLE stay_complaints(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id),
              region_id TEXT NOT NULL REFERENCES regions(id), resident_id TEXT NOT NULL REFERENCES stay_residents(id),
              number INTEGER NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('complaint','petition','other')),
              received_on TEXT NOT NULL, summary TEXT NOT NULL, created_at INTEGER NOT NULL,
              UNIQUE(centre_id, number)) STRICT;
            CREATE TABLE stay_terminations(
              id TEXT PRIMARY KEY, centre_id TEXT NOT NULL REFERENCES stay_centres(id),
              region_id TEXT NOT NULL REFERENCES regions(id),
              application_id TEXT NOT NULL REFERENCES stay_applications(id),
              scope TEXT NOT NULL CHECK(scope IN ('family','member')), resident_id TEXT REFERENCES stay_residents(id),
              requested_on TEXT NOT NULL, grounds TEXT NOT NULL, decide_by TEXT NOT NULL,
              status TEXT NOT NULL CHECK(status IN ('pending','kept','evicted')), decided_on TEXT,
              decision_document TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            """)
    }
}
