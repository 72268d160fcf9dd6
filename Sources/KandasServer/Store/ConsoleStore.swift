import KandasDomain
import KandasProtocol
import KandasStore

/// What the console's pages read beyond the admin API's objects: overviews, counts and the
/// context around one completion, always within the caller's scope or behind a scoped lookup.
enum ConsoleStore {
    /// The families overview (up to 1000, in creation order): members, open and overdue items
    /// (due before `today`), and whether a plan was published late.
    struct FamilyOverview: Equatable, Sendable {
        var id: String
        var settlement: String
        var centre: String
        var quotaInclusionDate: String
        var members: Int
        var openItems: Int
        var overdueItems: Int
        var publishedLate: Bool
    }

    static func familiesOverview(
        _ db: any DatabaseConnection, today: String, for scope: AccessScope
    ) throws -> [FamilyOverview] {
        let s = scope.families()
        return try db.query(
            "SELECT f.id, f.settlement_name, f.quota_inclusion_date, cc.name AS centre,"
                + " (SELECT count(*) FROM members m WHERE m.family_id = f.id) AS members,"
                + " (SELECT count(*) FROM plan_items i WHERE i.family_id = f.id AND i.status = 'open') AS open_items,"
                + " (SELECT count(*) FROM plan_items i WHERE i.family_id = f.id AND i.status = 'open'"
                + "   AND i.due_date < ?) AS overdue,"
                + " (SELECT max(p.publication_late) FROM plans p WHERE p.family_id = f.id) AS late"
                + " FROM families f JOIN career_centres cc ON cc.id = f.career_centre_id WHERE \(s.sql)"
                + " ORDER BY f.rowid LIMIT 1000", values: [.text(today)] + s.values
        ).map { r in
            FamilyOverview(
                id: try r.string("id"), settlement: try r.string("settlement_name"), centre: try r.string("centre"),
                quotaInclusionDate: try r.string("quota_inclusion_date"), members: Int(try r.int("members")),
                openItems: Int(try r.int("open_items")), overdueItems: Int(try r.int("overdue")),
                publishedLate: r.optionalInt("late") == 1)
        }
    }

    /// The plan IDs of a family already found in scope, in creation order.
    static func planIDs(_ db: any DatabaseConnection, familyID: String) throws -> [String] {
        try db.query("SELECT id FROM plans WHERE family_id = ? ORDER BY rowid", familyID).map { try $0.string("id") }
    }

    /// Per item of a family found in scope: active completions, files verified, files declared.
    static func evidenceByItem(_ db: any DatabaseConnection, familyID: String) throws -> [String: (Int, Int, Int)] {
        var evidence: [String: (Int, Int, Int)] = [:]
        for row in try db.query(
            "SELECT ktext(c.item_id) AS item_id, count(*) AS n, sum(c.files_verified) AS v, sum(c.files_declared) AS d"
                + " FROM completions c WHERE \(CompletionFilter.familyItemsSQL) AND c.state = 'active' GROUP BY c.item_id",
            familyID)
        {
            evidence[try row.string("item_id")] = (
                Int(try row.int("n")), Int(row.optionalInt("v") ?? 0), Int(row.optionalInt("d") ?? 0)
            )
        }
        return evidence
    }

    /// The username of a user named by an object already found in scope ("" when unknown).
    static func username(_ db: any DatabaseConnection, userID: String) throws -> String {
        try db.queryOne("SELECT username FROM users WHERE id = ?", userID)?.string("username") ?? ""
    }

    /// The regions whose reports the caller may open, by code: a supervisor its centre's region.
    static func reportRegions(
        _ db: any DatabaseConnection, for p: Principal
    ) throws -> [(
        id: String, name: LocalizedName
    )] {
        let rows: [DatabaseRow]
        if p.role == .centreSupervisor {
            rows = try db.query(
                "SELECT r.id, r.name_kk, r.name_ru, r.name_en FROM regions r WHERE r.id = ? ORDER BY r.code",
                p.regionID ?? "")
        } else {
            let s = p.scope.organisation(region: "r.id", centre: "''")
            rows = try db.query(
                "SELECT r.id, r.name_kk, r.name_ru, r.name_en FROM regions r WHERE \(s.sql) ORDER BY r.code",
                values: s.values)
        }
        return try rows.map { r in
            (
                try r.string("id"),
                LocalizedName(kk: try r.string("name_kk"), ru: try r.string("name_ru"), en: try r.string("name_en"))
            )
        }
    }

