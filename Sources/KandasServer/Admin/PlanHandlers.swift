import HTTPServer
import KandasProtocol
import SQLiteKit

/// Plans and items (Protocol §4.7): lifecycle draft → agreed → approved → published, item changes
/// that bump the item version and are recorded, and the sync feed entries of published plans.
enum PlanHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["family_id", "status", "career_centre_id"])
        let paging = try Pagination(filters)
        let scope = Scope.families(ctx.actor)
        var conditions = [scope.sql]
        var args = scope.args
        for (name, column) in [("family_id", "p.family_id"), ("career_centre_id", "f.career_centre_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        if let status = filters["status"] {
            guard PlanStatus(rawValue: status) != nil else {
                throw ServerError.field(.invalidParameter, "query:status", "draft|agreed|approved|published")
            }
            conditions.append("p.status = ?")
            args.append(.text(status))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(PlanStore.planColumns) FROM plans p JOIN families f ON f.id = p.family_id",
                rowid: "p.rowid", conditions: conditions, args: args, map: PlanStore.plan)
        }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try PlanStore.detail(db, id: id, for: ctx.actor) })
    }

    static func create(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.write { db in
            let body = try ctx.body(PlanCreate.self)
            let familyID = body.familyID.description
            let family = try referencedFamily(db, familyID, ctx.actor, pointer: "/family_id")
            guard !(try db.exists("SELECT 1 FROM plans WHERE family_id = ? AND status = 'draft'", familyID)) else {
                throw ServerError(.conflict, "the family already has a draft plan")
            }
            var errors: [FieldError] = []
            for (i, item) in body.items.enumerated() {
                errors += try PlanStore.checkItem(
                    db, familyID: familyID, centreID: family.centre, memberID: item.memberID.description,
                    serviceCode: item.serviceCode, instructions: item.instructions,
                    workerID: item.assignedWorkerID?.description, pointer: "/items/\(i)",
                    dueDate: item.dueDate.description)
            }
            try FamilyStore.fail(errors)
            let planID = try insertPlan(db, familyID: familyID, now: ctx.now)
            for item in body.items {
                _ = try PlanStore.insertItem(
                    db, planID: planID, familyID: familyID, memberID: item.memberID.description,
                    serviceCode: item.serviceCode, dueDate: item.dueDate.description, instructions: item.instructions,
                    workerID: item.assignedWorkerID?.description, actorID: ctx.actor.userID, now: ctx.now)
            }
            try ctx.audit(db, "plan.create", entityType: "plan", entityID: planID, summary: "\(body.items.count) items")
            return try APIReply.json(try PlanStore.detail(db, id: planID, for: ctx.actor), status: 201)
        }
    }

    static func insertPlan(_ db: Connection, familyID: String, now: Int64) throws -> String {
        let id = WireID.random().description
        _ = try db.run(
            "INSERT INTO plans(id, family_id, status, version, created_at, updated_at) VALUES(?,?,'draft',1,?,?)", id,
            familyID, now, now)
        return id
    }

    /// A family named in a body: unknown is `422 invalid_field`, out of scope `403 out_of_scope`.
    static func referencedFamily(
        _ db: Connection, _ id: String, _ p: Principal, pointer: String
    ) throws
        -> (id: String, centre: String)
    {
        guard let row = try db.queryOne("SELECT region_id, career_centre_id FROM families WHERE id = ?", id) else {
            throw ServerError.field(.invalidField, pointer, "no such family")
        }
        let centre = try row.string("career_centre_id")
        guard Scope.covers(p, regionID: try row.string("region_id"), centreID: centre) else {
            throw ServerError.field(.outOfScope, pointer, "the family is outside your scope")
        }
        return (id, centre)
    }

    static func transition(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let plan = try PlanStore.plan(db, id: id, for: ctx.actor)
            let body = try ctx.body(PlanTransitionRequest.self)
            try Validation.version(body.version, current: plan.version)
            let order: [PlanStatus] = [.draft, .agreed, .approved, .published]
            guard let from = order.firstIndex(of: plan.status), let to = order.firstIndex(of: body.to), to == from + 1
            else { throw ServerError(.invalidTransition, "\(plan.status.rawValue) cannot move to \(body.to.rawValue)") }
            let at = body.at?.millisecondsSince1970 ?? ctx.now
            guard at <= ctx.now + 300_000 else {
                throw ServerError.field(.invalidField, "/at", "a step cannot happen in the future")
            }
            try PlanDeadlines.checkStepTime(at, plan: plan, to: body.to, now: ctx.now)
            try PlanDeadlines.checkCaseOpen(db, familyID: plan.familyID.description, now: ctx.now)
            let familyID = plan.familyID.description
            switch body.to {
            case .agreed:
                guard !(try db.exists("SELECT 1 FROM plans WHERE family_id = ? AND status != 'draft'", familyID)) else {
                    throw ServerError(.conflict, "the family already has a plan beyond draft")
                }
                _ = try db.run("UPDATE plans SET status = 'agreed', agreed_at = ? WHERE id = ?", at, id)
            case .approved:
                _ = try db.run(
                    "UPDATE plans SET status = 'approved', approved_at = ?, publication_due = ? WHERE id = ?", at,
                    PlanStore.publicationDue(approvedAt: at), id)
            case .published:
                guard try db.exists("SELECT 1 FROM families WHERE id = ? AND consent_recorded = 1", familyID) else {
                    throw ServerError(.invalidTransition, "the family's personal-data consent is not recorded")
                }
                // Rules 2 para 34: late publication is flagged, never refused.
                _ = try db.run(
                    "UPDATE plans SET status = 'published', published_at = ?,"
                        + " publication_late = (? > COALESCE(publication_due, ?)) WHERE id = ?", at, at, at, id)
                try FamilyStore.recordChange(
                    db, entity: "plan", id: id, familyID: familyID, op: "publish", now: ctx.now)
                for item in try db.query("SELECT id FROM plan_items WHERE plan_id = ? ORDER BY rowid", id) {
                    try FamilyStore.recordChange(
                        db, entity: "plan_item", id: try item.string("id"), familyID: familyID, op: "upsert",
                        now: ctx.now)
                }
            case .draft:
                throw ServerError(.invalidTransition, "plans never go back to draft")
            }
            _ = try db.run("UPDATE plans SET version = version + 1, updated_at = ? WHERE id = ?", ctx.now, id)
            try ctx.audit(
                db, "plan.\(body.to == .published ? "publish" : body.to.rawValue)", entityType: "plan", entityID: id)
            return try APIReply.json(try PlanStore.plan(db, id: id, for: ctx.actor))
        }
    }

    static func addItem(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let plan = try PlanStore.plan(db, id: id, for: ctx.actor)
            let body = try ctx.body(PlanItemCreate.self)
            try PlanDeadlines.checkCaseOpen(db, familyID: plan.familyID.description, now: ctx.now)
            let familyID = plan.familyID.description
            let centre =
                try db.queryOne("SELECT career_centre_id FROM families WHERE id = ?", familyID)?
                .optionalString("career_centre_id") ?? ""
            try FamilyStore.fail(
                try PlanStore.checkItem(
                    db, familyID: familyID, centreID: centre, memberID: body.memberID.description,
                    serviceCode: body.serviceCode, instructions: body.instructions,
                    workerID: body.assignedWorkerID?.description, pointer: "", dueDate: body.dueDate.description))
            let itemID = try PlanStore.insertItem(
                db, planID: id, familyID: familyID, memberID: body.memberID.description, serviceCode: body.serviceCode,
                dueDate: body.dueDate.description, instructions: body.instructions,
                workerID: body.assignedWorkerID?.description, actorID: ctx.actor.userID, now: ctx.now)
            if plan.status == .published {
                try FamilyStore.recordChange(
                    db, entity: "plan_item", id: itemID, familyID: familyID, op: "upsert", now: ctx.now)
            }
            try ctx.audit(db, "plan_item.create", entityType: "plan_item", entityID: itemID)
            return try APIReply.json(try PlanStore.item(db, id: itemID, for: ctx.actor), status: 201)
        }
    }

    static func item(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try PlanStore.item(db, id: id, for: ctx.actor) })
    }

    static func versions(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        let paging = try Pagination(try ctx.filters([]))
        let page = try ctx.read { db in
            _ = try PlanStore.item(db, id: id, for: ctx.actor)
            return try paging.page(
                db, select: "SELECT v.rowid AS _rowid, v.* FROM plan_item_versions v", rowid: "v.rowid",
                conditions: ["v.item_id = ?"], args: [.text(id)], map: PlanStore.version)
        }
        return try ctx.json(page)
    }
}
