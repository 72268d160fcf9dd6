import HTTPServer
import KandasDomain
import KandasStore

/// The dashboard: today's uploads, files pending verification, open conflicts, overdue plan
/// items, plans published late and devices silent for more than N days, all within the scope.
enum DashboardPage {
    /// Devices silent for longer than this many days are listed (`?silent_days=` overrides, 1-90).
    static let defaultSilentDays = 7

    struct Counts: Equatable {
        var uploadsToday = 0
        var filesPending = 0
        var openConflicts = 0
        var overdueItems = 0
        var latePlans = 0
        var silentDevices = 0
        var incompleteCompletions = 0
        var overdueReports = 0
        var unpublishedPlans = 0
    }

    static func counts(_ db: any DatabaseConnection, for p: Principal, now: Int64, silentDays: Int) throws -> Counts {
        var c = Counts()
        let org = p.scope.organisation(region: "c.region_id", centre: "c.career_centre_id")
        let localDay = (now + PlanStore.almatyOffset).floorDiv(86_400_000)
        let startOfToday = localDay * 86_400_000 - PlanStore.almatyOffset
        c.uploadsToday = try count(
            db,
            "SELECT count(*) FROM attachments a JOIN completions c ON c.id = a.completion_id"
                + " WHERE a.state = 'verified' AND a.verified_at >= ? AND \(org.sql)",
            [.integer(startOfToday)] + org.values)
        c.filesPending = try count(
            db,
            "SELECT count(*) FROM attachments a JOIN completions c ON c.id = a.completion_id"
                + " WHERE a.state IN ('declared','receiving') AND c.state = 'active' AND \(org.sql)", org.values)
        c.openConflicts = try count(
            db, "SELECT count(*) FROM conflicts c WHERE c.status = 'open' AND \(org.sql)", org.values)
        let fam = p.scope.families()
        let today = LocalDate(dayNumber: Int(localDay)).description
        c.overdueItems = try count(
            db,
            "SELECT count(*) FROM plan_items i JOIN families f ON f.id = i.family_id"
                + " WHERE i.status = 'open' AND i.due_date < ? AND \(fam.sql)", [.text(today)] + fam.values)
        c.latePlans = try count(
            db,
            "SELECT count(*) FROM plans p JOIN families f ON f.id = p.family_id"
                + " WHERE p.publication_late = 1 AND \(fam.sql)", fam.values)
        c.silentDevices = try silentDevices(db, for: p, now: now, days: silentDays).count
        c.incompleteCompletions = try ReportStore.incompleteCount(db, for: p)
        c.unpublishedPlans = try PlanDeadlineStore.unpublishedOverdue(db, for: p, now: now).count
        c.overdueReports = try ReportStore.overdue(db, for: p, today: LocalDate(dayNumber: Int(localDay))).count
        return c
    }

    /// Active devices whose last contact (or enrollment, if never seen) is older than `days`.
    static func silentDevices(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int
    ) throws -> [DatabaseRow] {
        let scope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        return try db.query(
            "SELECT d.id, u.username, d.app_version, coalesce(a.last_seen_at, d.enrolled_at) AS last_contact"
                + " FROM devices d JOIN users u ON u.id = d.user_id LEFT JOIN device_activity a ON a.device_id = d.id"
                + " WHERE d.status = 'active' AND coalesce(a.last_seen_at, d.enrolled_at) < ? AND \(scope.sql)"
                + " ORDER BY last_contact LIMIT 50",
            values: [.integer(now - Int64(days) * 86_400_000)] + scope.values)
    }

    static func count(_ db: any DatabaseConnection, _ sql: String, _ args: [DatabaseValue]) throws -> Int {
        guard case .integer(let n) = try db.queryOne(sql, values: args)?[0] ?? .null else { return 0 }
        return Int(n)
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let days = ctx.query("silent_days").flatMap(Int.init).map { min(max($0, 1), 90) } ?? defaultSilentDays
        let (c, silent) = try ctx.read { db in
            (
                try counts(db, for: ctx.actor, now: ctx.now, silentDays: days),
                try silentDevices(db, for: ctx.actor, now: ctx.now, days: days)
            )
        }
        func card(_ label: ConsoleText, _ n: Int, _ href: String, alert: Bool = false) -> HTML {
            let cls = alert && n > 0 ? "card alert" : "card"
            return "<a class=\"\(cls)\" href=\"\(href)\"><span class=\"n\">\(n)</span>\(ctx.t(label))</a>"
        }
        let cards: HTML = """
            <div class="cards" id="counters">
            \(card(.uploadsToday, c.uploadsToday, "/console/completions"))
            \(card(.filesPending, c.filesPending, "/console/completions?completeness=incomplete", alert: true))
            \(card(.openConflicts, c.openConflicts, "/console/conflicts", alert: true))
            \(card(.overdueItems, c.overdueItems, "/console/families", alert: true))
            \(card(.lateplans, c.latePlans, "/console/families", alert: true))
            \(card(.silentDevices, c.silentDevices, "/console/devices", alert: true))
            \(card(.incompleteCompletions, c.incompleteCompletions, "/console/completions?completeness=incomplete", alert: true))
            \(card(.overdueReports, c.overdueReports, "/console/reports#overdue-reports", alert: true))
            \(card(.unpublishedPlans, c.unpublishedPlans, "/console/dashboard#unpublished-plans", alert: true))
            </div>
            """
        let rows = try silent.map { row -> HTML in
            """
            <tr><td>\(try row.string("username"))</td><td>\(try row.string("app_version"))</td>\
            <td>\(ConsoleLayout.time(try row.int("last_contact")))</td></tr>
            """
        }
        let unpublished = try ctx.read { db in
            try PlanDeadlineStore.unpublishedOverdue(db, for: ctx.actor, now: ctx.now)
        }
        // Rules 2, para 34: approved plans past their one-working-day deadline, before anyone publishes them.
        let planRows = unpublished.map { o -> HTML in
            let provisional: HTML =
                o.provisional ? " <span class=\"flag provisional\">\(ctx.t(.provisional))</span>" : ""
            return """
                <tr><td><a href="/console/families/\(o.familyID.description)">\(String(o.familyID.description.prefix(8)))</a></td>\
                <td>\(ConsoleLayout.time(o.approvedAt.millisecondsSince1970))</td>\
                <td>\(ConsoleLayout.time(o.publicationDue.millisecondsSince1970))\(provisional)</td></tr>
                """
        }
        let plansTable: HTML =
            unpublished.isEmpty
            ? ""
            : """
            <h2 id="unpublished-plans">\(ctx.t(.unpublishedPlans))</h2>
            <table id="unpublished-table"><thead><tr><th>\(ctx.t(.family))</th><th>\(ctx.t(.approve))</th>\
            <th>\(ctx.t(.publishDue))</th></tr></thead><tbody>\(planRows)</tbody></table>
            """
        let body: HTML = """
            \(cards)
            \(plansTable)
            <h2>\(ctx.t(.silentDevices)) (&gt; \(days) d)</h2>
            <table><thead><tr><th>\(ctx.t(.worker))</th><th>\(ctx.t(.appVersion))</th>\
            <th>\(ctx.t(.lastContact))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return ctx.page(ctx.t(.dashboard), body)
    }
}
