import HTTPServer
import KandasProtocol

/// The single source of routes (Protocol §2, §4, §14): the Router and the authorisation-matrix
/// test are both built from ``all``. The upload routes are served by ``KandasUploads/TusHandlers``
/// and listed here so that the request-head hook authorises them like every other route.
public enum EndpointTable {
    static let admin = "/v1/admin"
    static let importLimit = 16 << 20

    public static let all: [Endpoint] =
        operations + auth + organisation + devices + families + plans + audit + sync + uploads + completions
        + reports + StayEndpoints.all + rules2

    static let operations: [Endpoint] = [
        Endpoint(.get, "/healthz", .open, OpsHandlers.health),
        Endpoint(.get, "/readyz", .open, OpsHandlers.ready),
        Endpoint(.get, "/metrics", .open, OpsHandlers.metrics),
        Endpoint(.get, "/v1/limits", .open, OpsHandlers.limits),
    ]

    static let auth: [Endpoint] = [
        Endpoint(.post, "/v1/auth/login", .open, AuthHandlers.login),
        Endpoint(.post, "/v1/auth/logout", .anyToken, AuthHandlers.logout),
        Endpoint(.get, "/v1/auth/me", .anyToken, AuthHandlers.me),
        Endpoint(.post, "/v1/auth/enroll", .open, writes: true, DeviceAuthHandlers.enroll),
        Endpoint(.post, "/v1/auth/refresh", .open, writes: true, DeviceAuthHandlers.refresh),
    ]

    static let organisation: [Endpoint] = [
        Endpoint(.get, admin + "/regions", .staff(roles: .readers), RegionHandlers.list),
        Endpoint(.get, admin + "/regions/:id", .staff(roles: .readers), RegionHandlers.get),
        Endpoint(.get, admin + "/career-centres", .staff(roles: .readers), CareerCentreHandlers.list),
        Endpoint(
            .post, admin + "/career-centres", .staff(roles: .centreManagers), writes: true, CareerCentreHandlers.create),
        Endpoint(.get, admin + "/career-centres/:id", .staff(roles: .readers), CareerCentreHandlers.get),
        Endpoint(
            .patch, admin + "/career-centres/:id", .staff(roles: .centreManagers), writes: true,
            CareerCentreHandlers.update),
        Endpoint(.get, admin + "/users", .staff(roles: .readers), UserHandlers.list),
        Endpoint(.post, admin + "/users", .staff(roles: .writers), writes: true, UserHandlers.create),
        Endpoint(.get, admin + "/users/:id", .staff(roles: .readers), UserHandlers.get),
        Endpoint(.patch, admin + "/users/:id", .staff(roles: .writers), writes: true, UserHandlers.update),
    ]

    static let devices: [Endpoint] = [
        Endpoint(.get, admin + "/devices", .staff(roles: .readers), DeviceHandlers.list),
        Endpoint(.get, admin + "/devices/:id", .staff(roles: .readers), DeviceHandlers.get),
        Endpoint(.post, admin + "/devices/:id/revoke", .staff(roles: .writers), writes: true, DeviceHandlers.revoke),
        Endpoint(.get, admin + "/enrollment-codes", .staff(roles: .readers), EnrollmentCodeHandlers.list),
        Endpoint(
            .post, admin + "/enrollment-codes", .staff(roles: .writers), writes: true, EnrollmentCodeHandlers.create),
        Endpoint(
            .delete, admin + "/enrollment-codes/:id", .staff(roles: .writers), writes: true,
            EnrollmentCodeHandlers.revoke),
    ]

    static let families: [Endpoint] = [
        Endpoint(.get, admin + "/families", .staff(roles: .planReaders), FamilyHandlers.list),
        Endpoint(.post, admin + "/families", .staff(roles: .writers), writes: true, FamilyHandlers.create),
        Endpoint(.get, admin + "/families/:id", .staff(roles: .planReaders), FamilyHandlers.get),
        Endpoint(.patch, admin + "/families/:id", .staff(roles: .writers), writes: true, FamilyHandlers.update),
        Endpoint(.get, admin + "/families/:id/members", .staff(roles: .planReaders), FamilyHandlers.members),
        Endpoint(
            .post, admin + "/families/:id/members", .staff(roles: .writers), writes: true, FamilyHandlers.addMember),
        Endpoint(.patch, admin + "/members/:id", .staff(roles: .writers), writes: true, FamilyHandlers.updateMember),
        Endpoint(
            .post, admin + "/imports", .staff(roles: .writers), writes: true, bodyLimit: importLimit,
            ImportHandlers.run),
    ]

