/// `kandas help [COMMAND...]`: the tool's, a group's or a command's help on stdout.
struct HelpCommand: Command {
    static let spec = CommandSpec(
        ["help"], summary: "show help for kandas, a command group or a command",
        arguments: [
            ArgumentSpec("COMMAND", "the command (e.g. complete, admin users create)", optional: true, variadic: true)
        ],
        examples: ["kandas help", "kandas help complete", "kandas help admin codes create"])

    let path: [String]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        path = arguments.positionals
        guard path.isEmpty || CommandRegistry.command(path) != nil || CommandRegistry.isGroup(path) else {
            throw .usage("no command 'kandas \(path.joined(separator: " "))'", hint: "run 'kandas help' for the list")
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        if let command = CommandRegistry.command(path) {
            context.environment.stdout.write(HelpText.command(command.spec))
        } else {
            context.environment.stdout.write(HelpText.group(path))
        }
    }
}
