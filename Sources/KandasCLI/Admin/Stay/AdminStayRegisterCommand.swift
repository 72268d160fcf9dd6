import KandasProtocol

/// `kandas admin stay register`: an application entered in the Centre's journal (Rules 1, paras 4-5).
struct AdminStayRegisterCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "register"], summary: "register an application in the journal (Annexes 2-3)",
        options: [
            .value("centre", "CENTRE_ID", "the Centre (required)"),
            .value("addressee", "TEXT", "the local executive body it is addressed to"),
            .value("name", "TEXT", "the applicant's full name"), .value("birth-date", "YYYY-MM-DD", "date of birth"),
            .value("birth-place", "TEXT", "place of birth"), .value("country", "TEXT", "country of origin"),
            .value("status-document", "TEXT", "the kandas status document"),
            .value("status-until", "YYYY-MM-DD", "the day the kandas status ends, when known"),
            .repeatable("member", "'NAME|YYYY-MM-DD|KINSHIP'", "a family member (repeat)"),
            .value("applied", "YYYY-MM-DD", "the date on the application"),
            .value("family", "FAMILY_ID", "the Rules 2 family it belongs to"),
        ],
        discussion: "Registration gives the next serial of the open journal and the next place in the queue order.",
        examples: [
            "kandas admin stay register --centre 7a1d... --addressee 'Migration office' --name 'Erzhan S.'"
                + " --birth-date 1984-03-12 --birth-place Ulgii --country Mongolia --status-document KS-1"
                + " --applied 2026-12-07 --member 'Aigul S.|1987-07-01|spouse'"
        ])

    let body: StayApplicationCreate

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let centre = arguments.value("centre") else { throw .usage("needs --centre CENTRE_ID") }
        var members: [StayMemberInput] = []
        for text in arguments.all("member") {
            let parts = text.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty else {
                throw .usage("--member '\(text)' must be 'NAME|YYYY-MM-DD|KINSHIP'")
            }
            members.append(
                StayMemberInput(
                    fullName: parts[0], birthDate: try InputParser.date(parts[1], flag: "member"), kinship: parts[2]))
        }
        body = StayApplicationCreate(
            centreID: try InputParser.id(centre, what: "--centre"), addressee: try StayCLI.text(arguments, "addressee"),
            applicantName: try StayCLI.text(arguments, "name"),
            applicantBirthDate: try StayCLI.date(arguments, "birth-date"),
            birthPlace: try StayCLI.text(arguments, "birth-place"),
            countryOfOrigin: try StayCLI.text(arguments, "country"),
            kandasStatusDocument: try StayCLI.text(arguments, "status-document"),
            kandasStatusUntil: try arguments.value("status-until").map { text throws(CLIError) in
                try InputParser.date(text, flag: "status-until")
            }, familyMembers: members.count, members: members, appliedOn: try StayCLI.date(arguments, "applied"),
            familyID: try arguments.value("family").map { text throws(CLIError) in
                try InputParser.id(text, what: "--family")
            })
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let app = try await context.adminClient().send(
            "POST", StayCLI.base + "/applications", json: body, as: StayApplication.self)
        StayCLI.printApplication(app, context)
    }
}

/// `kandas admin stay coupon`: the internal affairs coupon of one person (para 3).
struct AdminStayCouponCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "coupon"], summary: "record a person's residence-permit coupon (para 3)",
        arguments: [ArgumentSpec("APPLICATION", "the application ID")],
        options: [
            .value("person", "PERSON_ID", "the person (see the application)"),
            .value("number", "TEXT", "the coupon's number"), .value("issued", "YYYY-MM-DD", "its date"),
        ],
        examples: ["kandas admin stay coupon 7a1d... --person 8b2e... --number IIO-77120 --issued 2026-12-05"])

    let application: WireID
    let body: StayCouponRecord

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        application = try InputParser.id(arguments.positionals[0], what: "APPLICATION")
        guard let person = arguments.value("person") else { throw .usage("needs --person PERSON_ID") }
        body = StayCouponRecord(
            personID: try InputParser.id(person, what: "--person"), number: try StayCLI.text(arguments, "number"),
            issuedOn: try StayCLI.date(arguments, "issued"))
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let app = try await context.adminClient().send(
            "POST", StayCLI.base + "/applications/\(application)/coupons", json: body, as: StayApplication.self)
        StayCLI.printApplication(app, context)
    }
}

