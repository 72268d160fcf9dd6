import Foundation
import HTTPServer
import KandasProtocol
import KandasStore
import QRCode

/// Devices in scope (last contact, queue depth and app version reported by the device), revoke,
/// and enrollment codes with a QR image the server draws itself.
enum DevicesPage {
    static func list(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let p = ctx.actor
        let (devices, workers, activity, history) = try ctx.read { db in
            (
                try DeviceStore.consoleDevices(db, for: p.scope), try DeviceStore.activeWorkers(db, for: p.scope),
                try ChartStore.deviceActivity(db, for: p, now: ctx.now),
                try DeviceDayStore.history(db, for: p, now: ctx.now)
            )
        }
        let canWrite = p.isWriter
        let rows = devices.map { line -> HTML in
            let d = line.device
            let queue: HTML =
                d.clientStatus.map {
                    "\($0.outboxEvents) ev · \($0.filesPending) files · \(ByteCountFormatter.string(fromByteCount: Int64($0.bytesPending), countStyle: .binary))"
                } ?? "—"
            var action: HTML = ""
            if canWrite && d.status == .active {
                action = """
                    <form method="post" action="/console/devices/\(d.id.description)/revoke">\
                    <input type="hidden" name="csrf" value="\(ctx.csrf)">\
                    <input name="reason" required maxlength="500" placeholder="\(ctx.t(.reason))">\
                    <button class="danger" type="submit">\(ctx.t(.revoke))</button></form>
                    """
            }
            return """
                <tr><td>\(line.username)</td><td>\(d.deviceName ?? d.platform.rawValue)</td>\
                <td>\(d.status.rawValue)</td><td>\(ConsoleLayout.time(d.lastSeenAt?.millisecondsSince1970))</td>\
                <td>\(queue)</td><td>\(d.clientStatus?.appVersion ?? d.appVersion)</td><td>\(action)</td></tr>
                """
        }
        var issue: HTML = ""
        if canWrite {
            let options = workers.map { w -> HTML in "<option value=\"\(w.id)\">\(w.username)</option>" }
            issue = """
                <h2>\(ctx.t(.issueCode))</h2>
                <form class="filters" method="post" action="/console/enrollment-codes">
                <input type="hidden" name="csrf" value="\(ctx.csrf)">
                <label>\(ctx.t(.worker)) <select name="user_id">\(options)</select></label>
                <label>TTL (min) <input name="ttl_min" type="number" min="1" max="4320" value="15"></label>
                <button type="submit">\(ctx.t(.issueCode))</button></form>
                """
        }
        let days =
            ctx.query("silent_days").flatMap(Int.init).map { min(max($0, 1), 90) } ?? DashboardPage.defaultSilentDays
        let body: HTML = """
            \(health(ctx, devices, activity, history, silentDays: days))
            <table id="devices"><thead><tr><th>\(ctx.t(.worker))</th><th>\(ctx.t(.devices))</th>\
            <th>\(ctx.t(.status))</th><th>\(ctx.t(.lastContact))</th><th>\(ctx.t(.queueDepth))</th>\
            <th>\(ctx.t(.appVersion))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            \(issue)
            """
        return ctx.page(ctx.t(.devices), body)
    }

