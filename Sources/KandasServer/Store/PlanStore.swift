import KandasDomain
import KandasProtocol
import KandasStore

/// Plans, items and item versions: mapping, scoped lookups and the writes shared by handlers and imports.
enum PlanStore {
    static let planColumns =
        "p.rowid AS _rowid, p.id, p.family_id, p.status, p.version, p.created_at, p.updated_at, p.agreed_at,"
        + " p.approved_at, p.approved_by, p.published_at, p.publication_due, p.publication_late"
    static let itemColumns =
        "i.rowid AS _rowid, i.id, i.plan_id, i.family_id, i.member_id, i.service_code, i.due_date, i.instructions,"
        + " i.assigned_worker_id, i.status, i.version, i.completion_count, i.cancel_reason, i.created_at, i.updated_at"
    /// Asia/Almaty is UTC+5 all year (no daylight saving since 2024).
    static let almatyOffset: Int64 = 5 * 3600 * 1000

    static func plan(_ row: DatabaseRow) throws -> Plan {
        Plan(
            id: try wireID(row, "id"), familyID: try wireID(row, "family_id"),
            status: PlanStatus(rawValue: try row.string("status")) ?? .draft, version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")),
            agreedAt: timestamp(row, "agreed_at"), approvedAt: timestamp(row, "approved_at"),
            publishedAt: timestamp(row, "published_at"), publicationDue: timestamp(row, "publication_due"),
            publicationLate: try row.bool("publication_late"),
            publicationDueProvisional: publicationProvisional(
                approvedAt: row.optionalInt("approved_at"), due: row.optionalInt("publication_due")),
            approvedBy: row["approved_by"].isNull ? nil : try wireID(row, "approved_by"))
    }

    /// Whether a plan's publication deadline is provisional on the calendar in force (calendar.md rule 7).
    static func publicationProvisional(approvedAt: Int64?, due: Int64?) -> Bool {
        guard let approvedAt, let due else { return false }
        return ActiveCalendar.deadlines.isProvisional(from: localDay(approvedAt), to: localDay(due))
    }

    /// The Kazakhstan-time calendar day of an instant.
    static func localDay(_ t: Int64) -> LocalDate {
        LocalDate(dayNumber: Int((t + almatyOffset).floorDiv(86_400_000)))
    }

