import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// The aggregations behind the console's pictures (issue 20): weekly trends, plan progress by
/// service, the map's points and settlements. Every function takes the viewer's principal and
/// applies its scope here; the pages only draw what comes back. SQL is in the dialect subset
/// (integer arithmetic, `CASE`, `GROUP BY`), so the same text runs on PostgreSQL.
enum ChartStore {
    static let day: Int64 = 86_400_000
    static let week: Int64 = 7 * 86_400_000

    /// The region and centre a picture is narrowed to (both optional; always within the scope).
    struct Filter: Equatable, Sendable {
        var regionID: String?
        var centreID: String?
    }

    /// A `WHERE` for records of alias `alias` (completions, conflicts, counters): the scope, then the
    /// filters. `blobIDs`: the region and centre columns hold blobs (completions on SQLite, 0047).
    static func records(_ p: Principal, _ f: Filter, alias: String, blobIDs: Bool = false) -> ListQuery {
        var w = ListQuery(select: "", key: "", scope: p.scope.records(alias: alias, blobIDs: blobIDs))
        if let region = f.regionID { w.filter("\(alias).region_id = \(blobIDs ? "kid(?)" : "?")", .text(region)) }
        // With the centre's region (completions_region; 0037 dropped completions_centre).
        if let centre = f.centreID { w.filter(AccessScope.centreRecords(alias: alias, centre, blobIDs: blobIDs)) }
        return w
    }

    /// A `WHERE` for families (alias `f`) in scope, narrowed by the filters.
    static func families(_ p: Principal, _ f: Filter) -> ListQuery {
        var w = ListQuery(select: "", key: "", scope: p.scope.families())
        w.equal("f.region_id", f.regionID)
        w.equal("f.career_centre_id", f.centreID)
        return w
    }

    // MARK: Weekly trends

    /// One week (Monday 00:00 Almaty time to the next Monday) of the dashboard's trends.
    struct WeekTrend: Equatable, Sendable {
        /// The Monday the week starts on.
        var start: LocalDate
        /// Completions received in the week.
        var received = 0
        /// Files verified in the week.
        var verified = 0
        /// Files declared and not verified at the end of the week (the evidence backlog).
        var backlog = 0
        /// Conflicts open at the end of the week.
        var openConflicts = 0
        /// Open plan items past their due date at the end of the week.
        var overdueItems = 0
    }

    /// The age of the evidence backlog now: files declared and not yet verified, by days waiting.
    struct BacklogAge: Equatable, Sendable {
        /// Under 1 day, 1-7 days, 7-30 days, 30 days and more.
        var counts = [0, 0, 0, 0]
    }

    /// The week boundaries: `weeks + 1` instants, from the Monday `weeks - 1` weeks before this
    /// week's to next Monday (Almaty time).
    static func boundaries(now: Int64, weeks: Int) -> [Int64] {
        let localDay = (now + PlanStore.almatyOffset).floorDiv(day)
        // Day 0 (1970-01-01) was a Thursday: Monday-based weekday is (day + 3) mod 7.
        let weekday = ((localDay + 3) % 7 + 7) % 7
        let monday = (localDay - weekday) * day - PlanStore.almatyOffset
        let first = monday - Int64(weeks - 1) * week
        return (0...weeks).map { first + Int64($0) * week }
    }

    /// One counter of the console's counters (migration 0023) per week from week `first` (absolute
    /// week number) for `weeks` weeks, everything before it summed as week -1: a range of the
    /// counters' primary key (the index guard tests read its plan).
    static func countsStatement(
        _ r: ListQuery, metric: String, first: Int64, weeks: Int
    ) -> (sql: String, values: [DatabaseValue]) {
        (
            "SELECT CASE WHEN r.bucket < ? THEN -1 ELSE r.bucket - ? END AS w, CAST(sum(r.n) AS BIGINT) AS n"
                + " FROM console_counts r WHERE r.metric = ? AND r.bucket < ? AND \(r.whereSQL) GROUP BY 1",
            [.integer(first), .integer(first), .text(metric), .integer(first + Int64(weeks))] + r.values
        )
    }

