import Crypto
import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// Builds the Annex 3 monthly report of a region (Protocol `sync-v1.md` §13) and renders it as
/// JSON, CSV and HTML rows.
///
/// Rows: every member of the region's families whose plan was published before the cut-off,
/// ordered by IIN. A cell (service `n`, column `n + 2`) counts the member's completions of that
/// service that are complete (Rules 2, paras 36-37: required evidence present, every declared file
/// verified before the cut-off), primary, active, not rejected (the latest approve / has_issues / reject
/// decision made before the cut-off is not `reject`), performed in the month in Kazakhstan time
/// (UTC+5) and received before the cut-off. Everything is read as of the cut-off except a
/// completion's `state` and `primary` flag, which are its current fold: a void or a conflict
/// resolution received later changes the report, and `input_sha256` (over the rows) shows it.
struct MonthlyReportBuilder {
    let regionID: String
    /// A supervisor's report covers only its own career centre's families.
    let centreID: String?
    let year: Int
    let month: Int
    /// Milliseconds since 1970, whole seconds.
    let cutoff: Int64

    /// Parses `YYYY-MM`.
    ///
    /// - Throws: `400 invalid_parameter` for anything else (months 1-12, years 2000-2100).
    static func parseMonth(_ text: String) throws(ServerError) -> (Int, Int) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 7, parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
            (2000...2100).contains(y), (1...12).contains(m)
        else { throw ServerError.field(.invalidParameter, "query:month", "month must be YYYY-MM") }
        return (y, m)
    }

    /// The month's bounds in UTC milliseconds: `[start, end)` of Kazakhstan local time.
    var window: (start: Int64, end: Int64) {
        let first = (try? LocalDate(year: year, month: month, day: 1)) ?? LocalDate(dayNumber: 0)
        let next = first.addingMonths(1)
        return (
            Int64(first.dayNumber) * 86_400_000 - PlanStore.almatyOffset,
            Int64(next.dayNumber) * 86_400_000 - PlanStore.almatyOffset
        )
    }

    var monthText: String { String(year) + "-" + (month < 10 ? "0" : "") + String(month) }

    /// The report a principal asked for: the region must be in its scope (else `404 not_found`),
    /// a supervisor gets its centre only, and the cut-off (default now) is whole seconds, not in the future.
    ///
    /// - Throws: ``ServerError`` `invalid_parameter` for a bad month or cut-off, `not_found` for a region out of scope.
    static func request(
        _ db: any DatabaseConnection, regionID: String?, month: String?, cutoff: String?, for p: Principal, now: Int64
    ) throws -> MonthlyReportBuilder {
        guard let regionID, WireID(regionID) != nil,
            try OrganisationStore.regionExists(db, regionID),
            p.role == .centreSupervisor ? p.regionID == regionID : p.scope.covers(regionID: regionID, centreID: nil)
        else { throw ServerError(.notFound, "no such region") }
        let (year, month) = try parseMonth(month ?? "")
        var cut = (now / 1000) * 1000
        if let cutoff {
            guard let t = Timestamp(cutoff), t.millisecondsSince1970 <= now else {
                throw ServerError.field(
                    .invalidParameter, "query:cutoff", "cutoff must be an RFC 3339 timestamp, not in the future")
            }
            cut = (t.millisecondsSince1970 / 1000) * 1000
        }
        return MonthlyReportBuilder(
            regionID: regionID, centreID: p.role == .centreSupervisor ? (p.careerCentreID ?? "") : nil, year: year,
            month: month, cutoff: cut)
    }

    /// SHA-256 hex over the rows, one `no,iin,s1,...,s25\n` line each.
    static func inputSHA256(_ rows: [MonthlyReportRow]) -> String {
        var text = ""
        for row in rows {
            text += "\(row.number),\(row.iin)," + row.services.map(String.init).joined(separator: ",") + "\n"
        }
        return SHA256.hash(Array(text.utf8)).hex
    }

    func report(_ db: any DatabaseConnection) throws -> MonthlyReport {
        let rows = try rows(db)
        let cut = Timestamp(millisecondsSince1970: cutoff)
        return MonthlyReport(
            regionID: WireID(regionID) ?? WireID.random(), month: monthText, cutoff: cut, generatedAt: cut,
            inputSHA256: Self.inputSHA256(rows), rows: rows, leftOut: try ReportStore.leftOut(db, self))
    }

    /// CSV: UTF-8 with a BOM (so Excel keeps Cyrillic), CRLF, the Annex 3 Kazakh headers, zero cells empty.
    static func csv(_ rows: [MonthlyReportRow]) -> [UInt8] {
        var out = "\u{FEFF}"
        out += MonthlyReportLayout.columns.map { csvField($0.header.kk) }.joined(separator: ",") + "\r\n"
        for row in rows {
            out += String(row.number) + "," + csvField(row.iin) + ","
            out += row.services.map { $0 == 0 ? "" : String($0) }.joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "\"" || $0 == "," || $0 == "\r" || $0 == "\n" || $0 == ";" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
