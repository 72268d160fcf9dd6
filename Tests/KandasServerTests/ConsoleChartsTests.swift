import Foundation
import KandasDomain
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// The console's pictures (issue 20): numbers in the viewer's language, SVG escaped by
/// construction, week boundaries on Mondays, and the charts and the map scoped like every page.
@Suite struct ConsoleChartRenderingTests {
    @Test func numbers_areWrittenAsTheChosenLanguageWritesThem() {
        #expect(ConsoleNumber.format(1_234_567, .en) == "1,234,567")
        #expect(ConsoleNumber.format(1_234_567, .ru) == "1\u{00A0}234\u{00A0}567")
        #expect(ConsoleNumber.format(1_234, .kk) == "1\u{00A0}234")
        #expect(ConsoleNumber.format(999, .en) == "999")
        #expect(ConsoleNumber.format(-12_000, .en) == "-12,000")
        #expect(ConsoleNumber.percent(1, 3, .en) == "33.3%")
        #expect(ConsoleNumber.percent(1, 3, .ru) == "33,3\u{00A0}%")
        #expect(ConsoleNumber.percent(0, 0, .kk) == "—")
        #expect(ConsoleNumber.coordinate(12.345) == "12.3")
        #expect(ConsoleNumber.coordinate(-0.05) == "-0.1")
        #expect(ConsoleNumber.coordinate(.nan) == "0")
    }

    @Test func chartText_isEscapedByConstruction() {
        let hostile = "<script>alert(1)</script>\"'&"
        let html = ConsoleChart.columns(
            id: "x", caption: hostile, corner: hostile, categories: [hostile, "b"],
            series: [.init(label: hostile, cssClass: "c-received", values: [3, 5])], lang: .en
        ).rendered
        #expect(!html.contains("<script>"))
        #expect(!html.contains("\"'&"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        let shares = ConsoleChart.shares(
            id: "y", caption: "c", corner: "s", doneLabel: "d", totalLabel: "t",
            rows: [.init(label: hostile, done: 1, total: 2)], lang: .ru
        ).rendered
        #expect(!shares.contains("<script>"))
        #expect(shares.contains("50,0\u{00A0}%"))
    }

    @Test func axisTops_areRoundNumbers() {
        #expect(ConsoleChart.niceMax(0) == 1)
        #expect(ConsoleChart.niceMax(2) == 2)
        #expect(ConsoleChart.niceMax(7) == 10)
        #expect(ConsoleChart.niceMax(13) == 20)
        #expect(ConsoleChart.niceMax(200) == 200)
        #expect(ConsoleChart.niceMax(4_100) == 5_000)
    }

    @Test func weeks_startOnMondayInAlmatyTime() {
        // 2026-12-07 was a Monday; 10:00 Almaty is 05:00 UTC.
        let now: Int64 = 1_796_619_600_000
        let b = ChartStore.boundaries(now: now, weeks: 12)
        #expect(b.count == 13)
        let monday = LocalDate(dayNumber: Int((b[11] + PlanStore.almatyOffset) / 86_400_000))
        #expect(monday.description == "2026-12-07")
        #expect((b[11] + PlanStore.almatyOffset) % 86_400_000 == 0)
        #expect(b[12] - b[0] == 12 * ChartStore.week)
        #expect(b[11] <= now && now < b[12])
    }

    @Test func mapProjection_keepsKazakhstanInsideAndLeavesTheRestOut() {
        let almaty = MapPage.project(43.24, 76.95)
        #expect(almaty != nil)
        #expect((almaty?.x ?? 0) > MapPage.width / 2)
        #expect((almaty?.y ?? 0) > MapPage.height / 2)
        let astana = MapPage.project(51.17, 71.45)
        #expect((astana?.y ?? 1000) < (almaty?.y ?? 0))
        #expect(MapPage.project(55.75, 37.6) == nil)  // Moscow is west of the extent
    }
}

