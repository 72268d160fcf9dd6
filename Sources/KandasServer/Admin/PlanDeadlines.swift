import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Plan step times and deadlines (Rules 2, paras 19, 28, 33, 34; services.md §4.1).
enum PlanDeadlines {
    /// How far back a plan step may be recorded: 7 calendar days. Steps are often entered after the
    /// fact (paper agreement, an offline day), and the longest run of days off (Nauryz with its
    /// shifts, or New Year with a transfer) is under a week; older dates would let a late step
    /// pass as on time, since every deadline here is one working day.
    static let backdateTolerance: Int64 = 7 * 86_400_000

    /// `GET /v1/admin/plan-deadlines/publication-overdue`: approved plans not published by their deadline.
    static func publicationOverdue(_ ctx: RequestContext) throws -> HTTPResponse {
        _ = try ctx.filters([])
        let items = try ctx.read { db in try PlanDeadlineStore.unpublishedOverdue(db, for: ctx.actor, now: ctx.now) }
        return try ctx.json(Page(items: items))
    }

    /// Para 40: the family's case closes at the end of the five-year horizon; its plans are read-only after it.
    ///
    /// - Throws: `409 conflict`.
    static func checkCaseOpen(_ db: any DatabaseConnection, familyID: String, now: Int64) throws {
        if try MonitoringStore.isClosed(db, familyID: familyID, today: ConsoleReports.today(now)) {
            throw ServerError(
                .conflict, "the family's five-year case is closed (Rules 2, para 40): plans are read-only")
        }
    }

    /// A step's time may not precede the step before it (agreement → approval → publication) nor
    /// lie more than ``backdateTolerance`` in the past.
    ///
    /// - Throws: `422 invalid_field` at `/at`.
    static func checkStepTime(_ at: Int64, plan: Plan, to: PlanStatus, now: Int64) throws(ServerError) {
        guard at >= now - backdateTolerance else {
            throw ServerError.field(
                .invalidField, "/at", "a step cannot be backdated more than 7 days (services.md §4.1)")
        }
        let previous: (Timestamp?, String)? =
            switch to {
            case .approved: (plan.agreedAt, "agreement")
            case .published: (plan.approvedAt, "approval")
            default: nil
            }
        if let (time, name) = previous, let time, at < time.millisecondsSince1970 {
            throw ServerError.field(
                .invalidField, "/at", "a step cannot precede the \(name) (\(time.description)); paras 28, 34")
        }
    }
}
