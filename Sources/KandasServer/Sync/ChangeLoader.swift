import KandasProtocol
import SQLiteKit

/// Turns a feed row into the `Change` pull sends: the object's current state, or `delete`.
enum ChangeLoader {
    static func change(_ db: Connection, _ row: Row, deviceID: String, now: Int64) throws -> Change? {
        let seq = Int(try row.int("seq"))
        let entity = try row.string("entity")
        let idText = try row.string("entity_id")
        guard let id = WireID(idText) else { return nil }
        guard let kind = ChangeEntity(rawValue: entity) else { return nil }
        if try row.string("op") == "delete" { return .delete(seq: seq, entity: kind, id: id) }
        let data: ChangeData?
        switch kind {
        case .family:
            data = try db.queryOne("SELECT \(FamilyStore.familyColumns) FROM families f WHERE f.id = ?", idText).map {
                .family(try FamilyStore.family(db, $0))
            }
        case .member:
            data = try db.queryOne("SELECT \(FamilyStore.memberColumns) FROM members m WHERE m.id = ?", idText).map {
                .member(try FamilyStore.member($0))
            }
        case .plan:
            // Only published plans reach devices (§7.2); drafts are skipped, not deleted.
            guard
                let plan = try db.queryOne(
                    "SELECT \(PlanStore.planColumns) FROM plans p WHERE p.id = ? AND p.status = 'published'", idText)
            else { return nil }
            data = .plan(try PlanStore.plan(plan))
        case .planItem:
            guard
                let item = try db.queryOne(
                    "SELECT \(PlanStore.itemColumns) FROM plan_items i JOIN plans p ON p.id = i.plan_id"
                        + " WHERE i.id = ? AND p.status = 'published'", idText)
            else { return nil }
            data = .planItem(try PlanStore.item(item))
        case .completion:
            data = try CompletionStore.load(db, id: idText).map { .completion($0) }
        case .conflict:
            data = try ConflictStore.load(db, id: idText).map { .conflict($0) }
        case .review:
            data = try ReviewStore.load(db, id: idText).map { .review($0) }
        case .eventOutcome:
            data = .eventOutcome(try EventOutcomes.result(db, deviceID: deviceID, eventID: idText))
        case .receipt:
            data = try AttachmentStore.receipt(db, completionID: idText, now: now).map { .receipt($0) }
        }
        guard let data else { return .delete(seq: seq, entity: kind, id: id) }
        return .put(seq: seq, id: id, data)
    }
}
