import KandasProtocol

/// `kandas admin families list`: families in scope (sync-v1 §4.6).
struct AdminFamiliesListCommand: Command {
    static let spec = CommandSpec(
        ["admin", "families", "list"], summary: "list families",
        options: [
            .value("region", "REGION_ID", "only this region"), .value("centre", "CENTRE_ID", "only this career centre"),
            .value("worker", "USER_ID", "only families assigned to this field worker"),
            .value("iin", "IIN", "only the family with this member"),
        ],
        examples: ["kandas admin families list --worker 3f2a1b2c-...", "kandas admin families list --iin 900101300123"])

    let query: [(String, String)]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        var query: [(String, String)] = []
        for (flag, name) in [("region", "region_id"), ("centre", "career_centre_id"), ("worker", "worker_id")] {
            if let value = arguments.value(flag) {
                query.append((name, try InputParser.id(value, what: "--" + flag).description))
            }
        }
        if let iin = arguments.value("iin") {
            guard iin.count == 12, iin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .usage("--iin must be 12 digits")
            }
            query.append(("member_iin", iin))
        }
        self.query = query
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let families = try await context.adminClient().list("/admin/families", query: query, as: Family.self)
        if context.globals.json { return context.printJSONList(families) }
        var table = Table(["FAMILY", "SETTLEMENT", "CENTRE", "WORKERS", "CONSENT", "QUOTA SINCE"], rightAligned: [3])
        for family in families {
            table.append([
                family.id.description, family.settlement.name, Format.short(family.careerCentreID),
                "\(family.assignedWorkerIDs.count)", family.consentRecorded ? "yes" : "NO",
                family.quotaInclusionDate.description,
            ])
        }
        context.printTable(table, empty: "No families match.")
    }
}
