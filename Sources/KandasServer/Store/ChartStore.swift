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

    /// A `WHERE` for records of alias `alias` (completions, conflicts): the scope, then the filters.
    static func records(_ p: Principal, _ f: Filter, alias: String) -> ListQuery {
        var w = ListQuery(select: "", key: "", scope: p.scope.records(alias: alias))
        w.equal("\(alias).region_id", f.regionID)
        w.equal("\(alias).career_centre_id", f.centreID)
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

    /// Statements group by column position (`GROUP BY 1, 2`): a repeated expression with its own
    /// placeholders would be a different expression to PostgreSQL.
    ///
    /// The SQL of a week bucket for a time column: -1 before `?`, else whole weeks since it.
    static func bucket(_ column: String) -> String {
        "CASE WHEN \(column) < ? THEN -1 ELSE (\(column) - ?) / \(week) END"
    }

    /// Completions received per week from `from` to `to` (the index guard tests read its plan).
    static func receivedStatement(_ c: ListQuery, from: Int64, to: Int64) -> (sql: String, values: [DatabaseValue]) {
        (
            "SELECT (c.received_at - ?) / \(week) AS w, count(*) AS n FROM completions c"
                + " WHERE c.received_at >= ? AND c.received_at < ? AND \(c.whereSQL) GROUP BY 1",
            [.integer(from), .integer(from), .integer(to)] + c.values
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
        let c = records(p, filter, alias: "c")
        // Received: completions by week of arrival.
        let (receivedSQL, receivedValues) = receivedStatement(c, from: b[0], to: b[weeks])
        for row in try db.query(receivedSQL, values: receivedValues) {
            let w = Int(try row.int("w"))
            if out.indices.contains(w) { out[w].received = Int(try row.int("n")) }
        }
        // Files: the join to completions only when the scope or a filter narrows them.
        let whole = p.scope.records(alias: "c").isEverything && filter.regionID == nil && filter.centreID == nil
        let join = whole ? "" : " JOIN completions c ON c.id = a.completion_id"
        let cWhere = whole ? "" : " AND \(c.whereSQL)"
        let cValues = whole ? [] : c.values
        // Verified since the first Monday, by week declared and week verified: the verified series
        // and the part of each week's backlog verified later.
        var verifiedBy: [(declared: Int, verified: Int, n: Int)] = []
        for row in try db.query(
            "SELECT \(bucket("a.declared_at")) AS d, (a.verified_at - ?) / \(week) AS v, count(*) AS n"
                + " FROM attachments a\(join) WHERE a.state = 'verified' AND a.verified_at >= ? AND a.verified_at < ?"
                + cWhere + " GROUP BY 1, 2",
            values: [b0, b0, b0, b0, .integer(b[weeks])] + cValues)
        {
            let v = Int(try row.int("v"))
            let n = Int(try row.int("n"))
            verifiedBy.append((Int(try row.int("d")), v, n))
            if out.indices.contains(v) { out[v].verified += n }
        }
        // Not verified now, by week declared and age today (files of voided completions do not wait).
        var age = BacklogAge()
        var pendingBy: [(declared: Int, n: Int)] = []
        // From the pending files' partial index, each checked against its completion (EXISTS, not a
        // join: a join let SQLite scan every completion first).
        for row in try db.query(
            "SELECT \(bucket("a.declared_at")) AS d, CASE WHEN a.declared_at >= ? THEN 0 WHEN a.declared_at >= ? THEN 1"
                + " WHEN a.declared_at >= ? THEN 2 ELSE 3 END AS age, count(*) AS n FROM attachments a"
                + " WHERE a.state IN ('declared','receiving') AND EXISTS(SELECT 1 FROM completions c"
                + " WHERE c.id = a.completion_id AND c.state = 'active' AND \(c.whereSQL)) GROUP BY 1, 2",
            values: [b0, b0, .integer(now - day), .integer(now - 7 * day), .integer(now - 30 * day)] + c.values)
        {
            let n = Int(try row.int("n"))
            pendingBy.append((Int(try row.int("d")), n))
            age.counts[Int(try row.int("age"))] += n
        }
        // Backlog at the end of week k: declared before its end, and not verified by then.
        for k in 0..<weeks {
            let end = k + 1
            var n = pendingBy.filter { $0.declared < end }.reduce(0) { $0 + $1.n }
            n += verifiedBy.filter { $0.declared < end && $0.verified >= end }.reduce(0) { $0 + $1.n }
            out[k].backlog = n
        }
        // Conflicts open at the end of each week: detected before it, resolved after it or not at all.
        let k = records(p, filter, alias: "k")
        for row in try db.query(
            "SELECT \(bucket("k.detected_at")) AS d, CASE WHEN k.resolved_at IS NULL THEN \(weeks + 1)"
                + " ELSE \(bucket("k.resolved_at")) END AS r, count(*) AS n FROM conflicts k"
                + " WHERE (k.resolved_at IS NULL OR k.resolved_at >= ?) AND k.detected_at < ? AND \(k.whereSQL)"
                + " GROUP BY 1, 2",
            values: [b0, b0, b0, b0, b0, .integer(b[weeks])] + k.values)
        {
            let d = Int(try row.int("d"))
            let r = Int(try row.int("r"))
            let n = Int(try row.int("n"))
            for w in 0..<weeks where d < w + 1 && r >= w + 1 { out[w].openConflicts += n }
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
        let c = records(p, filter, alias: "c")
        var located = 0
        for row in try db.query(
            "SELECT c.review_state, count(*) AS n, sum(CASE WHEN c.location IS NULL THEN 0 ELSE 1 END) AS located"
                + " FROM completions c WHERE c.state = 'active' AND \(c.whereSQL) GROUP BY c.review_state",
            values: c.values)
        {
            out.totals[try row.string("review_state")] = Int(try row.int("n"))
            located += Int(row.optionalInt("located") ?? 0)
        }
        // The newest located completions (creation order), their settlement beside them.
        let rows = try db.query(
            "SELECT c.id, c.review_state, c.location, f.settlement_latitude, f.settlement_longitude"
                + " FROM completions c JOIN families f ON f.id = c.family_id"
                + " WHERE c.state = 'active' AND c.location IS NOT NULL AND \(c.whereSQL)"
                + " ORDER BY c.rowid DESC LIMIT ?", values: c.values + [.integer(Int64(pointCap))])
        for row in rows {
            guard let text = row.optionalString("location"),
                let g = decodeJSON(Geolocation.self, text)
            else { continue }
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
                + " (SELECT count(*) FROM completions c WHERE c.family_id = f.id AND c.state = 'active') AS n"
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
            "SELECT e.device_id, (e.received_at - ?) / \(day) AS d, count(*) AS n FROM device_events e"
                + " JOIN devices dv ON dv.id = e.device_id JOIN users u ON u.id = dv.user_id WHERE \(w.whereSQL)"
                + " GROUP BY 1, 2", values: [.integer(start)] + w.values)
        {
            let d = Int(try row.int("d"))
            guard d >= 0, d < days else { continue }
            out[try row.string("device_id"), default: [Int](repeating: 0, count: days)][d] = Int(try row.int("n"))
        }
        return out
    }
}
