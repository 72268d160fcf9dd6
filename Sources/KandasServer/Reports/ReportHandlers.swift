import Foundation
import HTTPServer
import KandasProtocol

/// `/v1/admin/reports/monthly` and `/v1/admin/exports/completions.{csv,geojson}` (Protocol §13):
/// the same builders as the console's pages, behind the API's bearer tokens and scoping.
enum ReportHandlers {
    static func monthly(_ ctx: RequestContext) throws -> HTTPResponse {
        let q = try ctx.filters(["region_id", "month", "cutoff", "format"])
        let format = q["format"] ?? "json"
        guard ["json", "csv", "html"].contains(format) else {
            throw ServerError.field(.invalidParameter, "query:format", "json|csv|html")
        }
        let (builder, report) = try ctx.read { db in
            let b = try MonthlyReportBuilder.request(
                db, regionID: q["region_id"], month: q["month"], cutoff: q["cutoff"], for: ctx.actor, now: ctx.now)
            return (b, try b.report(db))
        }
        switch format {
        case "csv":
            return ConsoleReports.csvResponse(
                try rendered(report, format: format), name: "annex3-\(builder.monthText).csv")
        case "html":
            return ConsoleLayout.response(html(report))
        default:
            return try ctx.json(report)
        }
    }

    /// The HTML form of a report (the Annex 3 table alone).
    static func html(_ report: MonthlyReport) -> HTML {
        """
        <!DOCTYPE html><html lang="kk"><head><meta charset="utf-8"><title>\(report.month)</title></head>
        <body>\(ConsoleReports.table(report.rows, lang: .kk))</body></html>
        """
    }

    /// The exact bytes this endpoint serves for `report` in `format` (`csv`, `json`, `html`): what a
    /// submission hashes (Rules 2, para 39).
    static func rendered(_ report: MonthlyReport, format: String) throws -> [UInt8] {
        switch format {
        case "csv": return MonthlyReportBuilder.csv(report.rows)
        case "html": return Array(html(report).rendered.utf8)
        default: return [UInt8](try JSONCoding.encode(report))
        }
    }

    static func filter(_ ctx: RequestContext) throws -> CompletionFilter {
        let q = try ctx.filters(Set(CompletionFilter.names))
        return try CompletionFilter({ q[$0] }, for: ctx.actor)
    }

    static func exportCSV(_ ctx: RequestContext) throws -> HTTPResponse {
        CompletionExport.csv(ctx.app.database, try filter(ctx))
    }

    static func exportGeoJSON(_ ctx: RequestContext) throws -> HTTPResponse {
        CompletionExport.geojson(ctx.app.database, try filter(ctx))
    }
}