/// The dashboard's charts and the map page on a live server: what each viewer's pictures count.
@Suite(.serialized) final class ConsoleChartsPageTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    /// The value of the first data cell of the chart table `id` in the row for the current week (the last row).
    static func lastWeek(_ html: String, chart id: String) -> [Int] {
        guard let start = html.range(of: "id=\"\(id)\"") else { return [] }
        let rest = html[start.upperBound...]
        guard let end = rest.range(of: "</figure>") else { return [] }
        let figure = rest[..<end.lowerBound]
        guard let lastRow = figure.components(separatedBy: "<tr>").last else { return [] }
        return lastRow.components(separatedBy: "<td class=\"num\">").dropFirst().compactMap {
            Int($0.prefix { $0.isNumber || $0 == "," }.replacingOccurrences(of: ",", with: ""))
        }
    }

    @Test func chartsAndMap_countOnlyWhatTheViewerMaySee() throws {
        let seed = try #require(server.seed)
        let mine = try data.family(seed.families[0])
        let theirs = try data.family(seed.families[15])
        let lat = mine.settlement["latitude"] as? Double ?? 43.2
        let lon = mine.settlement["longitude"] as? Double ?? 76.9
        let photo = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 1, count: 100), name: "a.png")
        let near = try data.complete(
            family: seed.families[0], item: mine.items[0], worker: mine.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: (lat, lon), files: [photo])
        try data.verify(photo)
        // Far from its settlement (over 20 km): a dashed line on the map.
        let far = try data.complete(
            family: seed.families[0], item: mine.items[1], worker: mine.worker,
            performedAt: "2026-11-21T06:00:00.000Z", note: nil, location: (lat + 1, lon), files: [])
        let foreign = try data.complete(
            family: seed.families[15], item: theirs.items[0], worker: theirs.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil,
            location: (theirs.settlement["latitude"] as? Double ?? 50, theirs.settlement["longitude"] as? Double ?? 70),
            files: [])

        var region = ConsoleClient(port: server.port)
        try region.login("region1")
        let dashboard = try region.get("/console/dashboard?lang=en").text
        // Received this week: the two of region 1, not region 2's; one file verified.
        #expect(Self.lastWeek(dashboard, chart: "chart-activity") == [2, 1])
        #expect(dashboard.contains("id=\"chart-open\""))
        #expect(dashboard.contains("id=\"chart-backlog-age\""))
        #expect(dashboard.contains("id=\"chart-plan-progress\""))
        #expect(!dashboard.contains("<script"))

        let map = try region.get("/console/map?lang=en").text
        #expect(map.contains("/console/completions/\(near)"))
        #expect(map.contains("/console/completions/\(far)"))
        #expect(!map.contains(foreign))
        #expect(map.contains("class=\"m-far\""))
        #expect(map.components(separatedBy: "class=\"m-far\"").count == 2)
        #expect(!map.contains("<script"))

        // Sync health on the devices page: region 1's worker's strip, not region 2's worker.
        let devices = try region.get("/console/devices?lang=en").text
        #expect(devices.contains("id=\"chart-sync-health\""))
        #expect(devices.contains(mine.worker))
        #expect(!devices.contains(theirs.worker))
        // The month's Annex 3 totals as a chart beside the report.
        let report = try region.get("/console/reports/monthly?region_id=\(seed.regions[0])&month=2026-11&lang=en").text
        #expect(report.contains("id=\"chart-annex3\""))

        // A national administrator sees all three; a region filter narrows to one region.
        var national = ConsoleClient(port: server.port)
        try national.login("admin")
        #expect(Self.lastWeek(try national.get("/console/dashboard?lang=en").text, chart: "chart-activity") == [3, 1])
        #expect(try national.get("/console/map").text.contains(foreign))
        let narrowed = try national.get("/console/map?region_id=\(seed.regions[0])").text
        #expect(!narrowed.contains(foreign))
        #expect(narrowed.contains(near))
        // A region administrator asking for another region gets nothing of it.
        let other = try region.get("/console/map?region_id=\(seed.regions[1])").text
        #expect(!other.contains(foreign))
        #expect(!other.contains(near))
    }
}