    /// The dashboard's trends over the last `weeks` weeks, and the age of today's backlog.
    static func trends(
        _ db: any DatabaseConnection, for p: Principal, filter: Filter, now: Int64, weeks: Int = 12
    ) throws -> (weeks: [WeekTrend], backlogAge: BacklogAge) {
        let b = boundaries(now: now, weeks: weeks)
        let b0 = DatabaseValue.integer(b[0])
        var out = b.dropLast().map { start in
            WeekTrend(start: LocalDate(dayNumber: Int((start + PlanStore.almatyOffset).floorDiv(day))))
        }
        // Received, verified, the backlog and open conflicts: from the console's counters (migration
        // 0023), by absolute week; what happened before the first week is summed into bucket -1.
        let r = records(p, filter, alias: "r")
        let w0 = (b[0] + ConsoleRollups.weekShift) / ConsoleRollups.week
        func perWeek(_ metric: String) throws -> (before: Int, weeks: [Int]) {
            var before = 0
            var byWeek = [Int](repeating: 0, count: weeks)
            let (sql, values) = countsStatement(r, metric: metric, first: w0, weeks: weeks)
            for row in try db.query(sql, values: values) {
                let w = Int(try row.int("w"))
                let n = Int(row.optionalInt("n") ?? 0)
                if w < 0 { before += n } else if w < weeks { byWeek[w] = n }
            }
            return (before, byWeek)
        }
        let received = try perWeek("received").weeks
        let verified = try perWeek("verified").weeks
        let backlog = try perWeek("backlog")
        let conflicts = try perWeek("conflicts")
        var waiting = backlog.before
        var open = conflicts.before
        for w in 0..<weeks {
            out[w].received = received[w]
            out[w].verified = verified[w]
            waiting += backlog.weeks[w]
            open += conflicts.weeks[w]
            out[w].backlog = waiting
            out[w].openConflicts = open
        }
        // The files waiting now by the Almaty day they were declared: today, 1-6 days ago, 7-29, 30 and more.
        var age = BacklogAge()
        let today = (now + ConsoleRollups.dayShift) / ConsoleRollups.day
        for row in try db.query(
            "SELECT CASE WHEN r.bucket >= ? THEN 0 WHEN r.bucket > ? THEN 1 WHEN r.bucket > ? THEN 2 ELSE 3 END AS age,"
                + " CAST(sum(r.n) AS BIGINT) AS n FROM console_counts r WHERE r.metric = 'pending' AND \(r.whereSQL)"
                + " GROUP BY 1", values: [.integer(today), .integer(today - 7), .integer(today - 30)] + r.values)
        {
            age.counts[Int(try row.int("age"))] += Int(row.optionalInt("n") ?? 0)
        }
        // Plan items overdue at the end of each week: due before that day, and still open then (open
        // now, or completed since the first Monday; `updated_at` is when an item was completed).
        let f = families(p, filter)
        let lastDay = LocalDate(dayNumber: Int((b[weeks] + PlanStore.almatyOffset).floorDiv(day))).description
        for row in try db.query(
            "SELECT i.due_date, CASE WHEN i.status = 'open' THEN -1 ELSE i.updated_at END AS closed, count(*) AS n"
                + " FROM plan_items i JOIN families f ON f.id = i.family_id WHERE i.due_date < ?"
                + " AND (i.status = 'open' OR (i.status = 'completed' AND i.updated_at >= ?)) AND \(f.whereSQL)"
                + " GROUP BY 1, 2",
            values: [.text(lastDay), b0] + f.values)
        {
            guard let due = try? LocalDate(try row.string("due_date")) else { continue }
            // Overdue from the first instant of the day after the due date (Almaty time).
            let overdueFrom = Int64(due.dayNumber + 1) * day - PlanStore.almatyOffset
            let closed = try row.int("closed")
            let n = Int(try row.int("n"))
            // The current week is read as of now, not as of its (future) end.
            for w in 0..<weeks {
                let end = min(b[w + 1], now)
                guard overdueFrom < end && (closed == -1 || closed >= end) else { continue }
                out[w].overdueItems += n
            }
        }
        return (out, age)
    }

