import KandasClient
import KandasProtocol

/// `kandas families`: the families in this worker's scope, or their members with `--members`.
struct FamiliesCommand: Command {
    static let spec = CommandSpec(
        ["families"], summary: "list the families assigned to you (from the last sync)",
        options: [.flag("members", "list every member (ID, masked IIN, name, relation) instead")],
        examples: ["kandas families", "kandas families --members", "kandas families --json --show-iin"])

    let members: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        members = arguments.flag("members")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let families = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in try await client.families() }
        }
        let format = context.format
        if context.globals.json {
            context.printJSON(.array(families.map { ViewJSON.family($0, format) }))
            return
        }
        if members {
            var table = Table(["FAMILY", "MEMBER", "IIN", "NAME", "RELATION"])
            for view in families {
                for member in view.members {
                    table.append([
                        Format.short(view.family.id), Format.short(member.id), format.iin(member.iin),
                        ViewJSON.name(member), member.relation.rawValue,
                    ])
                }
            }
            context.printTable(table, empty: "No families yet: run kandas sync.")
            return
        }
        var table = Table(["FAMILY", "SETTLEMENT", "HEAD", "MEMBERS", "OPEN ITEMS"], rightAligned: [3, 4])
        for view in families {
            let head = view.members.first { $0.relation == .head } ?? view.members.first
            table.append([
                Format.short(view.family.id), view.family.settlement.name, head.map(ViewJSON.name) ?? "-",
                "\(view.members.count)", "\(view.openItems)",
            ])
        }
        context.printTable(table, empty: "No families yet: run kandas sync.")
    }
}
