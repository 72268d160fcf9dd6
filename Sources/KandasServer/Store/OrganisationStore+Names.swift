import KandasStore

extension OrganisationStore {
    /// The name of the career centre of a family the caller already found through a scoped lookup
    /// (the road map prints it for roles that do not read centres themselves); nil when unknown.
    static func centreName(_ db: any DatabaseConnection, id: String) throws -> String? {
        try db.queryOne("SELECT name FROM career_centres WHERE id = ?", id)?.string("name")
    }
}
