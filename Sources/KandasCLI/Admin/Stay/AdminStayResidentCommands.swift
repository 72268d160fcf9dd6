import KandasProtocol

/// `kandas admin stay move-in`: places the persons of a referral (paras 9, 12).
struct AdminStayMoveInCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "move-in"], summary: "move a referred family in (within 3 calendar days, para 9)",
        arguments: [ArgumentSpec("REFERRAL", "the referral ID")],
        options: [
            .value("on", "YYYY-MM-DD", "the placement day"),
            .repeatable("person", "PERSON_ID", "only these persons (default: everyone on the referral)"),
        ],
        examples: ["kandas admin stay move-in 3c4d... --on 2026-12-09"])

    let referral: WireID
    let body: StayMoveIn

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        referral = try InputParser.id(arguments.positionals[0], what: "REFERRAL")
        var persons: [WireID] = []
        for text in arguments.all("person") { persons.append(try InputParser.id(text, what: "--person")) }
        body = StayMoveIn(placedOn: try StayCLI.date(arguments, "on"), personIDs: persons.isEmpty ? nil : persons)
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let page = try await context.adminClient().send(
            "POST", StayCLI.base + "/referrals/\(referral)/move-in", json: body, as: Page<StayResident>.self)
        StayCLI.residentsTable(page.items, context)
    }
}

/// `kandas admin stay residents`: residents in scope.
struct AdminStayResidentsCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "residents"], summary: "list residents with their last day and vacating term",
        options: [
            .value("centre", "CENTRE_ID", "only this Centre"), .value("status", "STATUS", "resident, ended or vacated"),
        ],
        examples: ["kandas admin stay residents --status resident"])

    let query: [(String, String)]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        var query: [(String, String)] = []
        if let centre = arguments.value("centre") {
            query.append(("centre_id", try InputParser.id(centre, what: "--centre").description))
        }
        if let status = arguments.value("status") {
            query.append(
                ("status", try InputParser.choice(status, flag: "status", as: StayResidentStatus.self).rawValue))
        }
        self.query = query
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let residents = try await context.adminClient().list(
            StayCLI.base + "/residents", query: query, as: StayResident.self)
        StayCLI.residentsTable(residents, context)
    }
}

/// `kandas admin stay end` and `vacate`: the end of a stay (para 15) and vacating (para 17).
struct AdminStayEndCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "end"], summary: "end a running stay (term, status_ended or left)",
        arguments: [ArgumentSpec("RESIDENT", "the resident ID")],
        options: [
            .value("on", "YYYY-MM-DD", "the last day"), .value("reason", "REASON", "term, status_ended or left"),
        ],
        examples: ["kandas admin stay end 9e8f... --on 2027-02-20 --reason left"])

    let resident: WireID
    let body: StayEnd

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        resident = try InputParser.id(arguments.positionals[0], what: "RESIDENT")
        body = StayEnd(
            endedOn: try StayCLI.date(arguments, "on"),
            reason: try InputParser.choice(
                try StayCLI.text(arguments, "reason"), flag: "reason", as: StayEndReason.self))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let r = try await context.adminClient().send(
            "POST", StayCLI.base + "/residents/\(resident)/end", json: body, as: StayResident.self)
        StayCLI.residentsTable([r], context)
    }
}

struct AdminStayVacateCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "vacate"], summary: "record that a resident vacated the premises (para 17)",
        arguments: [ArgumentSpec("RESIDENT", "the resident ID")],
        options: [.value("on", "YYYY-MM-DD", "the day the premises were vacated")],
        examples: ["kandas admin stay vacate 9e8f... --on 2027-02-21"])

    let resident: WireID
    let body: StayVacate

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        resident = try InputParser.id(arguments.positionals[0], what: "RESIDENT")
        body = StayVacate(vacatedOn: try StayCLI.date(arguments, "on"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let r = try await context.adminClient().send(
            "POST", StayCLI.base + "/residents/\(resident)/vacate", json: body, as: StayResident.self)
        StayCLI.residentsTable([r], context)
    }
}

