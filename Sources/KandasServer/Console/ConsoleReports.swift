import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// The reports pages: the Annex 3 monthly report (HTML and CSV), the monitoring schedule with
/// what is due, and the quality-evaluation sheet.
enum ConsoleReports {
    /// Today in Kazakhstan time.
    static func today(_ now: Int64) -> LocalDate {
        LocalDate(dayNumber: Int((now + PlanStore.almatyOffset).floorDiv(86_400_000)))
    }

    static func index(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let regions = try ctx.read { db in try ConsoleStore.reportRegions(db, for: ctx.actor) }
        let t = today(ctx.now)
        let previous = t.addingMonths(-1)
        let month = String(previous.year) + "-" + (previous.month < 10 ? "0" : "") + String(previous.month)
        let options = regions.map { r -> HTML in "<option value=\"\(r.id)\">\(r.name(ctx.lang))</option>" }
        let body: HTML = """
            <h2>\(ctx.t(.monthlyReport))</h2>
            <form class="filters" method="get" action="/console/reports/monthly">
            <label>\(ctx.t(.region)) <select name="region_id">\(options)</select></label>
            <label>\(ctx.t(.month)) <input name="month" value="\(month)" pattern="[0-9]{4}-[0-9]{2}"></label>
            <label>\(ctx.t(.cutoff)) <input name="cutoff" placeholder="2026-11-05T00:00:00Z"></label>
            <button type="submit">\(ctx.t(.open))</button></form>
            <p class="muted" id="form-due">\(ctx.t(.reportDue)) (\(month)): \(Deadlines.monthlyReportDue(year: previous.year, month: previous.month).description)</p>
            \(try overdueSection(ctx))
            <h2><a href="/console/reports/monitoring">\(ctx.t(.monitoring))</a></h2>
            <h2><a href="/console/reports/quality">\(ctx.t(.quality))</a></h2>
            <h2>\(ctx.t(.exports))</h2>
            <p><a href="/console/exports/completions.csv">completions.csv</a> ·
            <a href="/console/exports/completions.geojson">completions.geojson</a>
            <span class="muted">(\(ctx.t(.filter)): <a href="/console/completions">\(ctx.t(.completions))</a>)</span></p>
            """
        return ctx.page(ctx.t(.reports), body)
    }

    static func builder(_ ctx: ConsoleContext) throws -> MonthlyReportBuilder {
        try ctx.read { db in
            try MonthlyReportBuilder.request(
                db, regionID: ctx.query("region_id"), month: ctx.query("month"), cutoff: ctx.query("cutoff"),
                for: ctx.actor, now: ctx.now)
        }
    }

    static func monthly(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let b = try builder(ctx)
        let report = try ctx.read { db in try b.report(db) }
        let csvLink = ctx.link(
            "/console/reports/monthly.csv",
            [("region_id", b.regionID), ("month", report.month), ("cutoff", report.cutoff.description)])
        let body: HTML = """
            <p class="muted">\(MonthlyReportLayout.title(ctx.lang)) · \(ctx.t(.month)) \(report.month) · \
            \(ctx.t(.cutoff)) \(report.cutoff.description) · sha256 <code>\(report.inputSHA256)</code></p>
            <p><a id="csv" href="\(csvLink)">\(ctx.t(.download)) CSV</a></p>
            <p class="muted" id="month-due">\(ctx.t(.reportDue)): \(Deadlines.monthlyReportDue(year: b.year, month: b.month).description)</p>
            \(table(report.rows, lang: ctx.lang))
            \(totalsChart(ctx, report))
            \(leftOutTable(ctx, report.leftOut))
            \(try submissionSection(ctx, b, report))
            """
        return ctx.page(ctx.t(.monthlyReport), body)
    }

    /// The month's Annex 3 totals per service as a chart beside the report (issue 20, item 2).
    static func totalsChart(_ ctx: ConsoleContext, _ report: MonthlyReport) -> HTML {
        let rows = ServiceCatalog.all.enumerated().map { i, service in
            (
                label: String(service.code) + ". " + service.name(in: ctx.lang),
                value: report.rows.reduce(0) { $0 + (i < $1.services.count ? $1.services[i] : 0) }
            )
        }
        return ConsoleChart.counts(
            id: "chart-annex3", caption: ctx.t(.monthlyReport) + " · " + ctx.t(.total) + " · " + report.month,
            corner: ctx.t(.service), valueLabel: ctx.t(.total), rows: rows, lang: ctx.lang)
    }

