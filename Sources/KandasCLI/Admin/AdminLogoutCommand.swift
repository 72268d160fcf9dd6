import KandasProtocol

/// `kandas admin logout`: revokes the session on the server and deletes the stored token.
struct AdminLogoutCommand: Command {
    static let spec = CommandSpec(
        ["admin", "logout"], summary: "end the administrator session and delete the stored token",
        examples: ["kandas admin logout"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        guard let session = try AdminSession.load(home: context.globals.home) else {
            context.info("Not logged in.")
            return
        }
        let client = AdminClient(
            baseURL: session.serverURL, token: session.accessToken, transport: context.environment.makeTransport())
        // The local token is deleted even if the server cannot be reached: it expires there on its own.
        let revoked = (try? await client.send("POST", "/auth/logout")) != nil
        AdminSession.delete(home: context.globals.home)
        context.info(revoked ? "Logged out." : "Logged out locally (the server could not be reached).")
    }
}
