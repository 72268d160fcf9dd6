import HTTPServer
import KandasDomain
import KandasProtocol
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
        try ConsoleStore.dashboardCounts(db, for: p, now: now, silentDays: silentDays)
    }

    /// Active devices whose last contact (or enrollment, if never seen) is older than `days`.
    static func silentDevices(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int
    ) throws -> [ConsoleStore.SilentDevice] {
        try ConsoleStore.silentDevices(db, for: p, now: now, days: days)
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
        let rows = silent.map { d -> HTML in
            """
            <tr><td>\(d.username)</td><td>\(d.appVersion)</td><td>\(ConsoleLayout.time(d.lastContact))</td></tr>
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
            \(try stayCards(ctx))
            \(try charts(ctx))
            """
        return ctx.page(ctx.t(.dashboard), body)
    }

    /// The dashboard's pictures (issue 20, items 1 and 2) for the console's readers: work per
    /// week, what is open at the end of each week, how long files wait, and plan progress by service.
    static func charts(_ ctx: ConsoleContext) throws -> HTML {
        guard Set<UserRole>.readers.contains(ctx.actor.role) else { return "" }
        let f = MapPage.filter(ctx)
        let (trends, progress, options) = try ctx.read { db in
            (
                try ChartStore.trends(db, for: ctx.actor, filter: f, now: ctx.now),
                try ChartStore.planProgress(db, for: ctx.actor, filter: f),
                try FilterOptions.load(db, for: ctx.actor)
            )
        }
        let lang = ctx.lang
        let weeks = trends.weeks.map { w in
            (w.start.month < 10 ? "0" : "") + String(w.start.month) + "-" + (w.start.day < 10 ? "0" : "")
                + String(w.start.day)
        }
        let activity = ConsoleChart.columns(
            id: "chart-activity", caption: ctx.t(.weeklyActivity), corner: ctx.t(.week), categories: weeks,
            series: [
                .init(label: ctx.t(.received), cssClass: "c-received", values: trends.weeks.map(\.received)),
                .init(label: ctx.t(.filesVerified), cssClass: "c-verified", values: trends.weeks.map(\.verified)),
            ], lang: lang)
        let open = ConsoleChart.lines(
            id: "chart-open", caption: ctx.t(.openOverTime), corner: ctx.t(.week), categories: weeks,
            series: [
                .init(label: ctx.t(.backlog), cssClass: "c-backlog", values: trends.weeks.map(\.backlog)),
                .init(label: ctx.t(.openConflicts), cssClass: "c-conflicts", values: trends.weeks.map(\.openConflicts)),
                .init(label: ctx.t(.overdueItems), cssClass: "c-overdue", values: trends.weeks.map(\.overdueItems)),
            ], lang: lang)
        let ages = ConsoleChart.columns(
            id: "chart-backlog-age", caption: ctx.t(.backlogAge), corner: ctx.t(.backlog),
            categories: [ctx.t(.ageUnderDay), ctx.t(.ageUnderWeek), ctx.t(.ageUnderMonth), ctx.t(.ageOlder)],
            series: [.init(label: ctx.t(.files), cssClass: "c-backlog", values: trends.backlogAge.counts)], lang: lang)
        let shares = progress.map { p in
            ConsoleChart.Share(
                label: String(p.serviceCode) + ". "
                    + (ServiceCatalog.all.first { $0.code == p.serviceCode }?.name(in: lang) ?? ""),
                done: p.completed, total: p.items)
        }
        let plan = ConsoleChart.shares(
            id: "chart-plan-progress", caption: ctx.t(.planProgress), corner: ctx.t(.service),
            doneLabel: ctx.t(.completed), totalLabel: ctx.t(.planItems), rows: shares, lang: lang)
        return """
            <h2 id="trends">\(ctx.t(.trends))</h2>
            \(MapPage.filterForm(ctx, action: "/console/dashboard", f, options))
            \(activity)
            \(open)
            \(ages)
            \(plan)
            """
    }

    /// The Centre stay's due and overdue acts (Rules 1; Protocol/stay-v1.md §7), for the roles that read it.
    static func stayCards(_ ctx: ConsoleContext) throws -> HTML {
        guard Set<UserRole>.stayReaders.contains(ctx.actor.role) else { return "" }
        let due = try ctx.read { db in
            try StayStore.due(db, for: ctx.actor, rules: StayHandlers.rules, today: StayWork.day(ctx.now))
        }
        let cards = StayDueKind.allCases.map { kind -> HTML in
            let n = due.counts[kind.rawValue] ?? 0
            let overdue = due.items.filter { $0.kind == kind && $0.overdue }.count
            let cls = overdue > 0 ? "card alert" : "card"
            return """
                <a class="\(cls)" href="/console/stay" data-kind="\(kind.rawValue)"><span class="n">\(n)</span>\
                \(StayConsole.dueLabel(ctx, kind))\(overdue > 0 ? " · \(overdue) !" : "")</a>
                """
        }
        return """
            <h2>\(StayConsole.l(ctx, "Орталықта тұру: мерзімдер", "Проживание в Центре: сроки", "Centre stay: deadlines"))</h2>
            <div class="cards" id="stay-counters">\(cards)</div>
            """
    }
}
