import HTTPServer
import KandasProtocol

/// The single source of console routes (issue 7): the router adds every one, and the console's
/// authorisation test iterates them, so no page escapes the session, role and CSRF checks.
///
/// Readers (supervisors, region and national administrators, auditors) see pages in their
/// scope; writers also review, resolve, revoke and issue codes. Field workers have no console.
enum ConsoleTable {
    static let readers: Set<UserRole> = .readers
    static let writers: Set<UserRole> = .writers

    /// Readers of the console's frame (sign-out, dashboard): the readers plus the Rules 1 roles.
    static let signedIn: Set<UserRole> = readers.union(Set<UserRole>.stayReaders).union(Set<UserRole>.planReaders)

    static let all: [ConsoleRoute] = core + StayConsole.routes + Rules2Console.routes

    static let core: [ConsoleRoute] = [
        ConsoleRoute(.get, "/console", .open, ConsoleAuthPages.root),
        ConsoleRoute(.get, "/console/static/console.css", .open, ConsoleAuthPages.stylesheet),
        ConsoleRoute(.get, "/console/login", .open, ConsoleAuthPages.loginForm),
        ConsoleRoute(.post, "/console/login", .open, ConsoleAuthPages.login),
        ConsoleRoute(.post, "/console/logout", .staff(signedIn), ConsoleAuthPages.logout),
        ConsoleRoute(.get, "/console/dashboard", .staff(signedIn), DashboardPage.show),
        ConsoleRoute(.get, "/console/completions", .staff(readers), CompletionsPage.list),
        ConsoleRoute(.get, "/console/completions/:id", .staff(readers), CompletionDetailPage.show),
        ConsoleRoute(.post, "/console/completions/:id/review", .staff(writers), CompletionDetailPage.review),
        ConsoleRoute(.get, "/console/attachments/:id/content", .staff(readers), CompletionDetailPage.content),
        ConsoleRoute(.get, "/console/conflicts", .staff(readers), ConflictsPage.list),
        ConsoleRoute(.get, "/console/conflicts/:id", .staff(readers), ConflictsPage.show),
        ConsoleRoute(.post, "/console/conflicts/:id/resolve", .staff(writers), ConflictsPage.resolve),
        ConsoleRoute(.get, "/console/devices", .staff(readers), DevicesPage.list),
        ConsoleRoute(.post, "/console/devices/:id/revoke", .staff(writers), DevicesPage.revoke),
        ConsoleRoute(.post, "/console/enrollment-codes", .staff(writers), DevicesPage.issueCode),
        ConsoleRoute(.get, "/console/families", .staff(.planReaders), FamiliesPage.list),
        ConsoleRoute(.get, "/console/families/:id", .staff(.planReaders), FamiliesPage.show),
        // Rules 2, para 38: the printable road map (three copies).
        ConsoleRoute(.get, "/console/families/:id/road-map", .staff(.planReaders), RoadMapPage.show),
        // Rules 2, para 34: the receiving labour mobility centre approves an agreed plan.
        ConsoleRoute(.post, "/console/plans/:id/approve", .staff([.labourMobilityOfficer]), FamiliesPage.approve),
        ConsoleRoute(.get, "/console/reports", .staff(readers), ConsoleReports.index),
        ConsoleRoute(.get, "/console/reports/monthly", .staff(readers), ConsoleReports.monthly),
        ConsoleRoute(.get, "/console/reports/monthly.csv", .staff(readers), ConsoleReports.monthlyCSV),
        ConsoleRoute(.get, "/console/reports/monitoring", .staff(readers), ConsoleReports.monitoring),
        ConsoleRoute(.get, "/console/reports/quality", .staff(readers), ConsoleReports.quality),
        // Rules 2 round 2 (issue 16).
        ConsoleRoute(.post, "/console/reports/monthly/submit", .staff(.centreManagers), ConsoleReports.submit),
        ConsoleRoute(.post, "/console/families/:id/monitoring", .staff(writers), ConsoleReports.recordMonitoring),
        ConsoleRoute(.get, "/console/exports/completions.csv", .staff(readers), ConsoleExports.csv),
        ConsoleRoute(.get, "/console/exports/completions.geojson", .staff(readers), ConsoleExports.geojson),
        // Rules 2, para 37: the digital-card forwarding queue.
        ConsoleRoute(.get, "/console/card-forwards", .staff(readers), CardForwardsPage.list),
        ConsoleRoute(.post, "/console/card-forwards/:id/retry", .staff(.centreManagers), CardForwardsPage.retry),
        // Charts and the map (issue 20).
        ConsoleRoute(.get, "/console/map", .staff(readers), MapPage.show),
    ]
}
