import HTTPServer
import KandasProtocol
import KandasStore

/// Plans and items (Protocol §4.7): lifecycle draft → agreed → approved → published, item changes
/// that bump the item version and are recorded, and the sync feed entries of published plans.
enum PlanHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["family_id", "status", "career_centre_id"])
        let paging = try Pagination(filters)
        let familyID = try ctx.uuidFilter(filters, "family_id")
        let centreID = try ctx.uuidFilter(filters, "career_centre_id")
        var status: PlanStatus?
        if let text = filters["status"] {
            guard let parsed = PlanStatus(rawValue: text) else {
                throw ServerError.field(.invalidParameter, "query:status", "draft|agreed|approved|published")
            }
            status = parsed
        }
        let page = try ctx.read { db in
            try PlanStore.plans(
                db, familyID: familyID, careerCentreID: centreID, status: status, for: ctx.actor.scope, paging: paging)
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
            let family = try PlanStore.referencedFamily(db, familyID, ctx.actor, pointer: "/family_id")
            guard !(try PlanStore.familyHasPlan(db, familyID: familyID, beyondDraft: false)) else {
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
            let planID = try PlanStore.insertPlan(db, familyID: familyID, now: ctx.now)
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

    static func transition(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let plan = try PlanStore.plan(db, id: id, for: ctx.actor, locked: true)
            let body = try ctx.body(PlanTransitionRequest.self)
            try checkMayMove(ctx.actor, to: body.to)
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
            try PlanStore.transition(db, plan, to: body.to, at: at, now: ctx.now, by: ctx.actor.userID)
            try ctx.audit(
                db, "plan.\(body.to == .published ? "publish" : body.to.rawValue)", entityType: "plan", entityID: id)
            return try APIReply.json(try PlanStore.plan(db, id: id, for: ctx.actor))
        }
    }

    /// Rules 2, para 34: the plan is agreed with the kandas by the career centre and *approved by the
    /// labour mobility centre of the receiving region*, so approval is a step only that centre's users
    /// record, and they record no other step (services.md §4.2).
    ///
    /// - Throws: `403 forbidden`.
    static func checkMayMove(_ p: Principal, to: PlanStatus) throws(ServerError) {
        if to == .approved {
            guard p.role == .labourMobilityOfficer else {
                throw ServerError(
                    .forbidden,
                    "a plan is approved by the receiving region's labour mobility centre (Rules 2, para 34),"
                        + " role labour_mobility_officer")
            }
        } else if !Set<UserRole>.writers.contains(p.role) {
            throw ServerError(
                .forbidden, "the labour mobility centre approves plans; the career centre records the other steps")
        }
    }

    static func addItem(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let plan = try PlanStore.plan(db, id: id, for: ctx.actor)
            let body = try ctx.body(PlanItemCreate.self)
            try PlanDeadlines.checkCaseOpen(db, familyID: plan.familyID.description, now: ctx.now)
            let familyID = plan.familyID.description
            let centre = try PlanStore.centreOfFamily(db, familyID)
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
                    db, entity: .planItem, id: itemID, familyID: familyID, op: .upsert)
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
        let page = try ctx.read { db in try PlanStore.versions(db, itemID: id, for: ctx.actor, paging: paging) }
        return try ctx.json(page)
    }
}
