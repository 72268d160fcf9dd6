import HTTPServer
import KandasProtocol
import KandasStore

extension PlanHandlers {
    /// `POST /plan-items/{id}/changes`: reschedule, reassign, edit or cancel; +1 version, recorded.
    static func changeItem(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let item = try PlanStore.item(db, id: id, for: ctx.actor, locked: true)
            let body = try ctx.body(PlanItemChangeRequest.self)
            try Validation.version(body.version, current: item.version)
            try Validation.optionalText(body.reason, "/reason", max: 500)
            guard item.status != .cancelled else { throw ServerError(.conflict, "the item is cancelled") }
            try PlanDeadlines.checkCaseOpen(db, familyID: item.familyID.description, now: ctx.now)
            let plan = try PlanStore.plan(db, id: item.planID.description, for: ctx.actor)
            let change: PlanStore.ItemChange
            switch body.action {
            case .reschedule:
                guard let due = body.dueDate else { throw ServerError.field(.missingField, "/due_date", "needed") }
                try requireReason(body)
                try FamilyStore.fail(
                    [
                        try PlanStore.checkDueDate(
                            db, familyID: item.familyID.description, dueDate: due.description, pointer: "")
                    ]
                    .compactMap { $0 })
                change = .reschedule(dueDate: due.description)
            case .reassign:
                guard let worker = body.assignedWorkerID?.description else {
                    throw ServerError.field(.missingField, "/assigned_worker_id", "needed")
                }
                try requireReason(body)
                guard try PlanStore.isActiveWorker(db, worker, ofFamily: item.familyID.description) else {
                    throw ServerError.field(.invalidField, "/assigned_worker_id", "not a field worker of the centre")
                }
                change = .reassign(workerID: worker)
            case .edit:
                guard let instructions = body.instructions else {
                    throw ServerError.field(.missingField, "/instructions", "needed")
                }
                try Validation.text(instructions, "/instructions", max: 2000)
                if body.dueDate != nil && plan.status != .draft {
                    throw ServerError.field(.invalidField, "/due_date", "only draft plans change due dates by edit")
                }
                if let due = body.dueDate {
                    try FamilyStore.fail(
                        [
                            try PlanStore.checkDueDate(
                                db, familyID: item.familyID.description, dueDate: due.description, pointer: "")
                        ]
                        .compactMap { $0 })
                }
                change = .edit(instructions: instructions, dueDate: body.dueDate?.description)
            case .cancel:
                try requireReason(body)
                change = .cancel(reason: body.reason ?? "")
            case .create:
                throw ServerError.field(.invalidField, "/action", "reschedule|reassign|edit|cancel")
            }
            try PlanStore.change(
                db, item, plan: plan, change, action: body.action, actorID: ctx.actor.userID, reason: body.reason,
                now: ctx.now)
            try ctx.audit(db, "plan_item.\(body.action.rawValue)", entityType: "plan_item", entityID: id)
            return try APIReply.json(try PlanStore.item(db, id: id, for: ctx.actor))
        }
    }

    static func requireReason(_ body: PlanItemChangeRequest) throws(ServerError) {
        guard let reason = body.reason else { throw ServerError.field(.missingField, "/reason", "needed") }
        try Validation.text(reason, "/reason", max: 500)
    }
}
