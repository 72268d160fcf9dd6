import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// Store queries of the Annex 3 report (Rules 2, para 39): what counts, what is left out and why.
enum ReportStore {
    /// "Complete as of the cut-off" on a `completions` row aliased `c`, with one `?` for the cut-off:
    /// nothing missing (Protocol §9.1) and every declared file verified before the cut-off, so a
    /// file verified later does not change a report already cut.
    static let completeAsOfSQL =
        "\(CompletionStore.completeSQL) AND NOT EXISTS(SELECT 1 FROM attachments a WHERE a.completion_id = c.id"
        + " AND (a.state <> 'verified' OR a.verified_at >= ?))"

    /// The month's completions (performed in the month, received before the cut-off, in the
    /// report's region and centre) that the rows do not count, and why (sync-v1 §13).
    static func leftOut(_ db: any DatabaseConnection, _ b: MonthlyReportBuilder) throws -> [MonthlyReportLeftOut] {
        let (start, end) = b.window
        let centreArgs: [DatabaseValue] = b.centreID.map { [.text($0)] } ?? []
        let rows = try db.query(
            "SELECT c.id, ci.family_id AS family_id, m.iin, c.service_code, c.performed_at, c.state, c.is_primary,"
                + " c.missing_bits, (\(completeAsOfSQL)) AS complete_then,"
                + " coalesce((SELECT r.decision FROM reviews r WHERE r.completion_id = c.id"
                + " AND r.decision <> 'comment' AND r.created_at < ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1),"
                + " 'pending') AS decision FROM completions c JOIN plan_items ci ON ci.id = ktext(c.item_id)"
                + " JOIN members m ON m.id = ci.member_id WHERE c.region_id = kid(?)"
                + (b.centreID == nil ? "" : " AND c.career_centre_id = kid(?)")
                + " AND c.performed_at >= ? AND c.performed_at < ? AND c.received_at < ?"
                + " ORDER BY c.performed_at, c.id",
            values: [.integer(b.cutoff), .integer(b.cutoff), .text(b.regionID)] + centreArgs + [
                .integer(start), .integer(end), .integer(b.cutoff),
            ])
        return try rows.compactMap { r in
            var reasons: [String] = []
            var missing = try CompletionStore.missing(r)
            let completeThen = try r.bool("complete_then")
            if !completeThen {
                reasons.append("incomplete")
                // Complete now, but a file was verified after the cut-off: unverified for this report.
                if missing.isEmpty { missing = [EvidenceRule.unverifiedFiles] }
            }
            if try r.string("decision") == "reject" { reasons.append("rejected") }
            if try !r.bool("is_primary") { reasons.append("duplicate") }
            if try r.string("state") == "voided" { reasons.append("voided") }
            guard !reasons.isEmpty else { return nil }
            return MonthlyReportLeftOut(
                completionID: try wireID(r, "id"), familyID: try wireID(r, "family_id"), memberIIN: try r.string("iin"),
                serviceCode: Int(try r.int("service_code")),
                performedAt: Timestamp(millisecondsSince1970: try r.int("performed_at")), reasons: reasons,
                missing: completeThen ? [] : missing)
        }
    }

    /// Active completions in scope that are not complete (Rules 2, paras 36-37): pushed and kept,
    /// never refused, but flagged on the dashboard until their evidence is there.
    /// "Not complete" written as the partial index `completions_missing` is (`<>`, not `NOT … =`),
    /// so the count reads only the incomplete rows instead of every active completion.
    static let incompleteSQL = "c.missing_bits <> 0"

    static func incompleteCount(_ db: any DatabaseConnection, for p: Principal) throws -> Int {
        let (sql, values) = incompleteCountStatement(for: p)
        return Int(try db.queryOne(sql, values: values)?.int("n") ?? 0)
    }

    /// The statement of ``incompleteCount(_:for:)`` (the index guard tests read its plan).
    static func incompleteCountStatement(for p: Principal) -> (sql: String, values: [DatabaseValue]) {
        let org = p.scope.organisation(region: "c.region_id", centre: "c.career_centre_id", blobIDs: true)
        return (
            "SELECT count(*) AS n FROM completions c WHERE \(incompleteSQL) AND c.state = 'active' AND \(org.sql)",
            org.values
        )
    }

    // MARK: Submissions (Rules 2, para 39)

    static let submissionColumns =
        "s.id, s.region_id, s.month, s.cutoff, s.format, s.sha256, s.size, s.recipient, s.submitted_by,"
        + " s.submitted_at, s.due, s.late"

    /// Records a submission; returns it as stored.
    static func addSubmission(_ db: any DatabaseConnection, _ s: ReportSubmission) throws {
        _ = try db.run(
            "INSERT INTO report_submissions(id, region_id, month, cutoff, format, sha256, size, recipient,"
                + " submitted_by, submitted_at, due, late) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", s.id.description,
            s.regionID.description, s.month, s.cutoff.millisecondsSince1970, s.format, s.sha256, s.size, s.recipient,
            s.submittedBy.description, s.submittedAt.millisecondsSince1970, s.due.description, s.late)
    }

