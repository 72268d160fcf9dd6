import KandasProtocol

/// Shared parsing and printing of `kandas admin stay ...` (Rules 1, Protocol/stay-v1.md).
enum StayCLI {
    static let base = "/admin/stay"

    /// A required `--flag YYYY-MM-DD`.
    static func date(_ arguments: ParsedArguments, _ flag: String) throws(CLIError) -> CalendarDate {
        guard let text = arguments.value(flag) else { throw .usage("needs --\(flag) YYYY-MM-DD") }
        return try InputParser.date(text, flag: flag)
    }

    /// A required non-empty text option.
    static func text(_ arguments: ParsedArguments, _ flag: String) throws(CLIError) -> String {
        guard let text = arguments.value(flag)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw .usage("needs --\(flag) TEXT")
        }
        return text
    }

    static func printApplication(_ app: StayApplication, _ context: CommandContext) {
        if context.globals.json { return context.printJSON(ViewJSON.encode(app)) }
        var line = "Application \(app.id) (journal no. \(app.registrationNumber)): \(app.status.rawValue)"
        if let position = app.queuePosition { line += ", place \(position) in the reserve" }
        if let reason = app.reserveReason { line += " (\(reason))" }
        if let referral = app.referralID { line += ", referral \(referral)" }
        context.print(line)
        for person in app.persons {
            let coupon = person.adult ? (person.couponNumber.map { "coupon \($0)" } ?? "NO COUPON") : "minor"
            context.print("  \(person.id)  \(person.fullName)  \(person.birthDate)  \(person.kinship)  \(coupon)")
        }
    }

    static func printReferral(_ referral: StayReferral, _ context: CommandContext) {
        if context.globals.json { return context.printJSON(ViewJSON.encode(referral)) }
        context.print(
            "Referral no. \(referral.number) \(referral.id): issued \(referral.issuedOn), move in by"
                + " \(referral.moveInBy), \(referral.status.rawValue), \(referral.persons.count) persons")
    }

    static func residentsTable(_ residents: [StayResident], _ context: CommandContext) {
        if context.globals.json { return context.printJSONList(residents) }
        var table = Table(["RESIDENT", "NAME", "PLACED", "ENDS BY", "STATUS", "VACATE BY"])
        for r in residents {
            table.append([
                r.id.description, r.fullName, r.placedOn.description, r.stayEndsBy.description, r.status.rawValue,
                r.vacateBy?.description ?? "-",
            ])
        }
        context.printTable(table, empty: "No residents match.")
    }
}
