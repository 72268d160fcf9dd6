import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// Monitoring on record (Rules 2, paras 40-45): one row per family and period of the five-year schedule.
enum MonitoringStore {
    static let channels: Set<String> = ["visit", "call", "state_systems", "digital_card", "mobile_app"]

    /// The family's quota inclusion date (the schedule's start) if the family is in the principal's scope.
    static func start(_ db: any DatabaseConnection, familyID: String, for p: Principal) throws -> LocalDate {
        let scope = p.scope.families()
        guard
            let text = try db.queryOne(
                "SELECT f.quota_inclusion_date FROM families f WHERE f.id = ? AND \(scope.sql)",
                values: [.text(familyID)] + scope.values)?.optionalString("quota_inclusion_date"),
            let date = try? LocalDate(text)
        else { throw ServerError(.notFound, "no such family") }
        return date
    }

    /// Whether the family's five-year case is closed on `today` (para 40); false for an unknown family.
    static func isClosed(_ db: any DatabaseConnection, familyID: String, today: LocalDate) throws -> Bool {
        guard
            let text = try db.queryOne("SELECT quota_inclusion_date FROM families WHERE id = ?", familyID)?
                .optionalString("quota_inclusion_date"),
            let start = try? LocalDate(text)
        else { return false }
        return today >= Deadlines.adaptationHorizonEnd(start: start)
    }

    static func add(_ db: any DatabaseConnection, _ r: MonitoringRecord) throws {
        _ = try db.run(
            "INSERT INTO monitoring_records(id, family_id, period, done_on, channel, problems, proposals, field_visit,"
                + " recorded_by, recorded_at) VALUES(?,?,?,?,?,?,?,?,?,?)", r.id.description, r.familyID.description,
            r.period, r.doneOn.description, r.channel, r.problems, r.proposals, r.fieldVisit,
            r.recordedBy.description, r.recordedAt.millisecondsSince1970)
    }

    static func exists(_ db: any DatabaseConnection, familyID: String, period: Int) throws -> Bool {
        try db.exists("SELECT 1 FROM monitoring_records WHERE family_id = ? AND period = ?", familyID, period)
    }

    static func records(_ db: any DatabaseConnection, familyID: String) throws -> [Int: MonitoringRecord] {
        var out: [Int: MonitoringRecord] = [:]
        for r in try db.query(
            "SELECT id, family_id, period, done_on, channel, problems, proposals, field_visit, recorded_by, recorded_at"
                + " FROM monitoring_records WHERE family_id = ? ORDER BY period", familyID)
        {
            let record = MonitoringRecord(
                id: try wireID(r, "id"), familyID: try wireID(r, "family_id"), period: Int(try r.int("period")),
                doneOn: try calendarDate(r, "done_on"), channel: try r.string("channel"),
                problems: r.optionalString("problems"), proposals: r.optionalString("proposals"),
                fieldVisit: try r.bool("field_visit"), recordedBy: try wireID(r, "recorded_by"),
                recordedAt: Timestamp(millisecondsSince1970: try r.int("recorded_at")))
            out[record.period] = record
        }
        return out
    }
}
