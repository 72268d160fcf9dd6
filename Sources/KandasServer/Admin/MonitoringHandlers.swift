import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Monitoring on record (Rules 2, paras 40-45; sync-v1 §4.6.1): the five-year schedule from the
/// family's quota inclusion date, one record per period, overdue periods, and the case's closing.
enum MonitoringHandlers {
    /// `GET /v1/admin/families/{id}/monitoring`.
    static func show(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(try ctx.read { db in try status(db, familyID: id, for: ctx.actor, now: ctx.now) })
    }

    /// `POST /v1/admin/families/{id}/monitoring`.
    static func record(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            // Scope before the body: another centre's family is not found, whatever was sent.
            _ = try MonitoringStore.start(db, familyID: id, for: ctx.actor)
            let body = try ctx.body(MonitoringRecordRequest.self)
            let r = try add(db, familyID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(
                db, "monitoring.record", entityType: "family", entityID: id, summary: "period=\(r.period)")
            return try APIReply.json(r, status: 201)
        }
    }

    /// Validates and stores a record (API and console).
    ///
    /// - Throws: `404 not_found` outside the scope; `422 invalid_field` for a period outside 1-16, a
    ///   date before the period's start or in the future, an unknown channel or text over 2000
    ///   characters; `409 conflict` when the period is already recorded.
    static func add(
        _ db: any DatabaseConnection, familyID: String, _ body: MonitoringRecordRequest, for actor: Principal,
        now: Int64
    ) throws -> MonitoringRecord {
        let start = try MonitoringStore.start(db, familyID: familyID, for: actor)
        let schedule = Deadlines.monitoringSchedule(start: start)
        guard let period = schedule.first(where: { $0.index == body.period }) else {
            throw ServerError.field(.invalidField, "/period", "periods are 1-16")
        }
        guard MonitoringStore.channels.contains(body.channel) else {
            throw ServerError.field(
                .invalidField, "/channel", MonitoringStore.channels.sorted().joined(separator: "|"))
        }
        try Validation.optionalText(body.problems, "/problems", max: 2000)
        try Validation.optionalText(body.proposals, "/proposals", max: 2000)
        let done = try LocalDate(body.doneOn.description)
        guard done >= period.start, done <= ConsoleReports.today(now) else {
            throw ServerError.field(
                .invalidField, "/done_on", "between the period's start \(period.start) and today")
        }
        guard !(try MonitoringStore.exists(db, familyID: familyID, period: body.period)) else {
            throw ServerError(.conflict, "period \(body.period) is already recorded")
        }
        let record = MonitoringRecord(
            id: WireID.random(), familyID: WireID(familyID) ?? WireID.random(), period: body.period,
            doneOn: body.doneOn, channel: body.channel, problems: body.problems, proposals: body.proposals,
            fieldVisit: body.fieldVisit, recordedBy: WireID(actor.userID) ?? WireID.random(),
            recordedAt: Timestamp(millisecondsSince1970: now))
        try MonitoringStore.add(db, record)
        return record
    }

    /// The family's schedule with its records.
    static func status(
        _ db: any DatabaseConnection, familyID: String, for actor: Principal, now: Int64
    ) throws -> MonitoringStatus {
        let start = try MonitoringStore.start(db, familyID: familyID, for: actor)
        let records = try MonitoringStore.records(db, familyID: familyID)
        let today = ConsoleReports.today(now)
        let end = Deadlines.adaptationHorizonEnd(start: start)
        let periods = try Deadlines.monitoringSchedule(start: start).map { p in
            MonitoringPeriodStatus(
                period: p.index, year: p.year, cadence: p.cadence.rawValue, start: try date(p.start),
                end: try date(p.end), overdue: records[p.index] == nil && p.end < today, record: records[p.index])
        }
        return MonitoringStatus(
            familyID: WireID(familyID) ?? WireID.random(), start: try date(start), horizonEnd: try date(end),
            closed: today >= end, periods: periods)
    }

    static func date(_ d: LocalDate) throws -> CalendarDate {
        try ReportSubmissionHandlers.dueDate(d)
    }
}
