import KandasProtocol
import KandasStore

/// Regions, career centres and users: the admin API's lists and writes.
extension OrganisationStore {
    /// Regions (reference data every staff role reads), optionally of one kind.
    static func regions(_ db: any DatabaseConnection, kind: RegionKind?, paging: Pagination) throws -> Page<RegionInfo>
    {
        var list = ListQuery(
            select: "SELECT \(regionColumns) FROM regions r", key: "r.rowid",
            scope: AccessScope.referenceData.families())
        list.equal("r.kind", kind?.rawValue)
        return try paging.page(db, list, map: region)
    }

    /// A region, or `404 not_found`.
    static func region(_ db: any DatabaseConnection, id: String) throws -> RegionInfo {
        guard let row = try db.queryOne("SELECT \(regionColumns) FROM regions r WHERE r.id = ?", id) else {
            throw ServerError(.notFound, "no such region")
        }
        return try region(row)
    }

    /// The IDs of the regions with these codes, by code.
    static func regionIDs(_ db: any DatabaseConnection, codes: [String]) throws -> [String] {
        try db.query(
            "SELECT id FROM regions WHERE code IN (SELECT value FROM \(db.dialect.jsonTextArrayElements(parameter: "?")))"
                + " ORDER BY code", String(decoding: try JSONCoding.encode(codes), as: UTF8.self)
        ).map { try $0.string("id") }
    }

    /// Whether a region exists.
    static func regionExists(_ db: any DatabaseConnection, _ id: String) throws -> Bool {
        try db.exists("SELECT 1 FROM regions WHERE id = ?", id)
    }

    /// Career centres in scope, optionally of one region.
    static func centres(
        _ db: any DatabaseConnection, regionID: String?, for scope: AccessScope, paging: Pagination
    ) throws -> Page<CareerCentre> {
        var list = ListQuery(
            select: "SELECT \(centreColumns) FROM career_centres c", key: "c.rowid",
            scope: scope.organisation(region: "c.region_id", centre: "c.id"))
        list.equal("c.region_id", regionID)
        return try paging.page(db, list, map: centre)
    }

    /// Inserts a career centre; returns its ID.
    static func insertCentre(
        _ db: any DatabaseConnection, regionID: String, name: String, address: String?, now: Int64
    ) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO career_centres(id, region_id, name, address, version, created_at, updated_at)"
                + " VALUES(?,?,?,?,1,?,?)", id, regionID, name, address, now, now)
        return id
    }

    /// Renames a centre already found in scope.
    static func updateCentre(
        _ db: any DatabaseConnection, _ centre: CareerCentre, name: String, address: String?, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE career_centres SET name = ?, address = ?, version = version + 1, updated_at = ? WHERE id = ?",
            name, address, now, centre.id.description)
    }

    /// The filters of the users list (validated by the handler).
    struct UserFilter {
        var role: UserRole?
        var regionID: String?
        var careerCentreID: String?
        var active: Bool?
    }

    /// Users in scope with the filters.
    static func users(
        _ db: any DatabaseConnection, _ filter: UserFilter, for scope: AccessScope, paging: Pagination
    ) throws -> Page<User> {
        var list = ListQuery(
            select: "SELECT \(userColumns) FROM users u", key: "u.rowid",
            scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        list.equal("u.role", filter.role?.rawValue)
        list.equal("u.region_id", filter.regionID)
        list.equal("u.career_centre_id", filter.careerCentreID)
        list.equal("u.active", filter.active)
        return try paging.page(db, list, map: user)
    }

    /// The ID of the user with a username, or `nil`.
    static func userID(_ db: any DatabaseConnection, username: String) throws -> String? {
        try db.queryOne("SELECT id FROM users WHERE username = ?", username).flatMap { $0.optionalString("id") }
    }

    /// Whether a username is taken.
    static func usernameTaken(_ db: any DatabaseConnection, _ username: String) throws -> Bool {
        try db.exists("SELECT 1 FROM users WHERE username = ?", username)
    }

    /// Inserts an active user; returns its ID.
    static func insertUser(
        _ db: any DatabaseConnection, username: String, displayName: String, role: UserRole, regionID: String?,
        centreID: String?, passwordHash: String, now: Int64
    ) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO users(id, username, display_name, role, region_id, career_centre_id, active, password_hash,"
                + " version, created_at, updated_at) VALUES(?,?,?,?,?,?,1,?,1,?,?)", id, username, displayName,
            role.rawValue, regionID, centreID, passwordHash, now, now)
        return id
    }

    /// Updates a user already found in scope; `endSessions` (a disabled account, a new password)
    /// revokes every session (devices stay until revoked).
    static func updateUser(
        _ db: any DatabaseConnection, id: String, displayName: String, role: UserRole, regionID: String?,
        centreID: String?, active: Bool, passwordHash: String?, endSessions: Bool, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE users SET display_name = ?, role = ?, region_id = ?, career_centre_id = ?, active = ?,"
                + " password_hash = COALESCE(?, password_hash), version = version + 1, updated_at = ? WHERE id = ?",
            displayName, role.rawValue, regionID, centreID, active, passwordHash, now, id)
        if endSessions {
            _ = try db.run("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, id)
        }
    }
}

extension AccessScope {
    /// Reference data every staff role reads (the 20 regions): no row of it is anyone's.
    fileprivate static let referenceData = AccessScope.system(
        SystemAccess(reason: "regions are reference data for every role"))
}
