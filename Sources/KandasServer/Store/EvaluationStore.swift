import KandasDomain
import KandasProtocol
import KandasStore

/// Quality evaluations on record (Rules 2, paras 47-51) and the family's residence status (para 46):
/// the SQL, scoped by the caller's principal.
enum EvaluationStore {
    struct Centre {
        var id: String
        var regionID: String
        var createdAt: Int64
    }

    static let columns =
        "e.id, e.region_id, e.career_centre_id, e.year, e.quarter, e.relevance, e.effectiveness, e.social_impact,"
        + " e.total, e.band, e.evaluator, e.evaluated_on, e.due, e.late, e.departures, e.note, e.recorded_by,"
        + " e.recorded_at, e.concluded_on, e.conclusion_recipient, e.conclusion, e.conclusion_due, e.conclusion_late,"
        + " e.considered_on, e.measures, e.follow_up_due, e.follow_up_late, e.followed_up_by"

    /// A career centre in the principal's scope, or `404 not_found`.
    static func centre(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> Centre {
        let scope = p.scope.organisation(region: "c.region_id", centre: "c.id")
        guard
            let row = try db.queryOne(
                "SELECT c.id, c.region_id, c.created_at FROM career_centres c WHERE c.id = ? AND \(scope.sql)",
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such career centre") }
        return Centre(
            id: try row.string("id"), regionID: try row.string("region_id"), createdAt: try row.int("created_at"))
    }

    /// Families of the centre whose residence turned `left_region` within `[from, to)` (criterion 3).
    static func departures(_ db: any DatabaseConnection, centreID: String, from: LocalDate, to: LocalDate) throws -> Int
    {
        let row = try db.queryOne(
            "SELECT count(DISTINCT r.family_id) AS n FROM family_residence r JOIN families f ON f.id = r.family_id"
                + " WHERE f.career_centre_id = ? AND r.status = 'left_region' AND r.since >= ? AND r.since < ?",
            centreID, from.description, to.description)
        return Int(row?.optionalInt("n") ?? 0)
    }

    static func exists(_ db: any DatabaseConnection, centreID: String, year: Int, quarter: Int) throws -> Bool {
        try db.exists(
            "SELECT 1 FROM quality_evaluations WHERE career_centre_id = ? AND year = ? AND quarter = ?", centreID, year,
            quarter)
    }

    static func insert(_ db: any DatabaseConnection, _ e: EvaluationRecord) throws {
        _ = try db.run(
            "INSERT INTO quality_evaluations(id, region_id, career_centre_id, year, quarter, relevance, effectiveness,"
                + " social_impact, total, band, evaluator, evaluated_on, due, late, departures, note, recorded_by,"
                + " recorded_at, conclusion_due) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            e.id.description, e.regionID.description, e.careerCentreID.description, e.year, e.quarter, e.relevance,
            e.effectiveness, e.socialImpact, e.total, e.band, e.evaluator, e.evaluatedOn.description,
            e.due.description, e.late, e.departures, e.note, e.recordedBy.description,
            e.recordedAt.millisecondsSince1970, e.conclusionDue.description)
    }

    /// An evaluation in the principal's scope, or `404 not_found`.
    static func evaluation(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> EvaluationRecord {
        let scope = p.scope.organisation(region: "e.region_id", centre: "e.career_centre_id")
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM quality_evaluations e WHERE e.id = ? AND \(scope.sql)",
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such evaluation") }
        return try record(row)
    }

    /// The centre's evaluations, newest quarter first (the centre was found in scope).
    static func history(_ db: any DatabaseConnection, centreID: String) throws -> [EvaluationRecord] {
        try db.query(
            "SELECT \(columns) FROM quality_evaluations e WHERE e.career_centre_id = ? ORDER BY e.year DESC,"
                + " e.quarter DESC", centreID
        ).map(record)
    }

    static func conclude(
        _ db: any DatabaseConnection, id: String, on day: LocalDate, recipient: String, conclusion: String, late: Bool,
        followUpDue: LocalDate, by user: String, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE quality_evaluations SET concluded_on = ?, conclusion_recipient = ?, conclusion = ?,"
                + " conclusion_late = ?, follow_up_due = ?, concluded_by = ?, concluded_at = ? WHERE id = ?",
            day.description, recipient, conclusion, late, followUpDue.description, user, now, id)
    }

    static func followUp(
        _ db: any DatabaseConnection, id: String, on day: LocalDate, measures: String, late: Bool, by user: String,
        now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE quality_evaluations SET considered_on = ?, measures = ?, follow_up_late = ?, followed_up_by = ?,"
                + " followed_up_at = ? WHERE id = ?", day.description, measures, late, user, now, id)
    }

    static func record(_ r: DatabaseRow) throws -> EvaluationRecord {
        let concluded = r.optionalString("concluded_on").flatMap(CalendarDate.init)
        let considered = r.optionalString("considered_on").flatMap(CalendarDate.init)
        return EvaluationRecord(
            id: try wireID(r, "id"), regionID: try wireID(r, "region_id"),
            careerCentreID: try wireID(r, "career_centre_id"),
            year: Int(try r.int("year")), quarter: Int(try r.int("quarter")), relevance: Int(try r.int("relevance")),
            effectiveness: Int(try r.int("effectiveness")), socialImpact: Int(try r.int("social_impact")),
            total: Int(try r.int("total")), band: try r.string("band"), evaluator: try r.string("evaluator"),
            evaluatedOn: try calendarDate(r, "evaluated_on"), due: try calendarDate(r, "due"), late: try r.bool("late"),
            departures: Int(try r.int("departures")), note: r.optionalString("note"),
            recordedBy: try wireID(r, "recorded_by"),
            recordedAt: Timestamp(millisecondsSince1970: try r.int("recorded_at")),
            stage: considered != nil ? "followed_up" : concluded != nil ? "concluded" : "evaluated",
            conclusionDue: try calendarDate(r, "conclusion_due"), concludedOn: concluded,
            conclusionRecipient: r.optionalString("conclusion_recipient"), conclusion: r.optionalString("conclusion"),
            conclusionLate: r.optionalInt("conclusion_late").map { $0 != 0 },
            followUpDue: r.optionalString("follow_up_due").flatMap(CalendarDate.init), consideredOn: considered,
            measures: r.optionalString("measures"), followUpLate: r.optionalInt("follow_up_late").map { $0 != 0 },
            followedUpBy: r.optionalString("followed_up_by").flatMap(WireID.init))
    }
}

extension EvaluationStore {
    /// A family's residence changes, oldest first (the family was found in scope).
    static func residence(_ db: any DatabaseConnection, familyID: String) throws -> [ResidenceChange] {
        try db.query(
            "SELECT id, status, since, note, recorded_by, recorded_at FROM family_residence WHERE family_id = ?"
                + " ORDER BY since, recorded_at", familyID
        ).map { r in
            ResidenceChange(
                id: try wireID(r, "id"), status: try r.string("status"), since: try calendarDate(r, "since"),
                note: r.optionalString("note"), recordedBy: try wireID(r, "recorded_by"),
                recordedAt: Timestamp(millisecondsSince1970: try r.int("recorded_at")))
        }
    }

