import KandasProtocol
import KandasStore

/// Plans and items: the admin API's list, lifecycle steps and writes.
extension PlanStore {
    /// Plans in scope, optionally of one family, centre or status.
    static func plans(
        _ db: any DatabaseConnection, familyID: String?, careerCentreID: String?, status: PlanStatus?,
        for scope: AccessScope, paging: Pagination
    ) throws -> Page<Plan> {
        var list = ListQuery(
            select: "SELECT \(planColumns) FROM plans p JOIN families f ON f.id = p.family_id", key: "p.rowid",
            scope: scope.families())
        list.equal("p.family_id", familyID)
        list.equal("f.career_centre_id", careerCentreID)
        list.equal("p.status", status?.rawValue)
        return try paging.page(db, list, map: plan)
    }

    /// The versions of an item in scope, a page at a time.
    static func versions(
        _ db: any DatabaseConnection, itemID: String, for p: Principal, paging: Pagination
    ) throws -> Page<PlanItemVersion> {
        _ = try item(db, id: itemID, for: p)
        var list = ListQuery(
            select: "SELECT v.rowid AS _rowid, v.* FROM plan_item_versions v JOIN plan_items i ON i.id = v.item_id"
                + " JOIN families f ON f.id = i.family_id",
            key: "v.rowid", scope: p.scope.families())
        list.equal("v.item_id", itemID)
        return try paging.page(db, list, map: version)
    }

    /// Whether the family has a plan in `draft` (`beyondDraft`: in any other status).
    static func familyHasPlan(_ db: any DatabaseConnection, familyID: String, beyondDraft: Bool) throws -> Bool {
        try db.exists(
            beyondDraft
                ? "SELECT 1 FROM plans WHERE family_id = ? AND status != 'draft'"
                : "SELECT 1 FROM plans WHERE family_id = ? AND status = 'draft'", familyID)
    }

    /// Agrees, approves and publishes a plan at once at `now` (demo data; version 4 as after the
    /// three steps).
    static func publishAtOnce(_ db: any DatabaseConnection, planID: String, now: Int64) throws {
        _ = try db.run(
            "UPDATE plans SET status = 'published', version = 4, agreed_at = ?, approved_at = ?, published_at = ?,"
                + " publication_due = ? WHERE id = ?", now, now, now, publicationDue(approvedAt: now), planID)
    }

