import Crypto
import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Annex 3 delivery (Rules 2, para 39; sync-v1 §13.1): recording that a region's monthly report was
/// sent to the local executive body for social protection and employment, and listing what is overdue.
enum ReportSubmissionHandlers {
    static let formats: Set<String> = ["csv", "json", "html"]

    /// `POST /v1/admin/reports/monthly/submissions`: renders the report as of its cut-off, hashes the
    /// exact bytes and records who sent it, when and to whom.
    static func submit(_ ctx: RequestContext) throws -> HTTPResponse {
        let body = try ctx.body(ReportSubmissionRequest.self)
        return try ctx.write { db in
            let submission = try record(
                db, regionID: body.regionID.description, month: body.month, cutoff: body.cutoff?.description,
                format: body.format, recipient: body.recipient, for: ctx.actor, now: ctx.now)
            try ctx.audit(
                db, "report.submit", entityType: "report_submission", entityID: submission.id.description,
                summary: "month=\(submission.month) format=\(submission.format) sha256=\(submission.sha256)")
            return try APIReply.json(submission, status: 201)
        }
    }

    /// Validates and records one submission in the current write transaction (API and console).
    ///
    /// - Throws: `invalid_field` for a recipient outside 1-300 characters, a format other than
    ///   csv/json/html or a month that has not ended; `invalid_parameter` for a bad month or cut-off;
    ///   `not_found` for a region outside the caller's scope.
    static func record(
        _ db: any DatabaseConnection, regionID: String, month: String, cutoff: String?, format: String?,
        recipient: String,
        for actor: Principal, now: Int64
    ) throws -> ReportSubmission {
        let recipient = recipient.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(recipient.count) else {
            throw ServerError.field(.invalidField, "/recipient", "1-300 characters: the body the report was sent to")
        }
        let format = format ?? "csv"
        guard formats.contains(format) else { throw ServerError.field(.invalidField, "/format", "csv|json|html") }
        guard actor.scope.covers(regionID: regionID, centreID: nil) else {
            throw ServerError(.notFound, "no such region")
        }
        let builder = try MonthlyReportBuilder.request(
            db, regionID: regionID, month: month, cutoff: cutoff, for: actor, now: now)
        let today = ConsoleReports.today(now)
        let due = Deadlines.monthlyReportDue(year: builder.year, month: builder.month)
        // A report is sent once its month has ended (para 39: "the month following the reporting period").
        guard (try LocalDate(year: builder.year, month: builder.month, day: 1)).addingMonths(1) <= today else {
            throw ServerError.field(.invalidField, "/month", "the month has not ended yet")
        }
        let bytes = try ReportHandlers.rendered(try builder.report(db), format: format)
        let submission = ReportSubmission(
            id: WireID.random(), regionID: WireID(regionID) ?? WireID.random(), month: builder.monthText,
            cutoff: Timestamp(millisecondsSince1970: builder.cutoff), format: format,
            sha256: SHA256.hash(bytes).hex, size: bytes.count, recipient: recipient,
            submittedBy: WireID(actor.userID) ?? WireID.random(), submittedAt: Timestamp(millisecondsSince1970: now),
            due: try dueDate(due), late: today > due)
        try ReportStore.addSubmission(db, submission)
        return submission
    }

    /// A domain date on the wire.
    static func dueDate(_ d: LocalDate) throws -> CalendarDate {
        guard let date = CalendarDate(year: d.year, month: d.month, day: d.day) else {
            throw ServerError(.internalError, "date out of range")
        }
        return date
    }

    /// `GET /v1/admin/reports/monthly/submissions?region_id=&month=`.
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let q = try ctx.filters(["region_id", "month"])
        let region = try ctx.uuidFilter(q, "region_id")
        if let month = q["month"] { _ = try MonthlyReportBuilder.parseMonth(month) }
        let items = try ctx.read { db in
            try ReportStore.submissions(db, for: ctx.actor, regionID: region, month: q["month"])
        }
        return try ctx.json(Page(items: items))
    }

    /// `GET /v1/admin/reports/monthly/overdue`: months past their due date with no submission.
    static func overdue(_ ctx: RequestContext) throws -> HTTPResponse {
        _ = try ctx.filters([])
        let items = try ctx.read { db in
            try ReportStore.overdue(db, for: ctx.actor, today: ConsoleReports.today(ctx.now))
        }
        return try ctx.json(Page(items: items))
    }
}