    static func item(_ row: DatabaseRow) throws -> PlanItem {
        PlanItem(
            id: try wireID(row, "id"), planID: try wireID(row, "plan_id"), familyID: try wireID(row, "family_id"),
            memberID: try wireID(row, "member_id"), serviceCode: Int(try row.int("service_code")),
            dueDate: try calendarDate(row, "due_date"), instructions: row.optionalString("instructions"),
            assignedWorkerID: row.optionalString("assigned_worker_id").flatMap { WireID($0) },
            status: PlanItemStatus(rawValue: try row.string("status")) ?? .open, version: Int(try row.int("version")),
            completionCount: Int(try row.int("completion_count")), cancelReason: row.optionalString("cancel_reason"),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    /// A plan visible to `p` (through its family), or `404 not_found`.
    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func plan(_ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false) throws -> Plan {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(planColumns) FROM plans p JOIN families f ON f.id = p.family_id WHERE p.id = ? AND \(scope.sql)"
                    + (locked ? db.dialect.forUpdate(of: "p") : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such plan") }
        return try plan(row)
    }

    /// `locked`: for a read-check-write of the row's version (Protocol §1.4), the row stays locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's one writer already excludes others).
    static func item(
        _ db: any DatabaseConnection, id: String, for p: Principal, locked: Bool = false
    ) throws -> PlanItem {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(itemColumns) FROM plan_items i JOIN families f ON f.id = i.family_id WHERE i.id = ?"
                    + " AND \(scope.sql)" + (locked ? db.dialect.forUpdate(of: "i") : ""),
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such plan item") }
        return try item(row)
    }

    static func detail(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> PlanDetail {
        let plan = try plan(db, id: id, for: p)
        let items = try db.query("SELECT \(itemColumns) FROM plan_items i WHERE i.plan_id = ? ORDER BY i.rowid", id)
            .map(item)
        return PlanDetail(plan: plan, items: items)
    }

    /// Checks a new item against its family: member of the family, service 1-25, worker of the centre.
    static func checkItem(
        _ db: any DatabaseConnection, familyID: String, centreID: String, memberID: String, serviceCode: Int,
        instructions: String?, workerID: String?, pointer: String, dueDate: String? = nil
    ) throws -> [FieldError] {
        var errors: [FieldError] = []
        if let dueDate, let error = try checkDueDate(db, familyID: familyID, dueDate: dueDate, pointer: pointer) {
            errors.append(error)
        }
        if !(try db.exists("SELECT 1 FROM members WHERE id = ? AND family_id = ?", memberID, familyID)) {
            errors.append(
                FieldError(pointer: pointer + "/member_id", code: .invalidField, detail: "not a member of the family"))
        }
        if (try? ServiceCatalog.service(code: serviceCode)) == nil {
            errors.append(
                FieldError(pointer: pointer + "/service_code", code: .invalidField, detail: "service codes are 1-25"))
        }
        collect(&errors) { try Validation.optionalText(instructions, pointer + "/instructions", max: 2000) }
        if let workerID,
            !(try db.exists(
                "SELECT 1 FROM users WHERE id = ? AND role = 'field_worker' AND career_centre_id = ?", workerID,
                centreID))
        {
            errors.append(
                FieldError(
                    pointer: pointer + "/assigned_worker_id", code: .invalidField,
                    detail: "not a field worker of the family's centre"))
        }
        return errors
    }

    /// Rules 2, para 33: service deadlines run from the family's inclusion in the regional quota,
    /// so an item cannot be due before that date (`422 invalid_field` at `<pointer>/due_date`).
    static func checkDueDate(
        _ db: any DatabaseConnection, familyID: String, dueDate: String, pointer: String
    ) throws -> FieldError? {
        guard
            let quota = try db.queryOne("SELECT quota_inclusion_date FROM families WHERE id = ?", familyID)?
                .optionalString("quota_inclusion_date"),
            dueDate < quota
        else { return nil }
        return FieldError(
            pointer: pointer + "/due_date", code: .invalidField,
            detail: "due before the family's quota inclusion date \(quota) (Rules 2, para 33)")
    }

    /// `bin_id` is the item's ID as completions' `item_id` holds it (a 16-byte blob on SQLite, migration
    /// 0047; the text on PostgreSQL): their foreign key's parent key on SQLite.
    static let insertItemSQL =
        "INSERT INTO plan_items(id, bin_id, plan_id, family_id, member_id, service_code, due_date, instructions,"
        + " assigned_worker_id, status, version, created_at, updated_at) VALUES(?,kid(?),?,?,?,?,?,?,?,'open',1,?,?)"

    /// Inserts an item (version 1, with its `create` version row).
    static func insertItem(
        _ db: any DatabaseConnection, planID: String, familyID: String, memberID: String, serviceCode: Int,
        dueDate: String,
        instructions: String?, workerID: String?, actorID: String, now: Int64
    ) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            insertItemSQL, id, id, planID, familyID, memberID, serviceCode, dueDate, instructions, workerID, now, now)
        try recordVersion(db, itemID: id, action: .create, actorID: actorID, reason: nil, now: now)
        // In the feed from birth; pull sends items only while their plan is published (Protocol §7.2).
        try FamilyStore.recordChange(db, entity: .planItem, id: id, familyID: familyID, op: .create)
        return id
    }

    /// Records the item's state after a change as a `PlanItemVersion` row.
    static func recordVersion(
        _ db: any DatabaseConnection, itemID: String, action: PlanItemAction, actorID: String, reason: String?,
        now: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO plan_item_versions(item_id, version, action, changed_at, changed_by, due_date, instructions,"
                + " assigned_worker_id, status, reason) SELECT id, version, ?, ?, ?, due_date, instructions,"
                + " assigned_worker_id, status, ? FROM plan_items WHERE id = ?", action.rawValue, now, actorID, reason,
            itemID)
    }

    static func version(_ row: DatabaseRow) throws -> PlanItemVersion {
        PlanItemVersion(
            itemID: try wireID(row, "item_id"), version: Int(try row.int("version")),
            action: PlanItemAction(rawValue: try row.string("action")) ?? .edit,
            changedAt: Timestamp(millisecondsSince1970: try row.int("changed_at")),
            changedBy: try wireID(row, "changed_by"),
            fields: PlanItemFields(
                dueDate: try calendarDate(row, "due_date"), instructions: row.optionalString("instructions"),
                assignedWorkerID: row.optionalString("assigned_worker_id").flatMap { WireID($0) },
                status: PlanItemStatus(rawValue: try row.string("status")) ?? .open),
            reason: row.optionalString("reason"))
    }

    /// The end (23:59:59.999 Almaty time) of the publication deadline for a plan approved at `approvedAt`.
    static func publicationDue(approvedAt: Int64) -> Int64 {
        let localDay = (approvedAt + almatyOffset) / 86_400_000
        let approvedOn = LocalDate(dayNumber: Int(localDay))
        let due = ActiveCalendar.deadlines.publicationDeadline(approvedOn: approvedOn)
        let dueDay = Int64(due.dayNumber)
        return (dueDay + 1) * 86_400_000 - almatyOffset - 1
    }
}