    /// Inserts a draft plan; returns its ID.
    static func insertPlan(_ db: any DatabaseConnection, familyID: String, now: Int64) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO plans(id, family_id, status, version, created_at, updated_at) VALUES(?,?,'draft',1,?,?)", id,
            familyID, now, now)
        return id
    }

    /// A family named in a body: unknown is `422 invalid_field`, out of scope `403 out_of_scope`.
    static func referencedFamily(
        _ db: any DatabaseConnection, _ id: String, _ p: Principal, pointer: String
    ) throws -> (id: String, centre: String) {
        guard let row = try db.queryOne("SELECT region_id, career_centre_id FROM families WHERE id = ?", id) else {
            throw ServerError.field(.invalidField, pointer, "no such family")
        }
        let centre = try row.string("career_centre_id")
        guard p.scope.covers(regionID: try row.string("region_id"), centreID: centre) else {
            throw ServerError.field(.outOfScope, pointer, "the family is outside your scope")
        }
        return (id, centre)
    }

    /// The career centre of a family (already found in scope through its plan).
    static func centreOfFamily(_ db: any DatabaseConnection, _ familyID: String) throws -> String {
        try db.queryOne("SELECT career_centre_id FROM families WHERE id = ?", familyID)?
            .optionalString("career_centre_id") ?? ""
    }

    /// Moves a plan found in scope one step (checked by the handler) at `at`; publishing enters
    /// the plan and its items into the sync feed. Bumps the version.
    ///
    /// - Throws: `409 conflict` (agreeing with another plan beyond draft), `invalid_transition`
    ///   (back to draft), `consent_missing` (publishing while an adult member has no current consent).
    static func transition(
        _ db: any DatabaseConnection, _ plan: Plan, to status: PlanStatus, at: Int64, now: Int64, by actorID: String
    ) throws {
        let id = plan.id.description
        let familyID = plan.familyID.description
        switch status {
        case .agreed:
            guard !(try familyHasPlan(db, familyID: familyID, beyondDraft: true)) else {
                throw ServerError(.conflict, "the family already has a plan beyond draft")
            }
            _ = try db.run("UPDATE plans SET status = 'agreed', agreed_at = ? WHERE id = ?", at, id)
        case .approved:
            _ = try db.run(
                "UPDATE plans SET status = 'approved', approved_at = ?, approved_by = ?, publication_due = ? WHERE id = ?",
                at, actorID, publicationDue(approvedAt: at), id)
        case .published:
            // Rules 2 para 12(3): every member adult on the publication day has a current consent
            // with its signed form; the family flag alone is never trusted.
            let missing = try ConsentStore.missing(db, familyID: familyID, on: localDay(at))
            guard missing.isEmpty else {
                throw ServerError(
                    .consentMissing,
                    "no current personal-data consent for adult member(s) " + missing.joined(separator: ", "))
            }
            // Rules 2 para 34: late publication is flagged, never refused.
            _ = try db.run(
                "UPDATE plans SET status = 'published', published_at = ?,"
                    + " publication_late = CASE WHEN ? > COALESCE(publication_due, ?) THEN 1 ELSE 0 END WHERE id = ?",
                at, at, at, id)
            try FamilyStore.recordChange(db, entity: .plan, id: id, familyID: familyID, op: .publish)
            for item in try db.query("SELECT id FROM plan_items WHERE plan_id = ? ORDER BY rowid", id) {
                try FamilyStore.recordChange(
                    db, entity: .planItem, id: try item.string("id"), familyID: familyID, op: .upsert)
            }
        case .draft:
            throw ServerError(.invalidTransition, "plans never go back to draft")
        }
        _ = try db.run("UPDATE plans SET version = version + 1, updated_at = ? WHERE id = ?", now, id)
    }
}

extension PlanStore {
    /// What a change does to an item's columns (the handler checked the request).
    enum ItemChange {
        case reschedule(dueDate: String)
        case reassign(workerID: String)
        case edit(instructions: String, dueDate: String?)
        case cancel(reason: String)
    }

    /// Whether `workerID` is an active field worker of the career centre of `familyID`.
    static func isActiveWorker(
        _ db: any DatabaseConnection, _ workerID: String, ofFamily familyID: String
    ) throws
        -> Bool
    {
        try db.exists(
            "SELECT 1 FROM users WHERE id = ? AND role = 'field_worker' AND career_centre_id = ? AND active = 1",
            workerID, try centreOfFamily(db, familyID))
    }

    /// Applies a change to an item found in scope: +1 version, a recorded version row, and the
    /// sync feed entry when its plan is published.
    static func change(
        _ db: any DatabaseConnection, _ item: PlanItem, plan: Plan, _ change: ItemChange, action: PlanItemAction,
        actorID: String, reason: String?, now: Int64
    ) throws {
        let id = item.id.description
        let sets: String
        let values: [DatabaseValue]
        switch change {
        case .reschedule(let due):
            sets = "due_date = ?"
            values = [.text(due)]
        case .reassign(let worker):
            sets = "assigned_worker_id = ?"
            values = [.text(worker)]
        case .edit(let instructions, let due):
            sets = "instructions = ?, due_date = COALESCE(?, due_date)"
            values = [.text(instructions), due.map { .text($0) } ?? .null]
        case .cancel(let reason):
            sets = "status = 'cancelled', cancel_reason = ?"
            values = [.text(reason)]
        }
        _ = try db.run(
            "UPDATE plan_items SET \(sets), version = version + 1, updated_at = ? WHERE id = ?",
            values: values + [.integer(now), .text(id)])
        try recordVersion(db, itemID: id, action: action, actorID: actorID, reason: reason, now: now)
        if plan.status == .published {
            try FamilyStore.recordChange(
                db, entity: .planItem, id: id, familyID: item.familyID.description, op: .upsert)
        }
    }
}
