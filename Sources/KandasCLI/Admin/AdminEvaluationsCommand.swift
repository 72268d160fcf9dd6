import KandasProtocol

/// `kandas admin evaluations show CENTRE`: a career centre's quarterly evaluations and what is overdue
/// (Rules 2, paras 47-51).
struct AdminEvaluationsShowCommand: Command {
    static let spec = CommandSpec(
        ["admin", "evaluations", "show"], summary: "a career centre's quality evaluations and overdue steps",
        arguments: [ArgumentSpec("CENTRE", "the career centre ID")],
        examples: ["kandas admin evaluations show 5f0c1a2e-3b4d-4e6f-8a9b-000000000201 --json"])

    let centre: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        centre = try InputParser.id(arguments.positionals[0], what: "CENTRE")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let h = try await context.adminClient().get(
            "/admin/career-centres/\(centre)/evaluations", as: EvaluationHistory.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(h)) }
        var table = Table(["ID", "QUARTER", "SCORES", "TOTAL", "BAND", "EVALUATED", "LEFT", "STAGE"])
        for e in h.evaluations {
            table.append([
                Format.short(e.id), "\(e.year)-Q\(e.quarter)", "\(e.relevance)/\(e.effectiveness)/\(e.socialImpact)",
                "\(e.total)", e.band, e.evaluatedOn.description + (e.late ? " LATE" : ""), "\(e.departures)", e.stage,
            ])
        }
        context.printTable(table, empty: "No evaluation recorded.")
        for o in h.overdue { context.print("OVERDUE \(o.year)-Q\(o.quarter) \(o.step) (due \(o.due))") }
    }
}

/// `kandas admin evaluations record CENTRE`: a quarter's evaluation (national administrators, for ERDO).
struct AdminEvaluationsRecordCommand: Command {
    static let spec = CommandSpec(
        ["admin", "evaluations", "record"], summary: "record a quarter's quality evaluation of a career centre",
        arguments: [ArgumentSpec("CENTRE", "the career centre ID")],
        options: [
            .value("quarter", "YYYY-QN", "the evaluated quarter, e.g. 2026-Q3"),
            .value("relevance", "1-5", "criterion 1 (para 48(1))"),
            .value("effectiveness", "1-5", "criterion 2 (para 48(2))"),
            .value("social-impact", "1-5", "criterion 3 (para 48(3))"),
            .value("evaluator", "NAME", "who evaluated"),
            .value("evaluated-on", "YYYY-MM-DD", "the day of the evaluation"),
            .value("note", "TEXT", "a note"),
        ],
        examples: [
            "kandas admin evaluations record 5f0c1a2e-3b4d-4e6f-8a9b-000000000201 --quarter 2026-Q3 --relevance 4 --effectiveness 3 --social-impact 4 --evaluator \"ERDO, A. Seitkali\" --evaluated-on 2026-10-03"
        ])

    let centre: WireID
    let request: EvaluationRequest

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        centre = try InputParser.id(arguments.positionals[0], what: "CENTRE")
        let q = (arguments.value("quarter") ?? "").split(separator: "-")
        guard q.count == 2, let year = Int(q[0]), q[1].hasPrefix("Q"), let quarter = Int(q[1].dropFirst()),
            (1...4).contains(quarter)
        else { throw .usage("--quarter needs YYYY-QN, e.g. 2026-Q3") }
        func score(_ name: String) throws(CLIError) -> Int {
            guard let s = Int(arguments.value(name) ?? ""), (1...5).contains(s) else {
                throw .usage("--\(name) must be a score from 1 to 5 (Rules 2, para 49)")
            }
            return s
        }
        guard let evaluator = arguments.value("evaluator"), !evaluator.isEmpty else {
            throw .usage("--evaluator is needed")
        }
        guard let on = CalendarDate(arguments.value("evaluated-on") ?? "") else {
            throw .usage("--evaluated-on needs a date YYYY-MM-DD")
        }
        request = EvaluationRequest(
            year: year, quarter: quarter, relevance: try score("relevance"), effectiveness: try score("effectiveness"),
            socialImpact: try score("social-impact"), evaluator: evaluator, evaluatedOn: on,
            note: arguments.value("note"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let e = try await context.adminClient().send(
            "POST", "/admin/career-centres/\(centre)/evaluations", json: request, as: EvaluationRecord.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(e)) }
        context.print(
            "Recorded \(e.year)-Q\(e.quarter): total \(e.total) (\(e.band))\(e.late ? ", late (due \(e.due))" : "")."
                + " Evaluation \(e.id).")
    }
}

/// `kandas admin evaluations conclude EVALUATION`: the conclusion sent to the central body (para 50).
struct AdminEvaluationsConcludeCommand: Command {
    static let spec = CommandSpec(
        ["admin", "evaluations", "conclude"], summary: "record the conclusion sent to the central body",
        arguments: [ArgumentSpec("EVALUATION", "the evaluation ID")],
        options: [
            .value("on", "YYYY-MM-DD", "the day it was sent"),
            .value("recipient", "TEXT", "to whom"),
            .value("conclusion", "TEXT", "the conclusions and recommendations"),
        ],
        examples: [
            "kandas admin evaluations conclude 5f0c1a2e-3b4d-4e6f-8a9b-000000000e01 --on 2026-10-22 --recipient \"Migration Committee\" --conclusion \"More language groups\""
        ])

    let evaluation: WireID
    let request: EvaluationConclusionRequest

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        evaluation = try InputParser.id(arguments.positionals[0], what: "EVALUATION")
        guard let on = CalendarDate(arguments.value("on") ?? "") else { throw .usage("--on needs a date YYYY-MM-DD") }
        guard let recipient = arguments.value("recipient"), let text = arguments.value("conclusion") else {
            throw .usage("--recipient and --conclusion are needed")
        }
        request = EvaluationConclusionRequest(concludedOn: on, recipient: recipient, conclusion: text)
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let e = try await context.adminClient().send(
            "POST", "/admin/evaluations/\(evaluation)/conclusion", json: request, as: EvaluationRecord.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(e)) }
        context.print("Conclusion recorded; the centre's follow-up is due by \(e.followUpDue?.description ?? "?").")
    }
}

/// `kandas admin evaluations follow-up EVALUATION`: the centre considered the conclusion (para 51).
struct AdminEvaluationsFollowUpCommand: Command {
    static let spec = CommandSpec(
        ["admin", "evaluations", "follow-up"], summary: "record the centre's follow-up of a conclusion",
        arguments: [ArgumentSpec("EVALUATION", "the evaluation ID")],
        options: [
            .value("on", "YYYY-MM-DD", "the day it was considered"),
            .value("measures", "TEXT", "the measures taken"),
        ],
        examples: [
            "kandas admin evaluations follow-up 5f0c1a2e-3b4d-4e6f-8a9b-000000000e01 --on 2026-11-12 --measures \"Two more language groups\""
        ])

    let evaluation: WireID
    let request: EvaluationFollowUpRequest

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        evaluation = try InputParser.id(arguments.positionals[0], what: "EVALUATION")
        guard let on = CalendarDate(arguments.value("on") ?? "") else { throw .usage("--on needs a date YYYY-MM-DD") }
        guard let measures = arguments.value("measures") else { throw .usage("--measures is needed") }
        request = EvaluationFollowUpRequest(consideredOn: on, measures: measures)
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let e = try await context.adminClient().send(
            "POST", "/admin/evaluations/\(evaluation)/follow-up", json: request, as: EvaluationRecord.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(e)) }
        context.print("Follow-up recorded\(e.followUpLate == true ? " (late)" : "").")
    }
}