/// `kandas admin stay complaint`: a resident's complaint or petition (para 10(2)).
struct AdminStayComplaintCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "complaint"], summary: "register a resident's complaint or petition (para 10(2))",
        arguments: [ArgumentSpec("RESIDENT", "the resident ID")],
        options: [
            .value("kind", "KIND", "complaint, petition or other"), .value("received", "YYYY-MM-DD", "received on"),
            .value("summary", "TEXT", "what it is about"),
        ],
        examples: ["kandas admin stay complaint 9e8f... --kind petition --received 2026-12-20 --summary 'Bedding'"])

    let body: StayComplaintCreate

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        body = StayComplaintCreate(
            residentID: try InputParser.id(arguments.positionals[0], what: "RESIDENT"),
            kind: try InputParser.choice(try StayCLI.text(arguments, "kind"), flag: "kind", as: StayComplaintKind.self),
            receivedOn: try StayCLI.date(arguments, "received"), summary: try StayCLI.text(arguments, "summary"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let c = try await context.adminClient().send(
            "POST", StayCLI.base + "/complaints", json: body, as: StayComplaint.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(c)) }
        context.print("Registered \(c.kind.rawValue) no. \(c.number): \(c.id)")
    }
}

/// `kandas admin stay terminate` and `decide`: early termination (paras 13, 14, 16).
struct AdminStayTerminateCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "terminate"], summary: "ask the migration body to end a stay early (para 13)",
        arguments: [ArgumentSpec("APPLICATION", "the family's application ID")],
        options: [
            .value("resident", "RESIDENT_ID", "one member only (default: the whole family)"),
            .value("requested", "YYYY-MM-DD", "the request's date"), .value("grounds", "TEXT", "the rule broken"),
        ],
        examples: ["kandas admin stay terminate 7a1d... --requested 2027-03-19 --grounds 'Internal regulations'"])

    let body: StayTerminationCreate

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        let resident = try arguments.value("resident").map { text throws(CLIError) in
            try InputParser.id(text, what: "--resident")
        }
        body = StayTerminationCreate(
            applicationID: try InputParser.id(arguments.positionals[0], what: "APPLICATION"),
            scope: resident == nil ? .family : .member, residentID: resident,
            requestedOn: try StayCLI.date(arguments, "requested"), grounds: try StayCLI.text(arguments, "grounds"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let t = try await context.adminClient().send(
            "POST", StayCLI.base + "/termination-requests", json: body, as: StayTermination.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(t)) }
        context.print("Termination request \(t.id): decision due by \(t.decideBy) (one working day, para 14).")
    }
}

struct AdminStayDecideCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "decide"], summary: "decide keep or evict on a termination request (paras 14, 16)",
        arguments: [ArgumentSpec("REQUEST", "the termination request ID")],
        options: [
            .value("decision", "keep|evict", "the decision"), .value("on", "YYYY-MM-DD", "the decision's date"),
            .value("document", "TEXT", "the documented decision's number"),
        ],
        examples: ["kandas admin stay decide 5c6d... --decision evict --on 2027-03-25 --document 'KK-2027/118'"])

    let request: WireID
    let body: StayTerminationDecision

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        request = try InputParser.id(arguments.positionals[0], what: "REQUEST")
        body = StayTerminationDecision(
            decision: try InputParser.choice(
                try StayCLI.text(arguments, "decision"), flag: "decision", as: StayDecision.self),
            decidedOn: try StayCLI.date(arguments, "on"), document: try StayCLI.text(arguments, "document"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let t = try await context.adminClient().send(
            "POST", StayCLI.base + "/termination-requests/\(request)/decision", json: body, as: StayTermination.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(t)) }
        context.print(
            "Decided \(t.status.rawValue) on \(t.decidedOn?.description ?? "-")\(t.decidedLate == true ? " (late)" : "")."
        )
    }
}
