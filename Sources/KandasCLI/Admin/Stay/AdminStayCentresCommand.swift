import KandasProtocol

/// `kandas admin stay centres`: the Centres in scope with their beds (Rules 1, para 2(2)).
struct AdminStayCentresCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "centres"], summary: "list adaptation and integration Centres with their beds",
        examples: ["kandas admin stay centres", "kandas admin stay centres --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let centres = try await context.adminClient().list(StayCLI.base + "/centres", as: StayCentre.self)
        if context.globals.json { return context.printJSONList(centres) }
        var table = Table(["CENTRE", "NAME", "BEDS", "OCCUPIED", "HELD", "FREE", "RESERVE"])
        for c in centres {
            table.append([
                c.id.description, c.name, String(c.capacity), String(c.occupied), String(c.held), String(c.free),
                String(c.reserveLength),
            ])
        }
        context.printTable(table, empty: "No Centres.")
    }
}

/// `kandas admin stay add-centre`: a Centre of a region and its first journal.
struct AdminStayAddCentreCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "add-centre"], summary: "create a Centre (beds, first journal's opening day)",
        options: [
            .value("region", "REGION_ID", "the region (required)"), .value("name", "TEXT", "the Centre's name"),
            .value("address", "TEXT", "its address"), .value("beds", "N", "capacity in beds, 1-10000"),
            .value("opened", "YYYY-MM-DD", "the day the registration journal opens"),
        ],
        examples: ["kandas admin stay add-centre --region 1f2e... --name 'Kokshetau AIC' --beds 60 --opened 2026-12-01"]
    )

    let body: StayCentreCreate

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let region = arguments.value("region") else { throw .usage("needs --region REGION_ID") }
        guard let beds = arguments.value("beds") else { throw .usage("needs --beds N") }
        body = StayCentreCreate(
            regionID: try InputParser.id(region, what: "--region"), name: try StayCLI.text(arguments, "name"),
            address: arguments.value("address"), capacity: try InputParser.integer(beds, flag: "beds", in: 1...10_000),
            journalOpenedOn: try StayCLI.date(arguments, "opened"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let centre = try await context.adminClient().send(
            "POST", StayCLI.base + "/centres", json: body, as: StayCentre.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(centre)) }
        context.print("Created Centre \(centre.id) with \(centre.capacity) beds.")
    }
}

/// `kandas admin stay due`: today's due and overdue acts (Protocol/stay-v1.md §7).
struct AdminStayDueCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "due"], summary: "today's due and overdue Centre-stay acts",
        examples: ["kandas admin stay due", "kandas admin stay due --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let due = try await context.adminClient().get(StayCLI.base + "/due", as: StayDueList.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(due)) }
        var table = Table(["KIND", "DUE", "OVERDUE", "WHAT", "ID"])
        for item in due.items {
            table.append([
                item.kind.rawValue, item.dueOn.description, item.overdue ? "yes" : "no", item.entityType,
                item.entityID.description,
            ])
        }
        context.print("Today \(due.today): \(due.items.count) due, \(due.overdue) overdue.")
        context.printTable(table, empty: "Nothing is due.")
    }
}
