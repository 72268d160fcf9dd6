import KandasProtocol

/// `kandas admin families show FAMILY`: one family with its members (IINs masked unless `--show-iin`).
struct AdminFamiliesShowCommand: Command {
    static let spec = CommandSpec(
        ["admin", "families", "show"], summary: "show a family and its members",
        arguments: [ArgumentSpec("FAMILY", "the family ID")],
        examples: ["kandas admin families show 0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b --show-iin"])

    let family: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        family = try InputParser.id(arguments.positionals[0], what: "FAMILY")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        var detail = try await context.adminClient().get("/admin/families/\(family)", as: FamilyDetail.self)
        let format = context.format
        for index in detail.members.indices { detail.members[index].iin = format.iin(detail.members[index].iin) }
        if context.globals.json {
            // Members as the CLI shows them everywhere: IIN masked, no birth date (it is in the IIN).
            let members = detail.members.map { ViewJSON.member($0, Format(timeZone: format.timeZone, showIIN: true)) }
            return context.printJSON(.object(["family": ViewJSON.encode(detail.family), "members": .array(members)]))
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
    }
}