    /// Families in scope for the monitoring page, by quota inclusion date (up to 2000).
    static func monitoringFamilies(
        _ db: any DatabaseConnection, for scope: AccessScope
    ) throws -> [(
        id: String, settlement: String, quotaInclusionDate: String
    )] {
        let s = scope.families()
        return try db.query(
            "SELECT f.id, f.settlement_name, f.quota_inclusion_date FROM families f WHERE \(s.sql)"
                + " ORDER BY f.quota_inclusion_date, f.rowid LIMIT 2000", values: s.values
        ).map { (try $0.string("id"), try $0.string("settlement_name"), try $0.string("quota_inclusion_date")) }
    }

    /// The context of a completion already found in scope: its member, worker, settlement, events,
    /// reviews and audit entries.
    struct CompletionContext {
        var memberName = ""
        var memberIIN = ""
        var worker = ""
        var settlement = ""
        var settlementLatitude: Double?
        var settlementLongitude: Double?
        var events: [EventLine] = []
        var reviews: [Review] = []
        var audit: [AuditLine] = []
    }

    /// One device event of a completion's history.
    struct EventLine: Equatable, Sendable {
        var seq: Int64
        var type: String
        var deviceID: String
        var receivedAt: Int64?
        var recordedAt: Int64?
        var outcome: String
        var code: String?
    }

    /// One audit entry of a completion's history.
    struct AuditLine: Equatable, Sendable {
        var seq: Int64
        var at: Int64?
        var actorRole: String?
        var action: String?
        var summary: String?
    }

    static func completionContext(_ db: any DatabaseConnection, _ c: Completion) throws -> CompletionContext {
        let id = c.id.description
        var x = CompletionContext()
        if let m = try db.queryOne(
            "SELECT last_name, first_name, iin FROM members WHERE id = ?", c.memberID.description)
        {
            x.memberName = try m.string("last_name") + " " + (try m.string("first_name"))
            x.memberIIN = try m.string("iin")
        }
        x.worker = try username(db, userID: c.userID.description)
        if let f = try db.queryOne(
            "SELECT settlement_name, settlement_latitude, settlement_longitude FROM families WHERE id = ?",
            c.familyID.description)
        {
            x.settlement = try f.string("settlement_name")
            x.settlementLatitude = f["settlement_latitude"].isNull ? nil : try f.double("settlement_latitude")
            x.settlementLongitude = f["settlement_longitude"].isNull ? nil : try f.double("settlement_longitude")
        }
        x.events = try db.query(
            "SELECT seq, type, ktext(device_id) AS device_id, received_at, recorded_at, outcome, code, completion_rev"
                + " FROM device_events"
                + " e WHERE \(EventBodies.ofCompletion("e", "?1")) ORDER BY seq", id
        ).map { e in
            EventLine(
                seq: e.optionalInt("seq") ?? 0, type: e.optionalString("type") ?? "",
                deviceID: e.optionalString("device_id") ?? "", receivedAt: e.optionalInt("received_at"),
                recordedAt: e.optionalInt("recorded_at"), outcome: e.optionalString("outcome") ?? "",
                code: e.optionalString("code"))
        }
        x.reviews = try db.query(
            "SELECT \(ReviewStore.columns) FROM reviews r WHERE r.completion_id = ? ORDER BY r.rowid", id
        ).map(ReviewStore.review)
        x.audit = try db.query(
            "SELECT seq, at, actor_role, action, summary FROM audit_log WHERE entity_type = 'completion'"
                + " AND entity_id = ? ORDER BY seq", id
        ).map { a in
            AuditLine(
                seq: a.optionalInt("seq") ?? 0, at: a.optionalInt("at"), actorRole: a.optionalString("actor_role"),
                action: a.optionalString("action"), summary: a.optionalString("summary"))
        }
        return x
    }

    // MARK: Dashboard

