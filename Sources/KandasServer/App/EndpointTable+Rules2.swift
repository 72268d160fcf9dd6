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
        ] + digitalCard + evaluations + consent

    /// The digital-card forwarding queue (Rules 2, para 37): readers see it in their scope, region
    /// and national administrators send a dead delivery again.
    static let digitalCard: [Endpoint] = [
        Endpoint(.get, admin + "/card-forwards", .staff(roles: .readers), CardForwardHandlers.list),
        Endpoint(.get, admin + "/card-forwards/:id", .staff(roles: .readers), CardForwardHandlers.get),
        Endpoint(
            .post, admin + "/card-forwards/:id/retry", .staff(roles: .centreManagers), writes: true,
            CardForwardHandlers.retry),
    ]

    /// Rules 2 paras 46-51: quality evaluations (recorded by ERDO, a national body: services.md §5.1),
    /// the centre's follow-up, and the family's residence status.
    static let evaluations: [Endpoint] = [
        Endpoint(
            .get, admin + "/career-centres/:id/evaluations", .staff(roles: .readers), EvaluationHandlers.history),
        Endpoint(
            .post, admin + "/career-centres/:id/evaluations", .staff(roles: .evaluators), writes: true,
            EvaluationHandlers.record),
        Endpoint(
            .post, admin + "/evaluations/:id/conclusion", .staff(roles: .evaluators), writes: true,
            EvaluationHandlers.conclusion),
        Endpoint(
            .post, admin + "/evaluations/:id/follow-up", .staff(roles: .writers), writes: true,
            EvaluationHandlers.followUp),
        Endpoint(.get, admin + "/families/:id/residence", .staff(roles: .readers), ResidenceHandlers.show),
        Endpoint(
            .post, admin + "/families/:id/residence", .staff(roles: .writers), writes: true, ResidenceHandlers.change),
    ]

    /// Rules 2 paras 6, 12, Annex 2: consent per adult member with the signed form, Annex 2 categories.
    static let consent: [Endpoint] = [
        Endpoint(.get, admin + "/families/:id/consents", .staff(roles: .readers), ConsentHandlers.show),
        Endpoint(
            .post, admin + "/members/:id/consents", .staff(roles: .writers), writes: true,
            bodyLimit: ConsentHandlers.bodyLimit, ConsentHandlers.record),
        Endpoint(
            .post, admin + "/members/:id/category", .staff(roles: .writers), writes: true, ConsentHandlers.category),
        Endpoint(
            .post, admin + "/consents/:id/withdraw", .staff(roles: .writers), writes: true, ConsentHandlers.withdraw),
        Endpoint(.get, admin + "/consents/:id/form", .staff(roles: .readers), ConsentHandlers.form),
    ]
}

extension Set where Element == UserRole {
    /// Who records quality evaluations and their conclusions (Rules 2, paras 47, 50): ERDO evaluates
    /// every centre of the country, so a national account; no region-anchored role may score itself.
    static let evaluators: Set<UserRole> = [.nationalAdmin]
}
