import KandasStore

extension Rules2Schema {
    /// The user roles the `users.role` CHECK admits after 0017 (the Rules 2 plan approver added).
    static let roleCheck = StayStore.roleCheck + ",'labour_mobility_officer'"

    /// `0017-labour-mobility-role` (Rules 2, para 34): the receiving region's labour mobility centre
    /// approves plans, so `users.role` admits `labour_mobility_officer` (the table is rebuilt as in
    /// ``StayStore/widenRoles(_:)``: SQLite cannot alter a CHECK; run with foreign keys off, same
    /// columns in the same order) and a plan records who approved it (`plans.approved_by`, null for
    /// plans approved before this migration, whose approver only the audit log names).
    static func labourMobilityRole(_ db: any DatabaseConnection) throws {
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
            ALTER TABLE plans ADD COLUMN approved_by TEXT REFERENCES users(id);
            """)
    }
}
