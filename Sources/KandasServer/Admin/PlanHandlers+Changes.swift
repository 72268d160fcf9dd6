import HTTPServer
import KandasProtocol
import SQLiteKit

extension PlanHandlers {
    /// `POST /plan-items/{id}/changes`: reschedule, reassign, edit or cancel; +1 version, recorded.
    static func changeItem(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let item = try PlanStore.item(db, id: id, for: ctx.actor)
            let body = try ctx.body(PlanItemChangeRequest.self)
            try Validation.version(body.version, current: item.version)
            try Validation.optionalText(body.reason, "/reason", max: 500)
            guard item.status != .cancelled else { throw ServerError(.conflict, "the item is cancelled") }
            try PlanDeadlines.checkCaseOpen(db, familyID: item.familyID.description, now: ctx.now)
            let plan = try PlanStore.plan(db, id: item.planID.description, for: ctx.actor)
            let sets: String
            var values: [SQLValue]
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
                sets = "due_date = ?"
                values = [.text(due.description)]
            case .reassign:
                guard let worker = body.assignedWorkerID?.description else {
                    throw ServerError.field(.missingField, "/assigned_worker_id", "needed")
                }
                try requireReason(body)
                let centre =
                    try db.queryOne("SELECT career_centre_id FROM families WHERE id = ?", item.familyID.description)?
                    .optionalString("career_centre_id") ?? ""
                guard
                    try db.exists(
                        "SELECT 1 FROM users WHERE id = ? AND role = 'field_worker' AND career_centre_id = ?"
                            + " AND active = 1", worker, centre)
                else {
                    throw ServerError.field(.invalidField, "/assigned_worker_id", "not a field worker of the centre")
                }
                sets = "assigned_worker_id = ?"
                values = [.text(worker)]
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
                sets = "instructions = ?, due_date = COALESCE(?, due_date)"
                values = [.text(instructions), body.dueDate.map { .text($0.description) } ?? .null]
            case .cancel:
                try requireReason(body)
                sets = "status = 'cancelled', cancel_reason = ?"
                values = [.text(body.reason ?? "")]
            case .create:
                throw ServerError.field(.invalidField, "/action", "reschedule|reassign|edit|cancel")
            }
            _ = try db.run(
                "UPDATE plan_items SET \(sets), version = version + 1, updated_at = ? WHERE id = ?",
                values: values + [.integer(ctx.now), .text(id)])
            try PlanStore.recordVersion(
                db, itemID: id, action: body.action, actorID: ctx.actor.userID, reason: body.reason, now: ctx.now)
            if plan.status == .published {
                try FamilyStore.recordChange(
                    db, entity: "plan_item", id: id, familyID: item.familyID.description, op: "upsert", now: ctx.now)
            }
            try ctx.audit(db, "plan_item.\(body.action.rawValue)", entityType: "plan_item", entityID: id)
            return try APIReply.json(try PlanStore.item(db, id: id, for: ctx.actor))
        }
    }

    static func requireReason(_ body: PlanItemChangeRequest) throws(ServerError) {
        guard let reason = body.reason else { throw ServerError.field(.missingField, "/reason", "needed") }
        try Validation.text(reason, "/reason", max: 500)
    }
}
