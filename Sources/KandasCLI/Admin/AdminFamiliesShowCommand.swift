import KandasDomain
import KandasProtocol

/// `kandas admin families show FAMILY`: one family with its members (IINs masked unless `--show-iin`).
struct AdminFamiliesShowCommand: Command {
    static let spec = CommandSpec(
        ["admin", "families", "show"], summary: "show a family and its members",
        arguments: [ArgumentSpec("FAMILY", "the family ID")],
        options: [.flag("plan", "also show the family's plans and their items (service names per --lang)")],
        examples: [
            "kandas admin families show 0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b --show-iin",
            "kandas admin families show 0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b --plan --lang ru",
        ])

    let family: WireID
    let plan: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        family = try InputParser.id(arguments.positionals[0], what: "FAMILY")
        plan = arguments.flag("plan")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        var detail = try await client.get("/admin/families/\(family)", as: FamilyDetail.self)
        var plans: [PlanDetail] = []
        if plan {
            for summary in try await client.list(
                "/admin/plans", query: [("family_id", family.description)], as: Plan.self)
            {
                plans.append(try await client.get("/admin/plans/\(summary.id)", as: PlanDetail.self))
            }
        }
        let format = context.format
        for index in detail.members.indices { detail.members[index].iin = format.iin(detail.members[index].iin) }
        if context.globals.json {
            // Members as the CLI shows them everywhere: IIN masked, no birth date (it is in the IIN).
            let members = detail.members.map { ViewJSON.member($0, Format(timeZone: format.timeZone, showIIN: true)) }
            var fields: [String: JSONValue] = ["family": ViewJSON.encode(detail.family), "members": .array(members)]
            if plan { fields["plans"] = .array(plans.map { ViewJSON.encode($0) }) }
            return context.printJSON(.object(fields))
        }
        let f = detail.family
        var facts = Table.keyValue([])
        facts.append(["Family", f.id.description])
        facts.append(["Settlement", f.settlement.name + (f.address.map { ", " + $0 } ?? "")])
        if let lat = f.settlement.latitude, let lon = f.settlement.longitude {
            facts.append(["Location", "\(lat), \(lon)"])
        }
        facts.append(["Career centre", f.careerCentreID.description])
        facts.append(["Workers", f.assignedWorkerIDs.map(\.description).joined(separator: ", ")])
        facts.append(["Quota since", f.quotaInclusionDate.description])
        facts.append(["Consent", f.consentRecorded ? "recorded" : "NOT recorded (no plan can be published)"])
        facts.append(["Version", "\(f.version)"])
        context.environment.stdout.write(facts.render() + "\n")
        var members = Table(["MEMBER", "IIN", "NAME", "BORN", "RELATION"])
        for member in detail.members {
            members.append([
                member.id.description, member.iin, ViewJSON.name(member),
                context.globals.showIIN ? member.birthDate.description : "-", member.relation.rawValue,
            ])
        }
        context.printTable(members, empty: "No members.")
        if plan { printPlans(plans, members: detail.members, context: context) }
    }

    /// One table per plan: its status line, then items with service names in the chosen language.
    func printPlans(_ plans: [PlanDetail], members: [Member], context: CommandContext) {
        let names = Dictionary(members.map { ($0.id, ViewJSON.name($0)) }, uniquingKeysWith: { first, _ in first })
        for detail in plans {
            let p = detail.plan
            context.print("")
            context.print(
                "Plan \(p.id) — \(p.status.rawValue), version \(p.version)"
                    + (p.publishedAt.map { ", published \(context.format.time($0))" } ?? "")
                    + (p.publicationLate ? " (published late)" : ""))
            var table = Table(["ITEM", "DUE", "STATUS", "SERVICE", "MEMBER", "DONE"], rightAligned: [5])
            for item in detail.items.sorted(by: { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }) {
                let service =
                    (try? ServiceCatalog.service(code: item.serviceCode)).map {
                        "\(item.serviceCode). " + $0.name(in: context.globals.language)
                    } ?? "\(item.serviceCode)"
                table.append([
                    Format.short(item.id), item.dueDate.description, item.status.rawValue, service,
                    names[item.memberID] ?? Format.short(item.memberID), "\(item.completionCount)",
                ])
            }
            context.printTable(table, empty: "No items in this plan.")
        }
    }
}
