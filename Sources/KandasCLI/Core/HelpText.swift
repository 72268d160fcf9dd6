/// The text `--help`, `kandas help` and usage errors print.
public enum HelpText {
    /// Full help of one command: summary, usage, arguments, options, discussion, examples.
    public static func command(_ spec: CommandSpec) -> String {
        var out = spec.summary + "\n\nUsage: " + spec.usage + "\n"
        if !spec.arguments.isEmpty {
            out += "\nArguments:\n"
            out += rows(spec.arguments.map { ($0.name, $0.help) })
        }
        if !spec.options.isEmpty {
            out += "\nOptions:\n" + rows(spec.options.map { ($0.synopsis, $0.help) })
        }
        out += "\nGlobal options:\n" + rows(GlobalOptions.specs.map { ($0.synopsis, $0.help) })
        if let discussion = spec.discussion { out += "\n" + discussion + "\n" }
        if !spec.examples.isEmpty {
            out += "\nExamples:\n" + spec.examples.map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    /// Help of a group or of the whole tool: its commands with one line each.
    public static func group(_ path: [String]) -> String {
        let name = (["kandas"] + path).joined(separator: " ")
        var out: String
        if path.isEmpty {
            out = "kandas \(KandasCLI.version): offline-first field evidence for the Kandas adaptation plans.\n"
            out += "\nUsage: kandas <command> [<arguments>] [<options>]\n"
        } else {
            out = (CommandRegistry.groups[path] ?? name) + "\n\nUsage: " + name + " <command> [<options>]\n"
        }
        out += "\nCommands:\n" + rows(CommandRegistry.children(of: path).map { ($0.word, $0.summary) })
        out +=
            "\nRun '\(name) <command> --help' or 'kandas help \(path.isEmpty ? "" : path.joined(separator: " ") + " ")<command>' for details.\n"
        return out
    }

    /// A usage error: the message, the usage line, and where to read more.
    public static func usageError(_ error: CLIError, path: [String]) -> String {
        var out = "kandas: error: " + error.message + "\n"
        if let hint = error.hint { out += "hint: " + hint + "\n" }
        if let command = CommandRegistry.command(path) {
            out += "Usage: " + command.spec.usage + "\n"
            out += "See '" + command.spec.commandLine + " --help'.\n"
        } else {
            out += "See '" + (["kandas"] + path).joined(separator: " ") + " --help'.\n"
        }
        return out
    }

    /// Two aligned columns indented by two spaces.
    static func rows(_ pairs: [(String, String)]) -> String {
        Table.keyValue(pairs, maxCellWidth: 200).render().split(separator: "\n").map { "  " + $0 + "\n" }.joined()
    }
}