    static func dashboardCounts(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, silentDays: Int
    ) throws -> DashboardPage.Counts {
        var c = DashboardPage.Counts()
        let org = p.scope.organisation(region: "c.region_id", centre: "c.career_centre_id", blobIDs: true)
        let localDay = (now + PlanStore.almatyOffset).floorDiv(86_400_000)
        let startOfToday = localDay * 86_400_000 - PlanStore.almatyOffset
        c.uploadsToday = try count(
            db,
            "SELECT count(*) FROM attachments a JOIN completions c ON c.id = a.completion_id"
                + " WHERE a.state = 'verified' AND a.verified_at >= ? AND \(org.sql)",
            [.integer(startOfToday)] + org.values)
        // Files waiting (declared or receiving, of an active completion): the console's counters,
        // by day declared (migration 0023), not a read of every waiting file.
        let counters = p.scope.organisation(region: "r.region_id", centre: "r.career_centre_id")
        c.filesPending = try count(
            db, "SELECT CAST(sum(r.n) AS BIGINT) FROM console_counts r WHERE r.metric = 'pending' AND \(counters.sql)",
            counters.values)
        // Conflicts keep text IDs (only completions' are blobs, 0047).
        let conflicts = p.scope.organisation(region: "c.region_id", centre: "c.career_centre_id")
        c.openConflicts = try count(
            db, "SELECT count(*) FROM conflicts c WHERE c.status = 'open' AND \(conflicts.sql)", conflicts.values)
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
        c.silentDevices = try silentDeviceCount(db, for: p, now: now, days: silentDays)
        // Active completions with evidence missing: the counters too (ReportStore.incompleteSQL).
        c.incompleteCompletions = try count(
            db,
            "SELECT CAST(sum(r.n) AS BIGINT) FROM console_counts r WHERE r.metric = 'incomplete' AND r.bucket = 0"
                + " AND \(counters.sql)", counters.values)
        c.overdueReports = try ReportStore.overdue(db, for: p, today: LocalDate(dayNumber: Int(localDay))).count
        c.unpublishedPlans = try PlanDeadlineStore.unpublishedOverdueCount(db, for: p, now: now)
        return c
    }

    /// A device that has not been heard from: its worker, app version and last contact.
    struct SilentDevice: Equatable, Sendable {
        var id: String
        var username: String
        var appVersion: String
        var lastContact: Int64
    }

    static let silentFrom =
        " FROM devices d JOIN users u ON u.id = d.user_id LEFT JOIN device_activity a ON a.device_id = d.id"
        + " WHERE d.status = 'active' AND coalesce(a.last_seen_at, d.enrolled_at) < ?"

    /// Active devices whose last contact (or enrollment, if never seen) is older than `days` (the 50 oldest).
    static func silentDevices(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int
    ) throws -> [SilentDevice] {
        let scope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        return try db.query(
            "SELECT d.id, u.username, d.app_version, coalesce(a.last_seen_at, d.enrolled_at) AS last_contact"
                + silentFrom + " AND \(scope.sql) ORDER BY last_contact LIMIT 50",
            values: [.integer(now - Int64(days) * 86_400_000)] + scope.values
        ).map { r in
            SilentDevice(
                id: try r.string("id"), username: try r.string("username"), appVersion: try r.string("app_version"),
                lastContact: try r.int("last_contact"))
        }
    }

    /// How many devices are silent (all of them, not only the 50 listed).
    static func silentDeviceCount(_ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int) throws -> Int {
        let scope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        return try count(
            db, "SELECT count(*)" + silentFrom + " AND \(scope.sql)",
            [.integer(now - Int64(days) * 86_400_000)] + scope.values)
    }

    static func count(_ db: any DatabaseConnection, _ sql: String, _ args: [DatabaseValue]) throws -> Int {
        guard case .integer(let n) = try db.queryOne(sql, values: args)?[0] ?? .null else { return 0 }
        return Int(n)
    }

    // MARK: Completions filter form

    /// The choices of the completions filter form: centres, their regions and workers in scope.
    static func filterOptions(_ db: any DatabaseConnection, for p: Principal) throws -> FilterOptions {
        var o = FilterOptions()
        let centreScope = p.scope.organisation(region: "cc.region_id", centre: "cc.id")
        o.centres = try db.query(
            "SELECT cc.id, cc.name FROM career_centres cc WHERE \(centreScope.sql) ORDER BY cc.name",
            values: centreScope.values
        ).map { (try $0.string("id"), try $0.string("name")) }
        let regionIDs = try db.query(
            "SELECT DISTINCT cc.region_id FROM career_centres cc WHERE \(centreScope.sql)", values: centreScope.values
        ).map { try $0.string("region_id") }
        for id in regionIDs {
            if let r = try db.queryOne("SELECT name_kk, name_ru, name_en FROM regions WHERE id = ?", id) {
                o.regions.append(
                    (
                        id,
                        LocalizedName(
                            kk: try r.string("name_kk"), ru: try r.string("name_ru"), en: try r.string("name_en"))
                    )
                )
            }
        }
        let userScope = p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id")
        o.workers = try db.query(
            "SELECT u.id, u.username FROM users u WHERE u.role = 'field_worker' AND \(userScope.sql)"
                + " ORDER BY u.username LIMIT 1000", values: userScope.values
        ).map { (try $0.string("id"), try $0.string("username")) }
        return o
    }
}
