/// A `kandas` command: a spec, an initialiser that validates every value, and a run step.
///
/// Nothing is opened or sent before `init(parsing:)` succeeds, so a bad line changes nothing and
/// exits 64.
public protocol Command: Sendable {
    /// Name, arguments, options and help text.
    static var spec: CommandSpec { get }
    /// Validates the parsed line into the command's typed values.
    ///
    /// - Throws: `CLIError.usage` for any bad value, naming the flag.
    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError)
    /// Runs the command.
    ///
    /// - Throws: `CLIError.runtime` with what to do next.
    func run(_ context: CommandContext) async throws(CLIError)
}
