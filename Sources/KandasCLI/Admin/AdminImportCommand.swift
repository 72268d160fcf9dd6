import Foundation
import KandasProtocol
import SystemKit

/// `kandas admin import FILE`: bulk import of families, members and draft plans (sync-v1 §4.8).
struct AdminImportCommand: Command {
    static let spec = CommandSpec(
        ["admin", "import"], summary: "import families, members and draft plans from CSV or JSON",
        arguments: [ArgumentSpec("FILE", "a .csv (one row per member or member and service) or .json file")],
        options: [
            .flag("dry-run", "check every row and report, import nothing"),
            .flag("full", "list every row in the report, not only failed ones"),
        ],
        discussion: """
            Each family is imported whole or not at all; the report lists each failed row with the column
            and the error code. Exit status 1 when any row failed.
            """,
        examples: ["kandas admin import families.csv --dry-run", "kandas admin import families.json"])

    let path: String
    let contentType: String
    let dryRun: Bool
    let full: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        path = arguments.positionals[0]
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": contentType = "text/csv; charset=utf-8"
        case "json": contentType = "application/json"
        default: throw .usage("FILE '\(path)' must end in .csv or .json")
        }
        dryRun = arguments.flag("dry-run")
        full = arguments.flag("full")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let path = self.path
        guard let data = await Blocking.run({ FileManager.default.contents(atPath: path) }) else {
            throw .runtime("cannot read \(path)", hint: "check the path and permissions", code: "file_unreadable")
        }
        guard data.count <= 16 << 20 else {
            throw .runtime("\(path) is larger than 16 MiB, the import limit", hint: "split it into several files")
        }
        var query = [("dry_run", dryRun ? "true" : "false")]
        if full { query.append(("report", "full")) }
        let response = try await context.adminClient().send(
            "POST", "/admin/imports", query: query, body: .raw([UInt8](data), contentType: contentType))
        let report = try AdminClient.decode(ImportReport.self, response)
        if context.globals.json {
            context.printJSON(ViewJSON.encode(report))
        } else {
            context.print(
                "\(report.dryRun ? "Dry run: " : "")\(report.rowsOk) of \(report.rowsTotal) row(s) ok, "
                    + "\(report.rowsFailed) failed; \(report.familiesCreated) famil\(report.familiesCreated == 1 ? "y" : "ies") "
                    + "and \(report.plansCreated) plan(s) \(report.dryRun ? "would be " : "")created.")
            var table = Table(["ROW", "FAMILY REF", "STATUS", "FAMILY", "ERRORS"], rightAligned: [0], maxCellWidth: 90)
            for row in report.rows {
                let errors = row.errors.map { $0.field + ": " + $0.code + ($0.detail.map { " (" + $0 + ")" } ?? "") }
                table.append([
                    "\(row.row)", row.familyRef ?? "", row.status.rawValue, row.familyID.map(Format.short) ?? "",
                    errors.joined(separator: "; "),
                ])
            }
            if !table.rows.isEmpty { context.environment.stdout.write(table.render()) }
        }
        if report.rowsFailed > 0 {
            throw .runtime(
                "\(report.rowsFailed) row(s) failed\(report.dryRun ? "" : "; their families were not imported")",
                hint: "fix the rows listed above and import those families again", code: "import_rows_failed")
        }
    }
}