    /// Deletes counters back at zero (a day's waiting files all verified, say): they add nothing
    /// to any sum, and the waiting files' daily counters would otherwise grow by a row a day.
    static func dropEmptyCounters(_ db: any DatabaseConnection) throws {
        _ = try db.run("DELETE FROM console_counts WHERE n = 0")
    }

    // MARK: Plan progress

    /// Plan items of one service in scope: how many (not cancelled) and how many completed.
    struct ServiceProgress: Equatable, Sendable {
        var serviceCode: Int
        var items = 0
        var completed = 0
    }

    /// The 25 services in code order, with their plan items in scope (cancelled items left out).
    static func planProgress(
        _ db: any DatabaseConnection, for p: Principal, filter: Filter
    ) throws
        -> [ServiceProgress]
    {
        var out = ServiceCatalog.all.map { ServiceProgress(serviceCode: $0.code) }
        let f = families(p, filter)
        for row in try db.query(
            "SELECT i.service_code, count(*) AS n, sum(CASE WHEN i.status = 'completed' THEN 1 ELSE 0 END) AS done"
                + " FROM plan_items i JOIN families f ON f.id = i.family_id WHERE i.status <> 'cancelled'"
                + " AND \(f.whereSQL) GROUP BY i.service_code", values: f.values)
        {
            let code = Int(try row.int("service_code"))
            guard let i = out.firstIndex(where: { $0.serviceCode == code }) else { continue }
            out[i].items = Int(try row.int("n"))
            out[i].completed = Int(row.optionalInt("done") ?? 0)
        }
        return out
    }

    // MARK: Map

    /// A completion drawn as a point: where it was recorded, its review state, and its family's settlement.
    struct MapPoint: Equatable, Sendable {
        var completionID: String
        var reviewState: String
        var latitude: Double
        var longitude: Double
        var settlement: (latitude: Double, longitude: Double)?

        static func == (a: MapPoint, b: MapPoint) -> Bool {
            a.completionID == b.completionID && a.reviewState == b.reviewState && a.latitude == b.latitude
                && a.longitude == b.longitude && a.settlement?.latitude == b.settlement?.latitude
                && a.settlement?.longitude == b.settlement?.longitude
        }
    }

    /// A family's settlement with its active completions by review state.
    struct Settlement: Equatable, Sendable {
        var name: String
        var latitude: Double
        var longitude: Double
        var completions = 0
    }

    /// What the map draws: the newest points (at most `pointCap`), every settlement with work in
    /// scope (at most `settlementCap`, busiest first), and totals by review state over all rows.
    struct MapData: Equatable, Sendable {
        var points: [MapPoint] = []
        var settlements: [Settlement] = []
        var totals: [String: Int] = [:]
        /// Completions in scope with a recorded location that are not drawn as points (past the cap).
        var undrawn = 0
    }

    static let reviewStates = ["pending", "approved", "has_issues", "rejected"]

