import KandasProtocol

/// `kandas admin report submit`: records that a month's Annex 3 report was sent to the local
/// executive body for social protection and employment (Rules 2, para 39; sync-v1 §13.1).
struct AdminReportSubmitCommand: Command {
    static let spec = CommandSpec(
        ["admin", "report", "submit"], summary: "record that a region's Annex 3 report for a month was sent",
        options: [
            .value("region", "REGION", "the region: its ID or ISO 3166-2 code (KZ-11)"),
            .value("month", "YYYY-MM", "the month (it must have ended)"),
            .value("recipient", "TEXT", "the local executive body it was sent to (1-300 characters)"),
            .value("cutoff", "TIME", "the report's cut-off, as downloaded (default: now)"),
            .value("format", "FORMAT", "the form sent: csv (default), json or html"),
        ],
        discussion: """
            The server renders the report as of --cutoff in --format and records the SHA-256 of exactly those
            bytes: download with the same --cutoff (kandas admin report monthly) and the hashes agree.
            The report is due on the 5th of the next month; the answer says whether this one was late.
            """,
        examples: [
            "kandas admin report submit --region KZ-11 --month 2026-10 --cutoff 2026-11-05T00:00:00Z --recipient \"LEB-SPE of Akmola region\""
        ])

    let region: String
    let month: String
    let recipient: String
    let cutoff: Timestamp?
    let format: String?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let region = arguments.value("region"), let month = arguments.value("month"),
            let recipient = arguments.value("recipient")
        else { throw .usage("report submit needs --region REGION, --month YYYY-MM and --recipient TEXT") }
        guard (1...300).contains(recipient.trimmingCharacters(in: .whitespaces).count) else {
            throw .usage("--recipient must have 1 to 300 characters")
        }
        self.region = region
        self.month = try InputParser.month(month, flag: "month")
        self.recipient = recipient
        cutoff = try arguments.value("cutoff").map { text throws(CLIError) in
            guard let time = Timestamp(text) else { throw .usage("--cutoff '\(text)' is not an RFC 3339 time") }
            return time
        }
        format = arguments.value("format")
        if let format, !["csv", "json", "html"].contains(format) { throw .usage("--format must be csv, json or html") }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        let regionID = try await AdminReportMonthlyCommand.regionID(region, client: client)
        let body = ReportSubmissionRequest(
            regionID: regionID, month: month, cutoff: cutoff, format: format, recipient: recipient)
        let s = try await client.send(
            "POST", "/admin/reports/monthly/submissions", json: body, as: ReportSubmission.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(s)) }
        context.print(
            "Recorded: \(s.month) \(s.format) sha256 \(s.sha256) (\(s.size) bytes) sent to \(s.recipient); "
                + "due \(s.due)\(s.late ? ", LATE" : ", on time").")
    }
}

/// `kandas admin report submissions`: recorded Annex 3 submissions and overdue months (para 39).
struct AdminReportSubmissionsCommand: Command {
    static let spec = CommandSpec(
        ["admin", "report", "submissions"], summary: "list recorded Annex 3 submissions, or overdue months",
        options: [
            .value("region", "REGION", "only this region (ID or KZ-xx code)"),
            .value("month", "YYYY-MM", "only this month"),
            .flag("overdue", "list the months past their due date with no submission instead"),
        ],
        examples: [
            "kandas admin report submissions --region KZ-11", "kandas admin report submissions --overdue --json",
        ])

    let region: String?
    let month: String?
    let overdue: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        region = arguments.value("region")
        month = try arguments.value("month").map { m throws(CLIError) in try InputParser.month(m, flag: "month") }
        overdue = arguments.flag("overdue")
        if overdue, region != nil || month != nil { throw .usage("--overdue takes no --region or --month") }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        if overdue {
            let items = try await client.get("/admin/reports/monthly/overdue", as: Page<OverdueReport>.self).items
            if context.globals.json { return context.printJSON(ViewJSON.encode(items)) }
            var table = Table(["REGION", "MONTH", "DUE"])
            for o in items { table.append([o.regionID.description, o.month, o.due.description]) }
            return context.printTable(table, empty: "No report is overdue.")
        }
        var query: [(String, String)] = []
        if let region {
            query.append(
                ("region_id", try await AdminReportMonthlyCommand.regionID(region, client: client).description))
        }
        if let month { query.append(("month", month)) }
        let items = try await client.get(
            "/admin/reports/monthly/submissions", query: query, as: Page<ReportSubmission>.self
        ).items
        if context.globals.json { return context.printJSON(ViewJSON.encode(items)) }
        var table = Table(["MONTH", "REGION", "SUBMITTED", "LATE", "FORMAT", "SHA256", "RECIPIENT"])
        for s in items {
            table.append([
                s.month, Format.short(s.regionID), context.format.time(s.submittedAt), s.late ? "late" : "",
                s.format, String(s.sha256.prefix(16)), s.recipient,
            ])
        }
        context.printTable(table, empty: "No submission recorded.")
    }
}
