/// `kandas login`: the staff password sign-in at the top level, the same as `kandas admin login`.
///
/// Issue 6 lists `login` next to `enroll` and `sync`; staff expect to find it there, while the
/// administrator commands it unlocks stay under `admin`. One implementation serves both paths.
struct LoginCommand: Command {
    static let spec = CommandSpec(
        ["login"], summary: "staff sign-in with a password (the same as kandas admin login)",
        options: AdminLoginCommand.spec.options,
        discussion: (AdminLoginCommand.spec.discussion ?? "")
            + "\nField devices do not log in: they enroll once (kandas enroll) and sync with the device's tokens.",
        examples: ["KANDAS_PASSWORD=... kandas login --server https://kandas.example.kz --user aigerim.s"])

    let login: AdminLoginCommand

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        login = try AdminLoginCommand(parsing: arguments, context: context, name: "login")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        try await login.run(context)
    }
}
