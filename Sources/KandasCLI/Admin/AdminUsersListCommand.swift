import KandasProtocol

/// `kandas admin users list`: users in the administrator's scope (sync-v1 §4.3).
struct AdminUsersListCommand: Command {
    static let spec = CommandSpec(
        ["admin", "users", "list"], summary: "list users",
        options: [
            .value("role", "ROLE", "field_worker, centre_supervisor, region_admin, national_admin or auditor"),
            .value("region", "REGION_ID", "only this region"), .value("centre", "CENTRE_ID", "only this career centre"),
            .value("active", "true|false", "only active or only disabled users"),
        ],
        examples: ["kandas admin users list --role field_worker", "kandas admin users list --json"])

    let query: [(String, String)]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        var query: [(String, String)] = []
        if let role = arguments.value("role") {
            query.append(("role", try InputParser.choice(role, flag: "role", as: UserRole.self).rawValue))
        }
        if let region = arguments.value("region") {
            query.append(("region_id", try InputParser.id(region, what: "--region").description))
        }
        if let centre = arguments.value("centre") {
            query.append(("career_centre_id", try InputParser.id(centre, what: "--centre").description))
        }
        if let active = arguments.value("active") {
            guard active == "true" || active == "false" else { throw .usage("--active must be true or false") }
            query.append(("active", active))
        }
        self.query = query
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let users = try await context.adminClient().list("/admin/users", query: query, as: User.self)
        if context.globals.json { return context.printJSONList(users) }
        var table = Table(["USER", "USERNAME", "NAME", "ROLE", "ACTIVE", "LAST LOGIN"])
        for user in users {
            table.append([
                user.id.description, user.username, user.displayName, user.role.rawValue, user.active ? "yes" : "no",
                user.lastLoginAt.map(context.format.time) ?? "-",
            ])
        }
        context.printTable(table, empty: "No users match.")
    }
}
