import KandasProtocol
import KandasStore

/// The Annex 3 monthly report's reads: members with a published plan before the cut-off, and
/// their complete, not rejected primary completions of the month as known at the cut-off.
extension MonthlyReportBuilder {
    /// The rows, numbered from 1.
    func rows(_ db: any DatabaseConnection) throws -> [MonthlyReportRow] {
        let centre = centreID.map { _ in " AND f.career_centre_id = ?" } ?? ""
        let centreArgs: [DatabaseValue] = centreID.map { [.text($0)] } ?? []
        let members = try db.query(
            "SELECT m.id, m.iin FROM members m JOIN families f ON f.id = m.family_id WHERE f.region_id = ?"
                + " AND m.created_at < ? AND EXISTS(SELECT 1 FROM plans p WHERE p.family_id = f.id"
                + " AND p.published_at IS NOT NULL AND p.published_at < ?)\(centre) ORDER BY m.iin",
            values: [.text(regionID), .integer(cutoff), .integer(cutoff)] + centreArgs)
        let (start, end) = window
        var cells: [String: [Int]] = [:]
        let counted = try db.query(
            "SELECT ci.member_id AS member_id, c.service_code, count(*) AS n FROM completions c"
                + " JOIN plan_items ci ON ci.id = ktext(c.item_id) WHERE c.region_id = kid(?)"
                + (centreID == nil ? "" : " AND c.career_centre_id = kid(?)")
                + " AND c.state = 'active' AND c.is_primary = 1 AND c.performed_at >= ? AND c.performed_at < ?"
                + " AND c.received_at < ? AND \(ReportStore.completeAsOfSQL) AND coalesce((SELECT r.decision FROM reviews r WHERE r.completion_id = c.id"
                + " AND r.decision <> 'comment' AND r.created_at < ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1),"
                + " 'pending') <> 'reject' GROUP BY ci.member_id, c.service_code",
            values: [.text(regionID)] + centreArgs + [
                .integer(start), .integer(end), .integer(cutoff), .integer(cutoff), .integer(cutoff),
            ])
        for row in counted {
            let code = Int(try row.int("service_code"))
            guard (1...25).contains(code) else { continue }
            cells[try row.string("member_id"), default: Array(repeating: 0, count: 25)][code - 1] = Int(
                try row.int("n"))
        }
        return try members.enumerated().map { index, row in
            MonthlyReportRow(
                number: index + 1, iin: try row.string("iin"),
                services: cells[try row.string("id")] ?? Array(repeating: 0, count: 25))
        }
    }
}
