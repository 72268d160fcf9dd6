import KandasDomain
import KandasProtocol
import KandasStore

/// Families and members: mapping, scoped lookups, validation and creation (shared with imports).
enum FamilyStore {
    static let familyColumns =
        "f.rowid AS _rowid, f.id, f.region_id, f.career_centre_id, f.settlement_name, f.settlement_latitude,"
        + " f.settlement_longitude, f.address, f.quota_inclusion_date, f.consent_recorded, f.version, f.created_at,"
        + " f.updated_at"
    static let memberColumns =
        "m.rowid AS _rowid, m.id, m.family_id, m.iin, m.last_name, m.first_name, m.patronymic, m.birth_date,"
        + " m.relation, m.version, m.created_at, m.updated_at"

    static func family(_ db: any DatabaseConnection, _ row: DatabaseRow) throws -> Family {
        let id = try row.string("id")
        let workers = try db.query("SELECT user_id FROM family_workers WHERE family_id = ? ORDER BY position", id)
            .map { try wireID($0, "user_id") }
        let lat = row["settlement_latitude"]
        let lon = row["settlement_longitude"]
        return Family(
            id: try wireID(row, "id"), regionID: try wireID(row, "region_id"),
            careerCentreID: try wireID(row, "career_centre_id"), assignedWorkerIDs: workers,
            settlement: Settlement(
                name: try row.string("settlement_name"),
                latitude: lat.isNull ? nil : try row.double("settlement_latitude"),
                longitude: lon.isNull ? nil : try row.double("settlement_longitude")),
            address: row.optionalString("address"), quotaInclusionDate: try calendarDate(row, "quota_inclusion_date"),
            consentRecorded: try row.bool("consent_recorded"), version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    static func member(_ row: DatabaseRow) throws -> Member {
        Member(
            id: try wireID(row, "id"), familyID: try wireID(row, "family_id"), iin: try row.string("iin"),
            lastName: try row.string("last_name"), firstName: try row.string("first_name"),
            patronymic: row.optionalString("patronymic"), birthDate: try calendarDate(row, "birth_date"),
            relation: Relation(rawValue: try row.string("relation")) ?? .other, version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    /// A family visible to `p`, or `404 not_found`.
    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func family(
        _ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false
    ) throws -> Family {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(familyColumns) FROM families f WHERE f.id = ? AND \(scope.sql)"
                    + (locked ? db.dialect.forUpdate(of: "f") : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such family") }
        return try family(db, row)
    }

    static func members(_ db: any DatabaseConnection, familyID: String) throws -> [Member] {
        try db.query("SELECT \(memberColumns) FROM members m WHERE m.family_id = ? ORDER BY m.rowid", familyID)
            .map(member)
    }

    static func detail(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> FamilyDetail {
        FamilyDetail(family: try family(db, id: id, for: p), members: try members(db, familyID: id))
    }

    /// Checks the workers of a family: 1-10 distinct active field workers of `centreID`.
    static func checkWorkers(
        _ db: any DatabaseConnection, _ ids: [WireID], centreID: String, pointer: String
    ) throws -> [FieldError] {
        guard (1...10).contains(ids.count), Set(ids).count == ids.count else {
            return [FieldError(pointer: pointer, code: .invalidField, detail: "1-10 distinct workers")]
        }
        var errors: [FieldError] = []
        for (i, id) in ids.enumerated() {
            let ok = try db.exists(
                "SELECT 1 FROM users WHERE id = ? AND role = 'field_worker' AND career_centre_id = ? AND active = 1",
                id.description, centreID)
            if !ok {
                errors.append(
                    FieldError(
                        pointer: "\(pointer)/\(i)", code: .invalidField,
                        detail: "not an active field worker of the family's career centre"))
            }
        }
        return errors
    }

    /// Checks one new member; `seen` holds IINs already used earlier in the same request.
    static func checkMember(
        _ db: any DatabaseConnection, _ m: MemberCreate, pointer: String, seen: inout Set<String>
    ) throws -> [FieldError] {
        var errors: [FieldError] = []
        for (value, field) in [(m.lastName, "last_name"), (m.firstName, "first_name")] {
            collect(&errors) { try Validation.text(value, "\(pointer)/\(field)", max: 100) }
        }
        collect(&errors) { try Validation.optionalText(m.patronymic, "\(pointer)/patronymic", max: 100) }
        do {
            let iin = try IIN(m.iin)
            if iin.birthDate.description != m.birthDate.description {
                errors.append(
                    FieldError(pointer: "\(pointer)/birth_date", code: .invalidIIN, detail: "disagrees with the IIN"))
            } else if try seen.contains(m.iin) || db.exists("SELECT 1 FROM members WHERE iin = ?", m.iin) {
                errors.append(
                    FieldError(pointer: "\(pointer)/iin", code: .conflict, detail: "the IIN is already registered"))
            }
        } catch {
            errors.append(FieldError(pointer: "\(pointer)/iin", code: .invalidIIN, detail: "not a valid IIN"))
        }
        seen.insert(m.iin)
        return errors
    }

    /// Validates a new family for `p`: centre in scope, workers, settlement, members.
    static func validate(
        _ db: any DatabaseConnection, _ f: FamilyCreate, for p: Principal, seen: inout Set<String>
    ) throws
        -> [FieldError]
    {
        let centre = f.careerCentreID.description
        guard let region = try OrganisationStore.regionOfCentre(db, centre) else {
            return [FieldError(pointer: "/career_centre_id", code: .invalidField, detail: "no such career centre")]
        }
        guard p.scope.covers(regionID: region, centreID: centre), p.isWriter else {
            return [
                FieldError(pointer: "/career_centre_id", code: .outOfScope, detail: "the centre is outside your scope")
            ]
        }
        var errors = try checkWorkers(db, f.assignedWorkerIDs, centreID: centre, pointer: "/assigned_worker_ids")
        collect(&errors) { try Validation.coordinates(f.settlement, "/settlement") }
        collect(&errors) { try Validation.optionalText(f.address, "/address") }
        if !(1...30).contains(f.members.count) {
            errors.append(FieldError(pointer: "/members", code: .invalidField, detail: "1-30 members"))
        }
        for (i, m) in f.members.enumerated() {
            errors += try checkMember(db, m, pointer: "/members/\(i)", seen: &seen)
        }
        return errors
    }

    /// Inserts a validated family and its members; returns the family ID and member IDs by IIN.
    static func insert(_ db: any DatabaseConnection, _ f: FamilyCreate, now: Int64) throws -> (String, [String: String])
    {
        let id = WireID.random().description
        let centre = f.careerCentreID.description
        let region = try OrganisationStore.regionOfCentre(db, centre) ?? ""
        _ = try db.run(
            "INSERT INTO families(id, region_id, career_centre_id, settlement_name, settlement_latitude,"
                + " settlement_longitude, address, quota_inclusion_date, consent_recorded, version, created_at,"
                + " updated_at) VALUES(?,?,?,?,?,?,?,?,0,1,?,?)", id, region, centre, f.settlement.name,
            f.settlement.latitude, f.settlement.longitude, f.address, f.quotaInclusionDate.description, now, now)
        for (i, worker) in f.assignedWorkerIDs.enumerated() {
            _ = try db.run(
                "INSERT INTO family_workers(family_id, user_id, position) VALUES(?,?,?)", id, worker.description, i)
        }
        // Every new object enters the sync feed, so replaying the feed is a full snapshot (Protocol §7.3).
        try recordChange(db, entity: .family, id: id, familyID: id, op: .create)
        var members: [String: String] = [:]
        for m in f.members { members[m.iin] = try insertMember(db, m, familyID: id, now: now) }
        // Consent is recorded per adult member afterwards (Rules 2 para 12): a family of minors needs none.
        _ = try db.run(
            "UPDATE families SET consent_recorded = 1 WHERE id = ? AND NOT EXISTS(SELECT 1 FROM members m"
                + " WHERE m.family_id = ? AND m.birth_date <= ?)", id, id,
            ConsentRules.adultBornOnOrBefore(PlanStore.localDay(now)).description)
        return (id, members)
    }

    static func insertMember(
        _ db: any DatabaseConnection, _ m: MemberCreate, familyID: String, now: Int64
    ) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO members(id, family_id, iin, last_name, first_name, patronymic, birth_date, relation, version,"
                + " created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,1,?,?)", id, familyID, m.iin, m.lastName,
            m.firstName, m.patronymic, m.birthDate.description, m.relation.rawValue, now, now)
        try recordChange(db, entity: .member, id: id, familyID: familyID, op: .create)
        return id
    }

    /// Throws the problem for collected field errors: the first error's code decides the status.
    static func fail(_ errors: [FieldError]) throws(ServerError) {
        guard let first = errors.first else { return }
        let code = ErrorCode(rawValue: first.code) ?? .invalidField
        throw ServerError(code, first.detail, errors: errors)
    }

    /// Records a change for the sync feed (pull, issue 5) in the current transaction.
    static func recordChange(
        _ db: any DatabaseConnection, entity: ChangeEntity, id: String, familyID: String, op: FeedOp
    ) throws {
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op) VALUES(?,kid(?),kid(?),?)", FeedCodes.code(entity),
            id, familyID, op.rawValue)
    }
}
