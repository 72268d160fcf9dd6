import HTTPServer
import KandasProtocol

/// Rules 2, round 2 (issue 16): report delivery, monitoring, evaluations, consent, road maps and the
/// digital-card forwarding queue. Kept in its own list so parallel work on the table merges cleanly.
extension EndpointTable {
    static let rules2: [Endpoint] =
        [
            Endpoint(.get, admin + "/families/:id/monitoring", .staff(roles: .readers), MonitoringHandlers.show),
            Endpoint(
                .post, admin + "/families/:id/monitoring", .staff(roles: .writers), writes: true,
                MonitoringHandlers.record),
            Endpoint(
                .post, admin + "/reports/monthly/submissions", .staff(roles: .centreManagers), writes: true,
                ReportSubmissionHandlers.submit),
            Endpoint(
                .get, admin + "/reports/monthly/submissions", .staff(roles: .readers), ReportSubmissionHandlers.list),
            Endpoint(
                .get, admin + "/reports/monthly/overdue", .staff(roles: .readers), ReportSubmissionHandlers.overdue),
            Endpoint(
                .get, admin + "/plan-deadlines/publication-overdue", .staff(roles: .readers),
                PlanDeadlines.publicationOverdue),
        ] + digitalCard

    /// The digital-card forwarding queue (Rules 2, para 37): readers see it in their scope, region
    /// and national administrators send a dead delivery again.
    static let digitalCard: [Endpoint] = [
        Endpoint(.get, admin + "/card-forwards", .staff(roles: .readers), CardForwardHandlers.list),
        Endpoint(.get, admin + "/card-forwards/:id", .staff(roles: .readers), CardForwardHandlers.get),
        Endpoint(
            .post, admin + "/card-forwards/:id/retry", .staff(roles: .centreManagers), writes: true,
            CardForwardHandlers.retry),
    ]
}
