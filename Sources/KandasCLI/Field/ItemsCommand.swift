import KandasClient
import KandasProtocol

/// `kandas items`: plan items of the local view, filtered; service names in the chosen language.
struct ItemsCommand: Command {
    static let spec = CommandSpec(
        ["items"], summary: "list plan items (filters: family, member, service, status, due date, pending)",
        options: [
            .value("family", "FAMILY", "only this family (ID or a unique prefix/suffix)"),
            .value("member", "MEMBER", "only this member (ID, unique prefix/suffix or 12-digit IIN)"),
            .value("service", "CODE", "only this service (1-25, Rules 2 Annex 1)"),
            .value("status", "STATUS", "open, completed or cancelled"),
            .value("due-before", "DATE", "due on or before YYYY-MM-DD"),
            .flag("pending", "only items with local work not yet synced"),
        ],
        examples: [
            "kandas items --status open --due-before 2026-12-31", "kandas items --member 5c1e --lang kk",
            "kandas items --pending --json",
        ])

    let family: String?
    let member: String?
    let filter: ItemFilter

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        family = try arguments.value("family").map { text throws(CLIError) in
            try InputParser.idPrefix(text, what: "--family")
        }
        member = try arguments.value("member").map { text throws(CLIError) in
            text.count == 12 && text.allSatisfy(\.isNumber) ? text : try InputParser.idPrefix(text, what: "--member")
        }
        var filter = ItemFilter(pendingOnly: arguments.flag("pending"))
        filter.serviceCode = try arguments.value("service").map { text throws(CLIError) in
            try InputParser.integer(text, flag: "service", in: 1...25)
        }
        filter.status = try arguments.value("status").map { text throws(CLIError) in
            try InputParser.choice(text, flag: "status", as: PlanItemStatus.self)
        }
        filter.dueOnOrBefore = try arguments.value("due-before").map { text throws(CLIError) in
            try InputParser.date(text, flag: "due-before")
        }
        self.filter = filter
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let items = try await context.withClient { client throws(CLIError) in
            var filter = self.filter
            if let family { filter.familyID = try await LocalLookup.family(family, client).family.id }
            if let member { filter.memberID = try await LocalLookup.member(member, client).id }
            let chosen = filter
            return try await LocalLookup.call { () async throws(ClientError) in try await client.items(filter: chosen) }
        }
        let language = context.globals.language
        if context.globals.json {
            context.printJSON(.array(items.map { ViewJSON.item($0, language) }))
            return
        }
        var table = Table(["ITEM", "DUE", "STATUS", "SERVICE", "MEMBER", "PENDING"], rightAligned: [5])
        for view in items.sorted(by: { ($0.item.dueDate, $0.item.id) < ($1.item.dueDate, $1.item.id) }) {
            let service = view.service.map { "\($0.code). " + $0.name(in: language) } ?? "\(view.item.serviceCode)"
            var status = view.displayedStatus.rawValue
            if !view.openConflicts.isEmpty { status += " (conflict)" }
            table.append([
                Format.short(view.item.id), view.item.dueDate.description, status, service,
                view.member.map(ViewJSON.name) ?? Format.short(view.item.memberID),
                view.pendingEvents > 0 ? "\(view.pendingEvents)" : "",
            ])
        }
        context.printTable(table, empty: "No items match.")
    }
}