    /// Sync health (issue 20, item 3): one heat strip per active device over the last 30 days (a
    /// cell per day, darker for more events pushed), the longest-silent first (at most 50); devices
    /// silent for more than `silentDays` days are marked red. Each day the device made contact
    /// without pushing is a pale cell; the queue depth it reported that day (the most outbox events,
    /// from ``DeviceDayStore``) is an orange bar rising from the cell's foot, scaled to the deepest
    /// queue drawn. The table beside gives last contact, days silent, the queue depth the device
    /// last reported and the deepest of the 30 days.
    static func health(
        _ ctx: ConsoleContext, _ devices: [(device: Device, username: String)], _ activity: [String: [Int]],
        _ history: [String: [DeviceDayStore.Day?]], silentDays: Int
    ) -> HTML {
        let lang = ctx.lang
        let active = devices.filter { $0.device.status == .active }.sorted {
            ($0.device.lastSeenAt ?? $0.device.enrolledAt).millisecondsSince1970
                < ($1.device.lastSeenAt ?? $1.device.enrolledAt).millisecondsSince1970
        }.prefix(50)
        guard !active.isEmpty else { return "" }
        let labelWidth = 170.0
        let cell = 14.0
        let rowHeight = 18.0
        let width = labelWidth + 30 * cell + 10
        let height = Double(active.count) * rowHeight + 22
        var rows = HTML()
        var tableRows: [HTML] = []
        let deepest =
            active.compactMap { line in
                history[line.device.id.description]?.compactMap { $0?.queueMax }.max()
            }.max() ?? 0
        for (i, line) in active.enumerated() {
            let d = line.device
            let last = (d.lastSeenAt ?? d.enrolledAt).millisecondsSince1970
            let silentFor = Int((ctx.now - last) / 86_400_000)
            let silent = silentFor > silentDays
            let y = 4 + Double(i) * rowHeight
            let name = line.username + " · " + (d.deviceName ?? d.platform.rawValue)
            let label = name.count > 26 ? String(name.prefix(25)) + "…" : name
            rows.append(
                silent
                    ? """
                    <rect class="h-flag" x="0" y="\(y)" width="4" height="\(cell)"/>\
                    <text class="h-silent" x="\(labelWidth - 6)" y="\(y + 11)" text-anchor="end">\(label)</text>
                    """
                    : "<text class=\"axis\" x=\"\(labelWidth - 6)\" y=\"\(y + 11)\" text-anchor=\"end\">\(label)</text>"
            )
            rows.append(
                "<rect class=\"h0\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(30 * cell - 1)\" height=\"\(cell)\"/>")
            for (day, n) in (activity[d.id.description] ?? []).enumerated() where n > 0 {
                let cls: StaticString = n >= 100 ? "h3" : n >= 10 ? "h2" : "h1"
                rows.append(
                    """
                    <rect class="\(HTML(cls))" x="\(labelWidth + Double(day) * cell)" y="\(y)" width="\(cell - 1)" \
                    height="\(cell)" data-value="\(n)"/>
                    """)
            }
            let days = history[d.id.description] ?? []
            for (day, record) in days.enumerated() {
                guard let record else { continue }
                if (activity[d.id.description]?[day] ?? 0) == 0 {
                    rows.append(
                        """
                        <rect class="hc" x="\(labelWidth + Double(day) * cell)" y="\(y)" width="\(cell - 1)" \
                        height="\(cell)"/>
                        """)
                }
                if let q = record.queueMax, q > 0, deepest > 0 {
                    let h = max(2, (cell * Double(q) / Double(deepest)).rounded())
                    rows.append(
                        """
                        <rect class="q" x="\(labelWidth + Double(day) * cell + 3)" y="\(y + cell - h)" \
                        width="\(cell - 7)" height="\(h)" data-value="\(q)"/>
                        """)
                }
            }
            let queue = d.clientStatus.map { ConsoleNumber.format($0.outboxEvents, lang) } ?? "—"
            let worst = days.compactMap { $0?.queueMax }.max().map { ConsoleNumber.format($0, lang) } ?? "—"
            let flag: HTML = silent ? " <span class=\"flag\">\(ctx.t(.silentDevices))</span>" : ""
            tableRows.append(
                """
                <tr><th>\(line.username)\(flag)</th><td>\(ConsoleLayout.time(last))</td>\
                <td class="num">\(ConsoleNumber.format(silentFor, lang))</td><td class="num">\(queue)</td>\
                <td class="num">\(worst)</td></tr>
                """)
        }
        let axis: HTML = """
            <text class="axis" x="\(labelWidth)" y="\(height - 4)">−30 d</text>\
            <text class="axis" x="\(labelWidth + 30 * cell)" y="\(height - 4)" text-anchor="end">\(ctx.t(.today))</text>
            """
        let caption = ctx.t(.syncHealth)
        let svg: HTML = """
            <svg class="chart-svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg">\(rows)\(axis)</svg>
            """
        let table: HTML = """
            <table class="chart-data"><thead><tr><th>\(ctx.t(.worker))</th><th>\(ctx.t(.lastContact))</th>\
            <th class="num">\(ctx.t(.daysSilent))</th><th class="num">\(ctx.t(.queueDepth))</th>\
            <th class="num">\(ctx.t(.queueDeepest))</th></tr></thead>\
            <tbody>\(tableRows)</tbody></table>
            """
        return ConsoleChart.figure(id: "chart-sync-health", caption: caption, svg: svg, table: table)
    }

    static func revoke(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let reason = (ctx.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw ServerError(.invalidField, "a reason of 1-500 characters is required")
        }
        try ctx.write { db in
            try DeviceStore.revoke(db, id: id, reason: reason, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "device.revoke", entityType: "device", entityID: id)
        }
        return ctx.redirect("/console/devices")
    }

    /// Issues a code and shows it once, with its `kandas1:` payload as a QR image (PNG as a data URI).
    static func issueCode(_ ctx: ConsoleContext) throws -> HTTPResponse {
        guard let userID = ctx.form["user_id"], WireID(userID) != nil else {
            throw ServerError(.invalidField, "choose a field worker")
        }
        let minutes = Int(ctx.form["ttl_min"] ?? "15") ?? 0
        guard (1...(EnrollmentCodeHandlers.maxTTL / 60)).contains(minutes) else {
            throw ServerError(.invalidField, "the validity must be 1-\(EnrollmentCodeHandlers.maxTTL / 60) minutes")
        }
        let issued = try ctx.write { db in
            let issued = try EnrollmentCodeHandlers.issue(
                db, userID: userID, ttlSeconds: minutes * 60, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "enrollment_code.create", entityType: "enrollment_code", entityID: issued.id)
            return issued
        }
        let payload = "kandas1:" + ctx.app.publicBaseURL + "#" + issued.code
        let png = try QRCode(payload, ecc: .medium).png(moduleSize: 6)
        let dataURI = "data:image/png;base64," + Data(png).base64EncodedString()
        let body: HTML = """
            <div class="panel qr"><p class="notice">\(ctx.t(.enrolledCode))</p>
            <img id="enrollment-qr" alt="QR" src="\(dataURI)">
            <dl><dt>\(ctx.t(.code))</dt><dd><code id="enrollment-code">\(issued.code)</code></dd>
            <dt>URL</dt><dd><code>\(payload)</code></dd>
            <dt>\(ctx.t(.expires))</dt><dd>\(ConsoleLayout.time(issued.expiresAt))</dd></dl>
            <p><a href="/console/devices">\(ctx.t(.back))</a></p></div>
            """
        return ctx.page(ctx.t(.issueCode), body)
    }
}
