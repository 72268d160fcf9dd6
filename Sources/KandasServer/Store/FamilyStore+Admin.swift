import KandasProtocol
import KandasStore

/// Families and members: the admin API's list and writes.
extension FamilyStore {
    /// The filters of the families list (validated by the handler).
    struct ListFilter {
        var careerCentreID: String?
        var regionID: String?
        var workerID: String?
        var memberIIN: String?
    }

    /// Families in scope with the filters.
    static func families(
        _ db: any DatabaseConnection, _ filter: ListFilter, for scope: AccessScope, paging: Pagination
    ) throws -> Page<Family> {
        var list = ListQuery(
            select: "SELECT \(familyColumns) FROM families f", key: "f.rowid", scope: scope.families())
        list.equal("f.career_centre_id", filter.careerCentreID)
        list.equal("f.region_id", filter.regionID)
        if let worker = filter.workerID {
            list.filter(
                "EXISTS(SELECT 1 FROM family_workers w WHERE w.family_id = f.id AND w.user_id = ?)", .text(worker))
        }
        if let iin = filter.memberIIN {
            list.filter("EXISTS(SELECT 1 FROM members mm WHERE mm.family_id = f.id AND mm.iin = ?)", .text(iin))
        }
        return try paging.page(db, list) { try family(db, $0) }
    }

    /// The members of a family in scope, a page at a time.
    static func members(
        _ db: any DatabaseConnection, familyID: String, for p: Principal, paging: Pagination
    ) throws -> Page<Member> {
        _ = try family(db, id: familyID, for: p)
        var list = ListQuery(
            select: "SELECT \(memberColumns) FROM members m JOIN families f ON f.id = m.family_id", key: "m.rowid",
            scope: p.scope.families())
        list.equal("m.family_id", familyID)
        return try paging.page(db, list, map: member)
    }

    /// Replaces the workers of a family (already checked with ``checkWorkers(_:_:centreID:pointer:)``).
    static func replaceWorkers(_ db: any DatabaseConnection, familyID: String, _ workers: [WireID]) throws {
        _ = try db.run("DELETE FROM family_workers WHERE family_id = ?", familyID)
        for (i, worker) in workers.enumerated() {
            _ = try db.run(
                "INSERT INTO family_workers(family_id, user_id, position) VALUES(?,?,?)", familyID, worker.description,
                i)
        }
    }

    /// Updates a family found in scope and records the change for the sync feed (reassignment
    /// changes which devices see it).
    static func update(
        _ db: any DatabaseConnection, id: String, settlement s: Settlement, address: String?, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE families SET settlement_name = ?, settlement_latitude = ?, settlement_longitude = ?,"
                + " address = ?, version = version + 1, updated_at = ? WHERE id = ?", s.name, s.latitude,
            s.longitude, address, now, id)
        try recordChange(db, entity: .family, id: id, familyID: id, op: .update)
    }

    /// The number of members of a family.
    static func memberCount(_ db: any DatabaseConnection, familyID: String) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM members WHERE family_id = ?", familyID).integerValue ?? 0
    }

    /// A member whose family is in scope, or `404 not_found`.
    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func member(
        _ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false
    ) throws -> Member {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(memberColumns) FROM members m JOIN families f ON f.id = m.family_id"
                    + " WHERE m.id = ? AND \(scope.sql)" + (locked ? db.dialect.forUpdate(of: "m") : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such member") }
        return try member(row)
    }

    /// Updates a member found in scope and records the change for the sync feed.
    static func updateMember(
        _ db: any DatabaseConnection, _ current: Member, lastName: String, firstName: String, patronymic: String?,
        relation: Relation, now: Int64
    ) throws {
        let id = current.id.description
        _ = try db.run(
            "UPDATE members SET last_name = ?, first_name = ?, patronymic = ?, relation = ?, version = version + 1,"
                + " updated_at = ? WHERE id = ?", lastName, firstName, patronymic, relation.rawValue, now, id)
        try recordChange(db, entity: .member, id: id, familyID: current.familyID.description, op: .update)
    }
}

extension DatabaseValue {
    /// The integer, or `nil` for any other kind.
    var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
