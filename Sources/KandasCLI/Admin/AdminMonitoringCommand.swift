import KandasProtocol

/// `kandas admin monitoring show FAMILY`: the five-year monitoring schedule with its records (Rules 2, paras 40-45).
struct AdminMonitoringShowCommand: Command {
    static let spec = CommandSpec(
        ["admin", "monitoring", "show"], summary: "a family's monitoring periods, records and overdue ones",
        arguments: [ArgumentSpec("FAMILY", "the family ID")],
        examples: ["kandas admin monitoring show 5f0c1a2e-3b4d-4e6f-8a9b-000000000501 --json"])

    let family: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        let id = arguments.positionals[0]
        family = try InputParser.id(id, what: "FAMILY")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let s = try await context.adminClient().get(
            "/admin/families/\(family)/monitoring", as: MonitoringStatus.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(s)) }
        context.print("From \(s.start) to \(s.horizonEnd)\(s.closed ? " (case closed)" : "")")
        var table = Table(["PERIOD", "YEAR", "FROM", "DUE", "DONE", "CHANNEL", "STATE"])
        for p in s.periods {
            table.append([
                "\(p.period)", "\(p.year)", p.start.description, p.end.description,
                p.record?.doneOn.description ?? "", p.record?.channel ?? "", p.overdue ? "OVERDUE" : "",
            ])
        }
        context.printTable(table, empty: "")
    }
}

/// `kandas admin monitoring record FAMILY`: records one monitoring period (paras 42-44).
struct AdminMonitoringRecordCommand: Command {
    static let spec = CommandSpec(
        ["admin", "monitoring", "record"], summary: "record a monitoring period of a family",
        arguments: [ArgumentSpec("FAMILY", "the family ID")],
        options: [
            .value("period", "N", "the period, 1-16"),
            .value("done-on", "YYYY-MM-DD", "the day it was done"),
            .value("channel", "CHANNEL", "visit, call, state_systems, digital_card or mobile_app"),
            .value("problems", "TEXT", "problems found"),
            .value("proposals", "TEXT", "proposals for improvement"),
            .flag("field-visit", "the local executive body and the labour mobility centre visited (para 42(4))"),
        ],
        examples: [
            "kandas admin monitoring record 5f0c1a2e-3b4d-4e6f-8a9b-000000000501 --period 3 --done-on 2026-10-14 --channel visit --field-visit"
        ])

    let family: WireID
    let request: MonitoringRecordRequest

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        let id = arguments.positionals[0]
        family = try InputParser.id(id, what: "FAMILY")
        guard let periodText = arguments.value("period"), let period = Int(periodText), (1...16).contains(period) else {
            throw .usage("--period must be a number from 1 to 16")
        }
        guard let doneText = arguments.value("done-on"), let done = CalendarDate(doneText) else {
            throw .usage("--done-on needs a date YYYY-MM-DD")
        }
        let channels = ["visit", "call", "state_systems", "digital_card", "mobile_app"]
        guard let channel = arguments.value("channel"), channels.contains(channel) else {
            throw .usage("--channel must be one of \(channels.joined(separator: ", "))")
        }
        request = MonitoringRecordRequest(
            period: period, doneOn: done, channel: channel, problems: arguments.value("problems"),
            proposals: arguments.value("proposals"), fieldVisit: arguments.flag("field-visit"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let r = try await context.adminClient().send(
            "POST", "/admin/families/\(family)/monitoring", json: request, as: MonitoringRecord.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(r)) }
        context.print("Recorded period \(r.period) of family \(Format.short(family)) (\(r.doneOn), \(r.channel)).")
    }
}