    static func submission(_ row: DatabaseRow) throws -> ReportSubmission {
        ReportSubmission(
            id: try wireID(row, "id"), regionID: try wireID(row, "region_id"), month: try row.string("month"),
            cutoff: Timestamp(millisecondsSince1970: try row.int("cutoff")), format: try row.string("format"),
            sha256: try row.string("sha256"), size: Int(try row.int("size")), recipient: try row.string("recipient"),
            submittedBy: try wireID(row, "submitted_by"),
            submittedAt: Timestamp(millisecondsSince1970: try row.int("submitted_at")),
            due: try calendarDate(row, "due"), late: try row.bool("late"))
    }

    /// The region IDs whose reports a principal sees: all for national roles (and an auditor
    /// without a region), its own region otherwise.
    static func reportRegions(_ db: any DatabaseConnection, for p: Principal) throws -> [String] {
        switch p.role {
        case .nationalAdmin:
            return try db.query("SELECT id FROM regions ORDER BY code").map { try $0.string("id") }
        case .auditor where p.regionID == nil:
            return try db.query("SELECT id FROM regions ORDER BY code").map { try $0.string("id") }
        default:
            return p.regionID.map { [$0] } ?? []
        }
    }

    /// Submissions in the principal's regions, newest first, optionally of one region and/or month.
    static func submissions(
        _ db: any DatabaseConnection, for p: Principal, regionID: String?, month: String?
    ) throws -> [ReportSubmission] {
        let regions = Set(try reportRegions(db, for: p))
        if let regionID, !regions.contains(regionID) { return [] }
        var conditions: [String] = []
        var args: [DatabaseValue] = []
        if let regionID {
            conditions.append("s.region_id = ?")
            args.append(.text(regionID))
        }
        if let month {
            conditions.append("s.month = ?")
            args.append(.text(month))
        }
        let rows = try db.query(
            "SELECT \(submissionColumns) FROM report_submissions s"
                + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY s.submitted_at DESC, s.rowid DESC LIMIT 1000", values: args)
        return try rows.map(submission).filter { regions.contains($0.regionID.description) }
    }

    /// Months whose report is past due with no submission, per region in scope (para 39): from the
    /// month of the region's first published plan (at most 36 months back) to the last month whose
    /// 5th-of-next-month due date is before `today`.
    static func overdue(_ db: any DatabaseConnection, for p: Principal, today: LocalDate) throws -> [OverdueReport] {
        var out: [OverdueReport] = []
        let earliest = try LocalDate(year: today.year, month: today.month, day: 1).addingMonths(-36)
        let regions = try reportRegions(db, for: p)
        guard !regions.isEmpty else { return [] }
        // Two statements for all regions (not two per region): the first publication per region,
        // and the months already submitted.
        let inRegions = db.dialect.jsonTextArrayElements(parameter: "?")
        let list = DatabaseValue.text(String(decoding: try JSONCoding.encode(regions), as: UTF8.self))
        var first: [String: Int64] = [:]
        for row in try db.query(
            "SELECT f.region_id, min(p.published_at) AS t FROM plans p JOIN families f ON f.id = p.family_id"
                + " WHERE p.published_at IS NOT NULL AND f.region_id IN (SELECT value FROM \(inRegions))"
                + " GROUP BY f.region_id", values: [list])
        {
            if let t = row.optionalInt("t") { first[try row.string("region_id")] = t }
        }
        var submitted: [String: Set<String>] = [:]
        for row in try db.query(
            "SELECT DISTINCT region_id, month FROM report_submissions WHERE region_id IN (SELECT value FROM \(inRegions))",
            values: [list])
        {
            submitted[try row.string("region_id"), default: []].insert(try row.string("month"))
        }
        for region in regions {
            guard let first = first[region] else { continue }
            let firstDay = LocalDate(dayNumber: Int((first + PlanStore.almatyOffset).floorDiv(86_400_000)))
            var month = max(try LocalDate(year: firstDay.year, month: firstDay.month, day: 1), earliest)
            let done = submitted[region] ?? []
            while true {
                let due = Deadlines.monthlyReportDue(year: month.year, month: month.month)
                guard due < today else { break }
                let text = monthText(month)
                if !done.contains(text), let regionID = WireID(region),
                    let date = CalendarDate(year: due.year, month: due.month, day: due.day)
                {
                    out.append(OverdueReport(regionID: regionID, month: text, due: date))
                }
                month = month.addingMonths(1)
            }
        }
        return out
    }

    /// `YYYY-MM` of a date.
    static func monthText(_ d: LocalDate) -> String {
        String(d.year) + "-" + (d.month < 10 ? "0" : "") + String(d.month)
    }

    /// Region names by ID, for display.
    static func regionNames(_ db: any DatabaseConnection) throws -> [String: LocalizedName] {
        var out: [String: LocalizedName] = [:]
        for r in try db.query("SELECT id, name_kk, name_ru, name_en FROM regions") {
            out[try r.string("id")] = LocalizedName(
                kk: try r.string("name_kk"), ru: try r.string("name_ru"), en: try r.string("name_en"))
        }
        return out
    }
}
