import KandasProtocol

/// `kandas admin cards list`: the digital-card forwarding queue (Rules 2, para 37; sync-v1 §4.14).
struct AdminCardsListCommand: Command {
    static let spec = CommandSpec(
        ["admin", "cards", "list"], summary: "deliveries to the family's digital card, newest first",
        options: [.value("state", "STATE", "pending, delivering, delivered, dead or withdrawn")],
        examples: ["kandas admin cards list --state dead", "kandas admin cards list --json"])

    let query: [(String, String)]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        query =
            try arguments.value("state").map { text throws(CLIError) in
                [("state", try InputParser.choice(text, flag: "state", as: CardForwardState.self).rawValue)]
            } ?? []
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let items = try await context.adminClient().list("/admin/card-forwards", query: query, as: CardForward.self)
        if context.globals.json { return context.printJSONList(items) }
        var table = Table(["DELIVERY", "COMPLETION", "STATE", "ATTEMPTS", "LAST ERROR", "DELIVERED"])
        for f in items {
            table.append([
                f.id.description, f.completionID.description, f.state.rawValue, "\(f.attempts)", f.lastError ?? "",
                f.deliveredAt.map(context.format.time) ?? "",
            ])
        }
        context.printTable(table, empty: "No deliveries match.")
    }
}

/// `kandas admin cards retry DELIVERY`: queues a dead delivery again (region and national administrators).
struct AdminCardsRetryCommand: Command {
    static let spec = CommandSpec(
        ["admin", "cards", "retry"], summary: "send a dead delivery again, with the same delivery ID",
        arguments: [ArgumentSpec("DELIVERY", "the delivery ID")],
        examples: ["kandas admin cards retry 5f0c1a2e-3b4d-4e6f-8a9b-000000000951"])

    let delivery: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        delivery = try InputParser.id(arguments.positionals[0], what: "DELIVERY")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let f = try await context.adminClient().send(
            "POST", "/admin/card-forwards/\(delivery)/retry", json: EmptyBody(), as: CardForward.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(f)) }
        context.print("Delivery \(Format.short(f.id)) is \(f.state.rawValue) again.")
    }
}

/// The empty JSON object some actions take as their body.
struct EmptyBody: Encodable {}