    /// Para 39 delivery on the report page: the month's recorded submissions and, for those who
    /// may record one, a form that hashes exactly this report (same cut-off).
    static func submissionSection(
        _ ctx: ConsoleContext, _ b: MonthlyReportBuilder, _ report: MonthlyReport
    ) throws -> HTML {
        let list = try ctx.read { db in
            try ReportStore.submissions(db, for: ctx.actor, regionID: b.regionID, month: report.month)
        }
        let rows = list.map { s -> HTML in
            let late: HTML = s.late ? " <span class=\"flag\">late</span>" : ""
            return """
                <tr><td>\(ConsoleLayout.time(s.submittedAt.millisecondsSince1970))\(late)</td><td>\(s.recipient)</td>\
                <td>\(s.format)</td><td><code>\(s.sha256)</code></td><td>\(s.cutoff.description)</td></tr>
                """
        }
        var form: HTML = ""
        if ctx.actor.role == .regionAdmin || ctx.actor.role == .nationalAdmin {
            form = """
                <form method="post" action="/console/reports/monthly/submit" id="submit-form">
                <input type="hidden" name="csrf" value="\(ctx.csrf)">
                <input type="hidden" name="region_id" value="\(b.regionID)">
                <input type="hidden" name="month" value="\(report.month)">
                <input type="hidden" name="cutoff" value="\(report.cutoff.description)">
                <label>\(ctx.t(.submittedTo)) <input name="recipient" size="50" maxlength="300" required></label>
                <label>\(ctx.t(.kind)) <select name="format"><option>csv</option><option>json</option><option>html</option></select></label>
                <button type="submit">\(ctx.t(.recordSubmission))</button></form>
                """
        }
        let empty: HTML = list.isEmpty ? "<p class=\"muted\" id=\"not-submitted\">\(ctx.t(.notSubmitted))</p>" : ""
        return """
            <h2 id="submissions">\(ctx.t(.submission))</h2>\(empty)
            <table id="submissions-table"><thead><tr><th>\(ctx.t(.submittedAt))</th><th>\(ctx.t(.submittedTo))</th>\
            <th>\(ctx.t(.kind))</th><th>sha256</th><th>\(ctx.t(.cutoff))</th></tr></thead><tbody>\(rows)</tbody></table>
            \(form)
            """
    }

    /// `POST /console/reports/monthly/submit`: records the submission (``ReportSubmissionHandlers/record``).
    static func submit(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let region = ctx.form["region_id"] ?? ""
        let month = ctx.form["month"] ?? ""
        let cutoff = ctx.form["cutoff"]
        let submission = try ctx.write { db in
            let s = try ReportSubmissionHandlers.record(
                db, regionID: region, month: month, cutoff: cutoff, format: ctx.form["format"],
                recipient: ctx.form["recipient"] ?? "", for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "report.submit", entityType: "report_submission", entityID: s.id.description)
            return s
        }
        return ctx.redirect(
            ctx.link(
                "/console/reports/monthly",
                [("region_id", region), ("month", submission.month), ("cutoff", submission.cutoff.description)])
                + "#submissions")
    }