    static func addResidence(_ db: any DatabaseConnection, familyID: String, _ c: ResidenceChange) throws {
        _ = try db.run(
            "INSERT INTO family_residence(id, family_id, status, since, note, recorded_by, recorded_at)"
                + " VALUES(?,?,?,?,?,?,?)", c.id.description, familyID, c.status, c.since.description, c.note,
            c.recordedBy.description, c.recordedAt.millisecondsSince1970)
    }

    /// Families in scope that left the region (latest change `left_region`), for the console.
    static func familiesLeft(_ db: any DatabaseConnection, for p: Principal) throws -> Set<String> {
        let scope = p.scope.families()
        let rows = try db.query(
            "SELECT f.id FROM families f WHERE \(scope.sql) AND (SELECT r.status FROM family_residence r"
                + " WHERE r.family_id = f.id ORDER BY r.since DESC, r.recorded_at DESC LIMIT 1) = 'left_region'",
            values: scope.values)
        return Set(try rows.map { try $0.string("id") })
    }
}

extension EvaluationStore {
    /// Career centres in scope with their latest evaluated quarter, for the console's quality page.
    static func centres(
        _ db: any DatabaseConnection, for p: Principal
    ) throws -> [(id: String, name: String, latest: String?)] {
        let scope = p.scope.organisation(region: "c.region_id", centre: "c.id")
        return try db.query(
            "SELECT c.id, c.name, (SELECT e.year || '-Q' || e.quarter FROM quality_evaluations e WHERE"
                + " e.career_centre_id = c.id ORDER BY e.year DESC, e.quarter DESC LIMIT 1) AS latest"
                + " FROM career_centres c WHERE \(scope.sql) ORDER BY c.name LIMIT 500", values: scope.values
        ).map { (try $0.string("id"), try $0.string("name"), $0.optionalString("latest")) }
    }
}
