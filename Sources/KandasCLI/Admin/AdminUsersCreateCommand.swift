import KandasProtocol
import SystemKit

/// `kandas admin users create`: creates a user (sync-v1 §4.3); the password never travels as a flag.
struct AdminUsersCreateCommand: Command {
    static let spec = CommandSpec(
        ["admin", "users", "create"], summary: "create a user",
        options: [
            .value("username", "NAME", "3-64 characters of a-z 0-9 . _ -"),
            .value("name", "TEXT", "display name"),
            .value("role", "ROLE", "field_worker, centre_supervisor, region_admin, national_admin or auditor"),
            .value("region", "REGION_ID", "region (region_admin, auditor)"),
            .value("centre", "CENTRE_ID", "career centre (field_worker, centre_supervisor)"),
        ],
        discussion: """
            The new user's password (12-256 characters) is read from KANDAS_NEW_PASSWORD, or asked for twice
            without echo on a terminal.
            """,
        examples: [
            "KANDAS_NEW_PASSWORD=... kandas admin users create --username d.nurlanov --name 'Dauren Nurlanov' "
                + "--role field_worker --centre 0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b"
        ])

    let username: String
    let displayName: String
    let role: UserRole
    let region: WireID?
    let centre: WireID?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let username = arguments.value("username"), let name = arguments.value("name"),
            let role = arguments.value("role")
        else { throw .usage("users create needs --username, --name and --role") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...64).contains(username.count), username.allSatisfy(allowed.contains) else {
            throw .usage("--username '\(username)' must be 3-64 characters of a-z 0-9 . _ -")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .usage("--name is empty") }
        self.username = username
        displayName = name
        self.role = try InputParser.choice(role, flag: "role", as: UserRole.self)
        region = try arguments.value("region").map { text throws(CLIError) in try InputParser.id(text, what: "--region")
        }
        centre = try arguments.value("centre").map { text throws(CLIError) in try InputParser.id(text, what: "--centre")
        }
        switch self.role {
        case .fieldWorker, .centreSupervisor:
            guard centre != nil else { throw .usage("a \(role) needs --centre CENTRE_ID") }
        case .regionAdmin, .migrationOfficer, .aicStaff, .labourMobilityOfficer:
            guard region != nil else { throw .usage("a \(role) needs --region REGION_ID") }
        case .nationalAdmin, .auditor: break
        }
        guard context.environment.variables["KANDAS_NEW_PASSWORD"] != nil || context.environment.stdinIsTTY else {
            throw .usage("no password for the new user: set KANDAS_NEW_PASSWORD, or run on a terminal to be asked")
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let password = try await newPassword(context)
        let body = UserCreate(
            username: username, displayName: displayName, role: role, regionID: region, careerCentreID: centre,
            password: password)
        let user = try await context.adminClient().send("POST", "/admin/users", json: body, as: User.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(user)) }
        if context.globals.quiet { return context.print(user.id.description) }
        context.print("Created \(user.role.rawValue) \(user.username): \(user.id)")
    }

    func newPassword(_ context: CommandContext) async throws(CLIError) -> String {
        let password: String
        if let fromEnvironment = context.environment.variables["KANDAS_NEW_PASSWORD"] {
            password = fromEnvironment
        } else {
            let environment = context.environment
            let prompt = "Password for \(username): "
            let typed = await Blocking.run { (environment.readSecret(prompt), environment.readSecret("Repeat it: ")) }
            guard let first = typed.0, let second = typed.1 else { throw .runtime("no password was entered") }
            guard first == second else { throw .runtime("the passwords differ; nothing was created") }
            password = first
        }
        guard (12...256).contains(password.count) else {
            throw .runtime("the password must have 12 to 256 characters; nothing was created")
        }
        return password
    }
}