/// `kandas admin stay consider`: consideration on the day (paras 6-8): a referral or the reserve.
struct AdminStayConsiderCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "consider"], summary: "consider an application today: referral or reserve (paras 6-8)",
        arguments: [ArgumentSpec("APPLICATION", "the application ID")],
        examples: ["kandas admin stay consider 7a1d..."])

    let application: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        application = try InputParser.id(arguments.positionals[0], what: "APPLICATION")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let app = try await context.adminClient().send(
            "POST", StayCLI.base + "/applications/\(application)/consider", json: StayAct(), as: StayApplication.self)
        StayCLI.printApplication(app, context)
    }
}

/// `kandas admin stay applications`: applications in scope, or the reserve of one Centre in queue order.
struct AdminStayApplicationsCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "applications"], summary: "list applications, or a Centre's reserve in queue order",
        options: [
            .value("centre", "CENTRE_ID", "only this Centre"),
            .value("status", "STATUS", "registered, reserve, referred, placed, lapsed or closed"),
            .flag("reserve", "the reserve of --centre in queue order"),
        ],
        examples: [
            "kandas admin stay applications --centre 7a1d... --reserve", "kandas admin stay applications --json",
        ])

    let centre: WireID?
    let status: StayApplicationStatus?
    let reserve: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        centre = try arguments.value("centre").map { text throws(CLIError) in try InputParser.id(text, what: "--centre")
        }
        status = try arguments.value("status").map { text throws(CLIError) in
            try InputParser.choice(text, flag: "status", as: StayApplicationStatus.self)
        }
        reserve = arguments.flag("reserve")
        if reserve && centre == nil { throw .usage("--reserve needs --centre CENTRE_ID") }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        let apps: [StayApplication]
        if reserve, let centre {
            apps = try await client.get(StayCLI.base + "/centres/\(centre)/reserve", as: Page<StayApplication>.self)
                .items
        } else {
            var query: [(String, String)] = []
            if let centre { query.append(("centre_id", centre.description)) }
            if let status { query.append(("status", status.rawValue)) }
            apps = try await client.list(StayCLI.base + "/applications", query: query, as: StayApplication.self)
        }
        if context.globals.json { return context.printJSONList(apps) }
        var table = Table(["APPLICATION", "NO.", "REGISTERED", "APPLICANT", "PERSONS", "STATUS", "PLACE"])
        for a in apps {
            table.append([
                a.id.description, a.registrationNumber, a.registeredOn.description, a.persons.first?.fullName ?? "-",
                String(a.persons.count), a.status.rawValue, a.queuePosition.map(String.init) ?? "-",
            ])
        }
        context.printTable(table, empty: "No applications match.")
    }
}

/// `kandas admin stay next`: the referral for the head of a Centre's reserve (para 8).
struct AdminStayNextCommand: Command {
    static let spec = CommandSpec(
        ["admin", "stay", "next"], summary: "issue the referral to the head of a Centre's reserve (para 8)",
        arguments: [ArgumentSpec("CENTRE", "the Centre ID")],
        discussion: "Always the head of the queue: the order cannot be changed.",
        examples: ["kandas admin stay next 7a1d..."])

    let centre: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        centre = try InputParser.id(arguments.positionals[0], what: "CENTRE")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let referral = try await context.adminClient().send(
            "POST", StayCLI.base + "/centres/\(centre)/reserve/next", json: StayAct(), as: StayReferral.self)
        StayCLI.printReferral(referral, context)
    }
}
