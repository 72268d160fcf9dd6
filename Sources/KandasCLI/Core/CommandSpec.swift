/// What a command is called, what it takes and how `--help` describes it.
public struct CommandSpec: Sendable, Equatable {
    /// The words after `kandas` (`["admin", "users", "list"]`).
    public var path: [String]
    /// One line for listings.
    public var summary: String
    /// Positional arguments in order.
    public var arguments: [ArgumentSpec]
    /// Options besides the global ones.
    public var options: [OptionSpec]
    /// Longer explanation shown by `--help`.
    public var discussion: String?
    /// Example command lines shown by `--help`.
    public var examples: [String]

    /// Creates a spec.
    public init(
        _ path: [String], summary: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [],
        discussion: String? = nil, examples: [String] = []
    ) {
        self.path = path
        self.summary = summary
        self.arguments = arguments
        self.options = options
        self.discussion = discussion
        self.examples = examples
    }

    /// `kandas admin users list`.
    public var commandLine: String { (["kandas"] + path).joined(separator: " ") }

    /// Every option the command accepts: its own, then the global ones.
    public var allOptions: [OptionSpec] { options + GlobalOptions.specs }

    /// The usage line: `kandas complete ITEM [--member MEMBER] ... [options]`.
    public var usage: String {
        var parts = [commandLine]
        for argument in arguments {
            let name = argument.name + (argument.variadic ? " ..." : "")
            parts.append(argument.optional ? "[" + name + "]" : name)
        }
        if !options.isEmpty { parts.append("[<options>]") }
        return parts.joined(separator: " ")
    }
}
