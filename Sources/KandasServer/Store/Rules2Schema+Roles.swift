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
        try StayStore.rebuildUsers(db, roleCheck: roleCheck)
        try db.execute(
            """
            ALTER TABLE plans ADD COLUMN approved_by TEXT REFERENCES users(id);
            """)
    }
}