    static let plans: [Endpoint] = [
        Endpoint(.get, admin + "/plans", .staff(roles: .planReaders), PlanHandlers.list),
        Endpoint(.post, admin + "/plans", .staff(roles: .writers), writes: true, PlanHandlers.create),
        Endpoint(.get, admin + "/plans/:id", .staff(roles: .planReaders), PlanHandlers.get),
        // Approval is the labour mobility centre's step, the others the career centre's (para 34).
        Endpoint(
            .post, admin + "/plans/:id/transition", .staff(roles: .planSteppers), writes: true,
            PlanHandlers.transition),
        Endpoint(.post, admin + "/plans/:id/items", .staff(roles: .writers), writes: true, PlanHandlers.addItem),
        Endpoint(.get, admin + "/plan-items/:id", .staff(roles: .planReaders), PlanHandlers.item),
        Endpoint(
            .post, admin + "/plan-items/:id/changes", .staff(roles: .writers), writes: true, PlanHandlers.changeItem),
        Endpoint(.get, admin + "/plan-items/:id/versions", .staff(roles: .planReaders), PlanHandlers.versions),
    ]

    static let audit: [Endpoint] = [
        Endpoint(.get, admin + "/audit", .staff(roles: .auditReaders), AuditHandlers.list)
    ]

    static let sync: [Endpoint] = [
        Endpoint(.post, "/v1/sync/push", .device, bodyLimit: 4 << 20, PushHandler.push),
        Endpoint(.get, "/v1/sync/pull", .device, authenticatesInRead: true, PullHandler.pull),
    ]

    /// tus 1.0 (Protocol §10): `OPTIONS` is open (limits); the rest need a device token, whose
    /// device id owns the upload.
    static let uploads: [Endpoint] = [
        Endpoint(mounted: .options, Tus.collectionPath, .open),
        Endpoint(mounted: .post, Tus.collectionPath, .device),
        Endpoint(mounted: .head, Tus.collectionPath + "/:upload_id", .device),
        Endpoint(mounted: .patch, Tus.collectionPath + "/:upload_id", .device),
        Endpoint(mounted: .delete, Tus.collectionPath + "/:upload_id", .device),
    ]

    static let completions: [Endpoint] = [
        Endpoint(.get, admin + "/completions", .staff(roles: .readers), CompletionHandlers.list),
        Endpoint(.get, admin + "/completions/:id", .staff(roles: .readers), CompletionHandlers.get),
        Endpoint(.get, admin + "/completions/:id/events", .staff(roles: .readers), CompletionHandlers.events),
        Endpoint(.get, admin + "/completions/:id/reviews", .staff(roles: .readers), CompletionHandlers.reviews),
        Endpoint(
            .post, admin + "/completions/:id/reviews", .staff(roles: .writers), writes: true, CompletionHandlers.review),
        Endpoint(.get, admin + "/attachments/:id", .staff(roles: .readers), CompletionHandlers.attachment),
        Endpoint(
            .get, admin + "/attachments/:id/content", .staff(roles: .readers), CompletionHandlers.attachmentContent),
        Endpoint(.get, admin + "/conflicts", .staff(roles: .readers), ConflictHandlers.list),
        Endpoint(.get, admin + "/conflicts/:id", .staff(roles: .readers), ConflictHandlers.get),
        Endpoint(
            .post, admin + "/conflicts/:id/resolve", .staff(roles: .writers), writes: true, ConflictHandlers.resolve),
    ]

    static let reports: [Endpoint] = [
        Endpoint(.get, admin + "/reports/monthly", .staff(roles: .readers), ReportHandlers.monthly),
        Endpoint(.get, admin + "/exports/completions.csv", .staff(roles: .readers), ReportHandlers.exportCSV),
        Endpoint(.get, admin + "/exports/completions.geojson", .staff(roles: .readers), ReportHandlers.exportGeoJSON),
    ]
}
