import KandasProtocol
import KandasStore

/// Reads and maps regions, career centres and users.
enum OrganisationStore {
    static let regionColumns = "r.rowid AS _rowid, r.id, r.code, r.kind, r.name_kk, r.name_ru, r.name_en"
    static let centreColumns =
        "c.rowid AS _rowid, c.id, c.region_id, c.name, c.address, c.version, c.created_at, c.updated_at"
    static let userColumns =
        "u.rowid AS _rowid, u.id, u.username, u.display_name, u.role, u.region_id, u.career_centre_id, u.active,"
        + " u.version, u.created_at, u.updated_at, u.last_login_at"

    static func region(_ row: DatabaseRow) throws -> RegionInfo {
        RegionInfo(
            id: try wireID(row, "id"), code: try row.string("code"),
            kind: RegionKind(rawValue: try row.string("kind")) ?? .region, nameKk: try row.string("name_kk"),
            nameRu: try row.string("name_ru"), nameEn: try row.string("name_en"))
    }

    static func centre(_ row: DatabaseRow) throws -> CareerCentre {
        CareerCentre(
            id: try wireID(row, "id"), regionID: try wireID(row, "region_id"), name: try row.string("name"),
            address: row.optionalString("address"), version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    static func user(_ row: DatabaseRow) throws -> User {
        User(
            id: try wireID(row, "id"), username: try row.string("username"),
            displayName: try row.string("display_name"), role: UserRole(rawValue: try row.string("role")) ?? .auditor,
            regionID: row.optionalString("region_id").flatMap { WireID($0) },
            careerCentreID: row.optionalString("career_centre_id").flatMap { WireID($0) },
            active: try row.bool("active"), version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")),
            lastLoginAt: timestamp(row, "last_login_at"))
    }

    /// A career centre visible to `p`, or `404 not_found`.
    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func centre(
        _ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false
    ) throws -> CareerCentre {
        let scope = p.scope.organisation(region: "c.region_id", centre: "c.id")
        guard
            let row = try db.queryOne(
                "SELECT \(centreColumns) FROM career_centres c WHERE c.id = ? AND \(scope.sql)"
                    + (locked ? db.dialect.forUpdate : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such career centre") }
        return try centre(row)
    }

    /// A user visible to `p`, or `404 not_found`.
    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func user(_ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false) throws -> User {
        let scope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        guard
            let row = try db.queryOne(
                "SELECT \(userColumns) FROM users u WHERE u.id = ? AND \(scope.sql)"
                    + (locked ? db.dialect.forUpdate : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such user") }
        return try user(row)
    }

    /// Any user by ID, ignoring scope (for token checks).
    static func user(_ db: any DatabaseConnection, id: String) throws -> User? {
        try db.queryOne("SELECT \(userColumns) FROM users u WHERE u.id = ?", id).map(user)
    }

    /// The region of a career centre that exists, or nil.
    static func regionOfCentre(_ db: any DatabaseConnection, _ centreID: String) throws -> String? {
        try db.queryOne("SELECT region_id FROM career_centres WHERE id = ?", centreID)?.optionalString("region_id")
    }
}