    static func map(
        _ db: any DatabaseConnection, for p: Principal, filter: Filter, pointCap: Int = 1000, settlementCap: Int = 2000
    ) throws -> MapData {
        var out = MapData()
        let c = records(p, filter, alias: "c", blobIDs: true)
        var located = 0
        // Totals from the console's counters (migration 0023): `active:<review_state>` and `located`.
        let r = records(p, filter, alias: "r")
        for row in try db.query(
            "SELECT r.metric, CAST(sum(r.n) AS BIGINT) AS n FROM console_counts r WHERE r.bucket = 0"
                + " AND (r.metric = 'located' OR r.metric IN (\(reviewStates.map { _ in "?" }.joined(separator: ","))))"
                + " AND \(r.whereSQL) GROUP BY r.metric",
            values: reviewStates.map { .text("active:" + $0) } + r.values)
        {
            let metric = try row.string("metric")
            let n = Int(row.optionalInt("n") ?? 0)
            if metric == "located" {
                located = n
            } else if n != 0 {
                out.totals[String(metric.dropFirst("active:".count))] = n
            }
        }
        // The newest located completions (creation order), their settlement beside them.
        let rows = try db.query(
            "SELECT c.id, c.review_state, \(StoredLocation.select("c")), f.settlement_latitude, f.settlement_longitude"
                + " FROM completions c JOIN families f ON f.id = \(CompletionStore.familySQL())"
                + " WHERE c.state = 'active' AND \(StoredLocation.presentSQL("c")) AND \(c.whereSQL)"
                + " ORDER BY c.rowid DESC LIMIT ?", values: c.values + [.integer(Int64(pointCap))])
        for row in rows {
            guard let g = StoredLocation.read(row) else { continue }
            var point = MapPoint(
                completionID: try row.string("id"), reviewState: try row.string("review_state"),
                latitude: g.latitude, longitude: g.longitude)
            if case .real(let lat) = row["settlement_latitude"], case .real(let lon) = row["settlement_longitude"] {
                point.settlement = (lat, lon)
            }
            out.points.append(point)
        }
        out.undrawn = max(0, located - out.points.count)
        let f = families(p, filter)
        for row in try db.query(
            "SELECT f.settlement_name, f.settlement_latitude, f.settlement_longitude,"
                + " COALESCE((SELECT fc.active FROM console_family_counts fc WHERE fc.family_id = f.id), 0) AS n"
                + " FROM families f WHERE f.settlement_latitude IS NOT NULL AND f.settlement_longitude IS NOT NULL"
                + " AND \(f.whereSQL) ORDER BY n DESC, f.rowid LIMIT ?",
            values: f.values + [.integer(Int64(settlementCap))])
        {
            out.settlements.append(
                Settlement(
                    name: try row.string("settlement_name"), latitude: try row.double("settlement_latitude"),
                    longitude: try row.double("settlement_longitude"), completions: Int(try row.int("n"))))
        }
        return out
    }

    // MARK: Sync health

    /// Events each device in scope pushed per day over the last `days` days (Almaty days, oldest
    /// first), for the devices page's heat strip; devices with no event in the window are absent.
    ///
    /// `device_events.seq` is the server's receive order, so the window starts at the first `seq`
    /// received on its first day: found by bisecting the primary key (a few point reads), then
    /// read as one range of it, with no index on `received_at` for pushes to keep up to date.
    static func deviceActivity(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int = 30
    ) throws -> [String: [Int]] {
        let today = (now + PlanStore.almatyOffset).floorDiv(day)
        let start = (today - Int64(days - 1)) * day - PlanStore.almatyOffset
        guard let last = try db.queryOne("SELECT max(seq) AS s FROM device_events")?.optionalInt("s") else {
            return [:]
        }
        var low: Int64 = 0
        var high = last + 1
        while low < high {
            let mid = low + (high - low) / 2
            let at = try db.queryOne(
                "SELECT received_at FROM device_events WHERE seq >= ? ORDER BY seq LIMIT 1", mid)?.optionalInt(
                    "received_at")
            if let at, at < start { low = mid + 1 } else { high = mid }
        }
        var w = ListQuery(
            select: "", key: "", scope: p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        w.filter("e.seq >= ?", .integer(low))
        w.filter("e.received_at >= ?", .integer(start))
        var out: [String: [Int]] = [:]
        for row in try db.query(
            "SELECT ktext(e.device_id) AS device_id, (e.received_at - ?) / \(day) AS d, count(*) AS n"
                + " FROM device_events e JOIN devices dv ON dv.bin_id = e.device_id JOIN users u ON u.id = dv.user_id"
                + " WHERE \(w.whereSQL) GROUP BY 1, 2", values: [.integer(start)] + w.values)
        {
            let d = Int(try row.int("d"))
            guard d >= 0, d < days else { continue }
            out[try row.string("device_id"), default: [Int](repeating: 0, count: days)][d] = Int(try row.int("n"))
        }
        return out
    }
}