    /// Reports past their due date with no submission (para 39), on the reports index.
    static func overdueSection(_ ctx: ConsoleContext) throws -> HTML {
        let (list, names) = try ctx.read { db in
            (try ReportStore.overdue(db, for: ctx.actor, today: today(ctx.now)), try ReportStore.regionNames(db))
        }
        guard !list.isEmpty else { return "" }
        let rows = list.map { o -> HTML in
            let link = ctx.link(
                "/console/reports/monthly", [("region_id", o.regionID.description), ("month", o.month)])
            return """
                <tr><td>\(names[o.regionID.description]?(ctx.lang) ?? o.regionID.description)</td>\
                <td><a href="\(link)">\(o.month)</a></td><td>\(o.due.description)</td></tr>
                """
        }
        return """
            <h3 id="overdue-reports">\(ctx.t(.overdueReports)) (\(list.count))</h3>
            <table id="overdue-table"><thead><tr><th>\(ctx.t(.region))</th><th>\(ctx.t(.month))</th>\
            <th>\(ctx.t(.reportDue))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// The month's completions the report does not count, and why (Rules 2, paras 36-37, 39):
    /// nothing done in the month is hidden from whoever reads the report.
    static func leftOutTable(_ ctx: ConsoleContext, _ list: [MonthlyReportLeftOut]) -> HTML {
        let rows = list.map { l -> HTML in
            let missing: HTML =
                l.missing.isEmpty ? "" : " (\(ctx.t(.missingEvidence)): \(l.missing.joined(separator: ", ")))"
            return """
                <tr><td><a href="/console/completions/\(l.completionID.description)">\(String(l.completionID.description.prefix(8)))</a></td>\
                <td><code>\(l.memberIIN)</code></td><td class="num">\(l.serviceCode)</td>\
                <td>\(l.performedAt.description)</td><td>\(l.reasons.joined(separator: ", "))\(missing)</td></tr>
                """
        }
        let empty: HTML = list.isEmpty ? "<p class=\"muted\">\(ctx.t(.noResults))</p>" : ""
        return """
            <h2 id="left-out">\(ctx.t(.leftOut)) (\(list.count))</h2>\(empty)
            <table id="left-out-table"><thead><tr><th>ID</th><th>\(ctx.t(.memberIIN))</th><th>\(ctx.t(.service))</th>\
            <th>\(ctx.t(.performedAt))</th><th>\(ctx.t(.leftOutReason))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// The report table: Annex 3 headers (Kazakh verbatim, with the page language's name under them).
    static func table(_ rows: [MonthlyReportRow], lang: Language) -> HTML {
        let head = MonthlyReportLayout.columns.map { c -> HTML in
            let sub: HTML = lang == .kk ? "" : "<br><span class=\"muted\">\(c.header(lang))</span>"
            return "<th title=\"\(c.number)\">\(c.header.kk)\(sub)</th>"
        }
        let numbers = MonthlyReportLayout.columns.map { c -> HTML in "<th class=\"num\">\(c.number)</th>" }
        let body = rows.map { row -> HTML in
            let cells = row.services.map { n -> HTML in
                n == 0 ? "<td class=\"num\"></td>" : "<td class=\"num\">\(n)</td>"
            }
            return "<tr><td class=\"num\">\(row.number)</td><td><code>\(row.iin)</code></td>\(cells)</tr>\n"
        }
        return """
            <div class="scroll"><table class="report" id="monthly"><thead><tr>\(head)</tr><tr>\(numbers)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            """
    }

    static func monthlyCSV(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let b = try builder(ctx)
        let rows = try ctx.read { db in try b.rows(db) }
        return csvResponse(MonthlyReportBuilder.csv(rows), name: "annex3-\(b.monthText).csv")
    }

    static func csvResponse(_ bytes: [UInt8], name: String) -> HTTPResponse {
        HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=\"\(name)\"",
                "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            ], body: .bytes(bytes))
    }

    /// A family's monitoring on record (paras 40-45): the 16 periods from the quota inclusion date,
    /// each with its record or an overdue flag, the horizon's end, and (for writers) a form.
    static func monitoringTable(_ ctx: ConsoleContext, _ m: MonitoringStatus) -> HTML {
        let rows = m.periods.map { p -> HTML in
            let state: HTML
            if let r = p.record {
                let visit: HTML = r.fieldVisit ? " · field visit" : ""
                state = "\(r.doneOn.description) · \(r.channel)\(visit) · \(r.problems ?? "") \(r.proposals ?? "")"
            } else if p.overdue {
                state = "<span class=\"flag overdue\">\(ctx.t(.overdueItems))</span>"
            } else {
                state = ""
            }
            return """
                <tr><td class="num">\(p.period)</td><td class="num">\(p.year)</td><td>\(p.cadence)</td>\
                <td>\(p.start.description)</td><td>\(p.end.description)</td><td>\(state)</td></tr>
                """
        }
        let closed: HTML = m.closed ? " <span class=\"flag\" id=\"case-closed\">closed</span>" : ""
        var form: HTML = ""
        if ctx.actor.isWriter && !m.closed {
            let next = m.periods.first { $0.record == nil }?.period ?? 1
            form = """
                <form method="post" action="/console/families/\(m.familyID.description)/monitoring" id="monitoring-form">
                <input type="hidden" name="csrf" value="\(ctx.csrf)">
                <label>\(ctx.t(.period)) <input name="period" type="number" min="1" max="16" value="\(next)"></label>
                <label>\(ctx.t(.performedAt)) <input name="done_on" type="date" required></label>
                <label>\(ctx.t(.kind)) <select name="channel"><option>visit</option><option>call</option>\
                <option>state_systems</option><option>digital_card</option><option>mobile_app</option></select></label>
                <label><input type="checkbox" name="field_visit" value="true"> field visit</label>
                <p><textarea name="problems" rows="2" cols="40" maxlength="2000" placeholder="problems"></textarea>
                <textarea name="proposals" rows="2" cols="40" maxlength="2000" placeholder="proposals"></textarea></p>
                <button type="submit">\(ctx.t(.submit))</button></form>
                """
        }
        return """
            <p class="muted">\(ctx.t(.quotaDate)): \(m.start.description) · 5 y: \(m.horizonEnd.description)\(closed)</p>
            <table class="schedule" id="monitoring-table"><thead><tr><th>\(ctx.t(.period))</th><th>\(ctx.t(.year))</th>\
            <th>\(ctx.t(.cadence))</th><th>\(ctx.t(.from))</th><th>\(ctx.t(.due))</th><th>\(ctx.t(.state))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>\(form)
            """
    }

    /// `POST /console/families/{id}/monitoring`: records a period (``MonitoringHandlers/add``).
    static func recordMonitoring(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let period = Int(ctx.form["period"] ?? ""), let done = CalendarDate(ctx.form["done_on"] ?? "") else {
            throw ServerError(.invalidField, "period 1-16 and done_on YYYY-MM-DD are needed")
        }
        func text(_ name: String) -> String? {
            let t = (ctx.form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        }
        let body = MonitoringRecordRequest(
            period: period, doneOn: done, channel: ctx.form["channel"] ?? "", problems: text("problems"),
            proposals: text("proposals"), fieldVisit: ctx.form["field_visit"] == "true")
        try ctx.write { db in
            let r = try MonitoringHandlers.add(db, familyID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "monitoring.record", entityType: "family", entityID: r.familyID.description)
        }
        return ctx.redirect("/console/families/\(id)#monitoring-table")
    }

    /// The 16-period schedule of para 43 from `start`, with today's period marked.
    static func scheduleTable(_ ctx: ConsoleContext, start: String) -> HTML {
        guard let first = try? LocalDate(start) else { return "" }
        let t = today(ctx.now)
        let rows = Deadlines.monitoringSchedule(start: first).map { p -> HTML in
            let current = p.start <= t && t < p.end
            let mark: HTML = current ? " class=\"current\"" : ""
            return """
                <tr\(mark)><td class="num">\(p.index)</td><td class="num">\(p.year)</td><td>\(p.cadence.rawValue)</td>\
                <td>\(p.start.description)</td><td>\(p.end.description)\(current ? " ◀" : "")</td></tr>
                """
        }
        return """
            <table class="schedule"><thead><tr><th>\(ctx.t(.period))</th><th>\(ctx.t(.year))</th><th>\(ctx.t(.cadence))</th>\
            <th>\(ctx.t(.from))</th><th>\(ctx.t(.due))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// Every family in scope with its current monitoring period and due date; overdue-free by
    /// construction (periods are due on their end), so "due within 30 days" is what is flagged.
    static func monitoring(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let families = try ctx.read { db in try ConsoleStore.monitoringFamilies(db, for: ctx.actor.scope) }
        let t = today(ctx.now)
        let rows = families.map { f -> HTML in
            let startText = f.quotaInclusionDate
            guard let start = try? LocalDate(startText) else { return "" }
            let periods = Deadlines.monitoringSchedule(start: start)
            let current = periods.first { $0.start <= t && t < $0.end }
            let soon = current.map { t.calendarDays(to: $0.end) <= 30 } ?? false
            let flag: HTML = soon ? "<span class=\"flag\">≤ 30 d</span>" : ""
            return """
                <tr><td><a href="/console/families/\(f.id)">\(f.settlement)</a></td>\
                <td>\(startText)</td><td class="num">\(current.map { "\($0.index)/16" } ?? "—")</td>\
                <td>\(current?.cadence.rawValue ?? "—")</td><td>\(current?.end.description ?? "—") \(flag)</td></tr>
                """
        }
        let body: HTML = """
            <p class="muted">Rules 2, para 43: quarterly in years 1-3, half-yearly in years 4-5, from the quota \
            inclusion date (anniversaries).</p>
            <table id="monitoring"><thead><tr><th>\(ctx.t(.family))</th><th>\(ctx.t(.quotaDate))</th>\
            <th>\(ctx.t(.period))</th><th>\(ctx.t(.cadence))</th><th>\(ctx.t(.due))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        return ctx.page(ctx.t(.monitoring), body)
    }

    /// The form field of a criterion (snake_case like every query parameter).
    static func field(_ c: QualityCriterion) -> String {
        switch c {
        case .relevance: return "relevance"
        case .effectiveness: return "effectiveness"
        case .socialImpact: return "social_impact"
        }
    }

    /// The sheet: the three criteria, the bands as printed and as we read them, and a calculator
    /// (a GET form: nothing is stored).
    static func quality(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let scores = QualityCriterion.allCases.map { c in Int(ctx.query(field(c)) ?? "") }
        var result: HTML = ""
        if scores.allSatisfy({ $0 != nil }) {
            do {
                let e = try QualityEvaluation(
                    relevance: scores[0] ?? 0, effectiveness: scores[1] ?? 0, socialImpact: scores[2] ?? 0)
                result = """
                    <p class="notice" id="quality-result">\(ctx.t(.total)): <strong>\(e.total)</strong> — \
                    \(e.band.names(ctx.lang))</p>
                    """
            } catch {
                result = "<p class=\"error\">\(String(describing: error))</p>"
            }
        }
        let criteria = QualityCriterion.allCases.enumerated().map { i, c -> HTML in
            let options = QualityEvaluation.scoreRange.map { n -> HTML in
                scores[i] == n ? "<option selected>\(n)</option>" : "<option>\(n)</option>"
            }
            return """
                <tr><td>\(c.names.kk)</td><td>\(c.names(ctx.lang))</td>\
                <td><select name="\(field(c))"><option value=""></option>\(options)</select></td></tr>
                """
        }
        let bands = QualityBand.allCases.map { b -> HTML in
            let range: String
            switch b {
            case .low: range = "3–9"
            case .medium: range = "10–14"
            case .high: range = "15"
            }
            return
                "<tr><td>\(b.sourceRange)</td><td>\(range)</td><td>\(b.names.kk)</td><td>\(b.names(ctx.lang))</td></tr>"
        }
        let body: HTML = """
            <form method="get" action="/console/reports/quality">
            <table><thead><tr><th>\(ctx.t(.criterion))</th><th></th><th>\(ctx.t(.score)) (1-5)</th></tr></thead>
            <tbody>\(criteria)</tbody></table>
            <p><button type="submit">\(ctx.t(.total))</button></p></form>
            \(result)
            <h2>\(ctx.t(.band))</h2>
            <table id="bands"><thead><tr><th>Rules 2, para 49</th><th>\(ctx.t(.total))</th><th></th><th></th></tr>\
            </thead><tbody>\(bands)</tbody></table>
            <p class="notice">\(ctx.t(.sourceInconsistency))</p>
            \(try Rules2Console.centreList(ctx))
            """
        return ctx.page(ctx.t(.quality), body)
    }
}
