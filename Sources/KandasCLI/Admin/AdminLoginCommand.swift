import KandasProtocol
import SystemKit

/// `kandas admin login`: password login (sync-v1 §2.1); the session is stored 0600 in the home folder.
struct AdminLoginCommand: Command {
    static let spec = CommandSpec(
        ["admin", "login"], summary: "log in as an administrator or supervisor",
        options: [
            .value("server", "URL", "the server's base URL (without /v1)"),
            .value("user", "NAME", "your user name"),
        ],
        discussion: """
            The password is read from KANDAS_PASSWORD, or asked for without echo on a terminal; it is never
            a flag (flags end up in shell history and process listings). The session token is stored in
            HOME/admin-session.json with mode 0600 and ends after 8 hours or 30 idle minutes.
            """,
        examples: ["kandas admin login --server https://kandas.example.kz --user aigerim.s"])

    let server: String
    let user: String

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        try self.init(parsing: arguments, context: context, name: "admin login")
    }

    /// Validates the line for `kandas NAME` (`admin login`, or its top-level alias `login`).
    init(parsing arguments: ParsedArguments, context: CommandContext, name: String) throws(CLIError) {
        guard let server = arguments.value("server"), let user = arguments.value("user") else {
            throw .usage("\(name) needs --server URL and --user NAME")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw .usage("--server '\(server)' must start with https:// (or http:// on a test network)")
        }
        guard !user.isEmpty else { throw .usage("--user is empty") }
        guard context.environment.variables["KANDAS_PASSWORD"] != nil || context.environment.stdinIsTTY else {
            throw .usage("no password: set KANDAS_PASSWORD, or run on a terminal to be asked")
        }
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.user = user
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let password: String
        if let fromEnvironment = context.environment.variables["KANDAS_PASSWORD"] {
            password = fromEnvironment
        } else if let typed = await Blocking.run({ [environment = context.environment, user] in
            environment.readSecret("Password for \(user): ")
        }) {
            password = typed
        } else {
            throw .runtime("no password was entered")
        }
        let client = AdminClient(baseURL: server, token: nil, transport: context.environment.makeTransport())
        let response = try await client.send(
            "POST", "/auth/login", json: LoginRequest(username: user, password: password), as: LoginResponse.self)
        let session = AdminSession(
            serverURL: server, accessToken: response.accessToken, expiresAt: response.expiresAt,
            username: response.user.username, role: response.user.role)
        try session.save(home: context.globals.home)
        if context.globals.json {
            context.printJSON(
                ViewJSON.object([
                    "user": ViewJSON.encode(response.user), "expires_at": .string(response.expiresAt.description),
                ]))
        } else {
            context.print(
                "Logged in as \(response.user.username) (\(response.user.role.rawValue)) until "
                    + "\(context.format.time(response.expiresAt)).")
        }
    }
}