/// The pictures in a real headless Chromium: screenshots of the dashboard's charts and the map,
/// with the pixels at the centre of each drawn mark checked for the colour its data calls for.
@Suite(.serialized) final class ConsoleChartsBrowserTests {
    let server: ServerProcess
    let data: ConsoleData
    let work: String

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
        work =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-charts-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: work) }

    /// A decoded screenshot (RGB, 8 bits a channel).
    struct Picture {
        var width: Int
        var height: Int
        var rgb: [UInt8]

        func pixel(_ x: Double, _ y: Double) -> (Int, Int, Int)? {
            let px = Int(x)
            let py = Int(y)
            guard px >= 0, py >= 0, px < width, py < height else { return nil }
            let i = (py * width + px) * 3
            return (Int(rgb[i]), Int(rgb[i + 1]), Int(rgb[i + 2]))
        }

        /// Whether the pixel at (x, y) is `hex` (within a small tolerance for antialiasing).
        func isColour(_ x: Double, _ y: Double, _ hex: Int) -> Bool {
            guard let (r, g, b) = pixel(x, y) else { return false }
            return abs(r - (hex >> 16) & 0xff) <= 10 && abs(g - (hex >> 8) & 0xff) <= 10 && abs(b - hex & 0xff) <= 10
        }
    }

    /// PNG to raw RGB through ffmpeg (a test peer already); the size comes from the PNG header.
    func decode(_ png: [UInt8]) throws -> Picture {
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let width = be32(16)
        let height = be32(20)
        let input = work + "/shot.png"
        let output = work + "/shot.rgb"
        try Data(png).write(to: URL(fileURLWithPath: input))
        let outcome = try ProcessRunner.run(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-f", "rawvideo", "-pix_fmt", "rgb24", output])
        guard outcome.succeeded else { throw TestSupportError("ffmpeg could not decode the screenshot") }
        let rgb = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        guard rgb.count == width * height * 3 else { throw TestSupportError("screenshot size mismatch") }
        return Picture(width: width, height: height, rgb: rgb)
    }

    /// The page-coordinate centres and `data-value`s of the elements matching `selector`.
    func marks(_ browser: HeadlessBrowser, _ selector: String) throws -> [(x: Double, y: Double, value: Int)] {
        let list =
            try browser.evaluate(
                """
                Array.from(document.querySelectorAll('\(selector)')).map(e => {
                  const r = e.getBoundingClientRect();
                  return [r.left + r.width / 2 + window.scrollX, r.top + r.height / 2 + window.scrollY,
                          r.width, r.height, Number(e.getAttribute('data-value') || 0)];
                })
                """) as? [[Any]] ?? []
        return list.compactMap { m in
            guard m.count == 5, let x = m[0] as? Double, let y = m[1] as? Double,
                let w = m[2] as? Double, let h = m[3] as? Double, w >= 2, h >= 2
            else { return nil }
            return (x, y, (m[4] as? Int) ?? Int((m[4] as? Double) ?? 0))
        }
    }

    @Test func chartsAndMap_drawTheirColoursWhereTheDataSays() throws {
        guard HeadlessBrowser.binary != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else {
            Issue.record("chromium and ffmpeg are needed: apt-get install -y chromium ffmpeg")
            return
        }
        let seed = try #require(server.seed)
        let family = try data.family(seed.families[0])
        let lat = family.settlement["latitude"] as? Double ?? 43.2
        let lon = family.settlement["longitude"] as? Double ?? 76.9
        let photo = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 7, count: 100), name: "p.png")
        try data.complete(
            family: seed.families[0], item: family.items[0], worker: family.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil, files: [photo])
        try data.verify(photo)
        // Recorded 1.5 degrees north of the settlement: its own point, clear of the settlement squares.
        let far = try data.complete(
            family: seed.families[0], item: family.items[1], worker: family.worker,
            performedAt: "2026-11-21T06:00:00.000Z", note: nil, location: (lat + 1.5, lon - 2), files: [])

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        let base = "http://127.0.0.1:\(server.port)"
        try browser.navigate(base + "/console/login?lang=en")
        try browser.submitting(
            """
            document.querySelector('[name=username]').value = 'region1';
            document.querySelector('[name=password]').value = '\(seed.password)';
            document.querySelector('form.login').submit();
            """)
        #expect(try browser.evaluate("location.pathname") as? String == "/console/dashboard")

        // Dashboard: received (blue) and verified (green) columns where the weeks have some, the
        // last-drawn line's markers (purple), and the plan-progress tracks (light grey).
        let dashboard = try decode(try browser.screenshot(to: ConsoleEndToEndTests.artifacts + "/console-charts.png"))
        let received = try marks(browser, "#chart-activity rect.c-received")
        #expect(received.map(\.value).reduce(0, +) == 2)
        for m in received { #expect(dashboard.isColour(m.x, m.y, 0x0b5cad), "received column at \(m)") }
        let verified = try marks(browser, "#chart-activity rect.c-verified")
        #expect(verified.map(\.value).reduce(0, +) == 1)
        for m in verified { #expect(dashboard.isColour(m.x, m.y, 0x1b7a3a), "verified column at \(m)") }
        let overdue = try marks(browser, "#chart-open circle.c-overdue")
        #expect(overdue.count == 12)
        for m in overdue { #expect(dashboard.isColour(m.x, m.y, 0x6a3d9a), "overdue marker at \(m)") }
        let tracks = try marks(browser, "#chart-plan-progress rect.c-track")
        #expect(tracks.count == 25)
        // The right end of each track is grey unless the service is fully done.
        let tracksGrey =
            try browser.evaluate(
                """
                Array.from(document.querySelectorAll('#chart-plan-progress rect.c-track')).map(e => {
                  const r = e.getBoundingClientRect(); return [r.right - 2 + scrollX, r.top + r.height / 2 + scrollY]; })
                """) as? [[Double]] ?? []
        let full = try marks(browser, "#chart-plan-progress rect.c-done").count
        #expect(tracksGrey.filter { dashboard.isColour($0[0], $0[1], 0xe3e8ee) }.count >= 25 - full)

        // Queue history: a queue of 20 events reported three days ago, an orange bar in that day's cell.
        let deviceID =
            try SQLiteConnectionAdapter(try Connection(path: server.databasePath)).queryOne(
                "SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = ?", family.worker)?
            .string("id") ?? ""
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try data.execute(
            "INSERT INTO device_days(device_id, day, last_contact, queue_max, queue_last, files_max)"
                + " VALUES(?, ?, ?, 20, 20, 0)", [deviceID, DeviceDayStore.day(now) - 3, now - 3 * 86_400_000])
        // Sync health: the worker's device pushed two events today, the last cell of its strip.
        try browser.navigate(base + "/console/devices?lang=en")
        let devices = try decode(
            try browser.screenshot(to: ConsoleEndToEndTests.artifacts + "/console-sync-health.png"))
        let cells = try marks(browser, "#chart-sync-health rect.h1")
        #expect(cells.map(\.value) == [2])
        for m in cells { #expect(devices.isColour(m.x, m.y, 0x9cc3e8), "today's cell at \(m)") }
        let strips = try marks(browser, "#chart-sync-health rect.h0")
        #expect(!strips.isEmpty)
        #expect(cells.allSatisfy { c in strips.contains { abs($0.y - c.y) < 1 } })
        let bars = try marks(browser, "#chart-sync-health rect.q")
        #expect(bars.map(\.value) == [20])
        for m in bars { #expect(devices.isColour(m.x, m.y, 0xe07b00), "queue bar at \(m)") }

        // Map: the far completion's point in pending amber at its place, a settlement square in navy.
        try browser.navigate(base + "/console/map?lang=en")
        let map = try decode(try browser.screenshot(to: ConsoleEndToEndTests.artifacts + "/console-map.png"))
        let point = try marks(browser, "#map a[href=\"/console/completions/\(far)\"] circle")
        #expect(point.count == 1)
        for m in point { #expect(map.isColour(m.x, m.y, 0xe0a100), "far point at \(m)") }
        let circles = try marks(browser, "#map a circle")
        let squares = try marks(browser, "#map rect.m-settlement").filter { s in
            circles.allSatisfy { abs($0.x - s.x) > 8 || abs($0.y - s.y) > 8 }
        }
        #expect(!squares.isEmpty)
        for s in squares.prefix(5) { #expect(map.isColour(s.x, s.y, 0x12324f), "settlement at \(s)") }
        #expect(try browser.evaluate("document.querySelectorAll('#map line.m-far').length") as? Int == 1)
        // Clicking the point opens the completion (a plain SVG link).
        try browser.submitting(
            "document.querySelector(\"#map a[href='/console/completions/\(far)']\").dispatchEvent(new MouseEvent('click', {bubbles: true}))"
        )
        #expect(try browser.evaluate("location.pathname") as? String == "/console/completions/\(far)")
    }
}

/// The dashboard's counters and trends read an index, never every completion (the EXPLAIN QUERY
/// PLAN guards of issue 11, extended to the queries that made the dashboard slow).
@Suite struct DashboardIndexGuardTests {
    /// The plan's lines for the completions table of `sql`.
    static func plan(_ s: SyncSchemaTests.OldStore, _ sql: String, _ values: [DatabaseValue]) throws -> [String] {
        try SQLiteConnectionAdapter(s.db).query("EXPLAIN QUERY PLAN " + sql, values: values)
            .map { try $0.string("detail") }.filter { $0.contains(" c ") || $0.hasSuffix(" c") }
    }

    @Test func incompleteCount_readsThePartialIndexOfIncompleteCompletions() throws {
        let s = try SyncSchemaTests.OldStore()
        try Schema.migrator.migrate(s.db)
        let (sql, values) = ReportStore.incompleteCountStatement(for: SyncSchemaTests.admin)
        let plan = try Self.plan(s, sql, values)
        #expect(plan.contains { $0.contains("USING INDEX completions_missing") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN c") && !$0.contains("INDEX") }, "\(plan)")
    }

    @Test func weeklyTrends_readTheCountersNotTheCompletions() throws {
        let s = try SyncSchemaTests.OldStore()
        try Schema.migrator.migrate(s.db)
        for p in [
            SyncSchemaTests.admin, SyncSchemaTests.regionAdmin(s.region), SyncSchemaTests.supervisor(s.centres[0]),
        ] {
            let (sql, values) = ChartStore.countsStatement(
                ChartStore.records(p, .init(), alias: "r"), metric: "received", first: 2900, weeks: 12)
            let plan = try SQLiteConnectionAdapter(s.db).query("EXPLAIN QUERY PLAN " + sql, values: values)
                .map { try $0.string("detail") }
            #expect(plan.contains { $0.hasPrefix("SEARCH r USING PRIMARY KEY (metric=?") }, "\(plan)")
            #expect(!plan.contains { $0.contains("completions") || $0.contains("attachments") }, "\(plan)")
        }
    }
}

/// The pictures' and the dashboard's store SQL is written once in the dialect subset: the same
/// functions run on PostgreSQL and count the same rows (issue 12 runs the server there).
@Suite struct ConsoleChartsOnPostgreSQLTests {
    @Test func chartAndDashboardQueries_runOnPostgreSQL() throws {
        try PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            try engine.writeSync { db in try CardForwardStoreTests.fill(db, completions: 5) }
            // The counters' trigger functions on PostgreSQL: after inserts, a review change, a voided
            // completion and a verified file, they hold what a full recount gives.
            try engine.writeSync { db in
                _ = try db.run(
                    "UPDATE completions SET review_state = 'rejected' WHERE id = (SELECT min(id) FROM completions)")
                _ = try db.run("UPDATE completions SET state = 'voided' WHERE id = (SELECT max(id) FROM completions)")
                _ = try db.run(
                    "UPDATE completions SET review_state = 'approved' WHERE id = (SELECT min(id) FROM completions)")
                let kept = try ConsoleCountersTests.snapshot(db)
                try ConsoleRollups.recount(db)
                #expect(kept == (try ConsoleCountersTests.snapshot(db)))
                _ = try db.run("UPDATE completions SET state = 'active' WHERE state = 'voided'")
            }
            let region = try engine.readSync { db in
                try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")?.string("id") ?? ""
            }
            // Tuesday 1970-01-06: the five completions received at 0 (Thursday) fall in the week before.
            let now: Int64 = 5 * 86_400_000
            for p in [SyncSchemaTests.admin, SyncSchemaTests.regionAdmin(region)] {
                try engine.readSync { db in
                    let (weeks, age) = try ChartStore.trends(db, for: p, filter: .init(), now: now)
                    #expect(weeks.map(\.received).reduce(0, +) == 5)
                    #expect(weeks[10].received == 5)
                    #expect(age.counts == [0, 0, 0, 0])
                    let progress = try ChartStore.planProgress(db, for: p, filter: .init(regionID: region))
                    #expect(progress.first { $0.serviceCode == 7 }?.items == 1)
                    let map = try ChartStore.map(db, for: p, filter: .init())
                    #expect(map.totals["approved"] == 5)
                    #expect(try ChartStore.deviceActivity(db, for: p, now: now).isEmpty)
                    #expect(try ReportStore.incompleteCount(db, for: p) == 0)
                    _ = try ReportStore.overdue(db, for: p, today: LocalDate(dayNumber: 20_000))
                    let counts = try ConsoleStore.dashboardCounts(db, for: p, now: now, silentDays: 7)
                    #expect(counts.incompleteCompletions == 0)
                    _ = try StayStore.referrals(
                        db, for: p, paging: try Pagination([:]), filters: [("status", .text("issued"))],
                        today: LocalDate(dayNumber: 20_000))
                }
            }
            // Another region's administrator sees none of it.
            let other = try engine.readSync { db in
                try db.queryOne("SELECT id FROM regions ORDER BY code DESC LIMIT 1")?.string("id") ?? ""
            }
            let p = SyncSchemaTests.regionAdmin(other)
            let received = try engine.readSync { db in
                try ChartStore.trends(db, for: p, filter: .init(), now: now).weeks.map(\.received)
            }
            #expect(received == Array(repeating: 0, count: 12))
            let totals = try engine.readSync { db in try ChartStore.map(db, for: p, filter: .init()).totals }
            #expect(totals.isEmpty)
        }
    }
}
