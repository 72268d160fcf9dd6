import CurlTransport
import Foundation
import KandasClient

/// The `kandas` command-line tool: finds the command, validates the line, runs it, maps errors to exit codes.
///
/// Exit codes: 0 success, 1 the command failed (the message says what to do next), 64 the command line
/// was wrong (`EX_USAGE`; the usage is printed). `Sources/kandas/main.swift` only calls `main()`.
public enum KandasCLI {
    /// The tool's version (`kandas --version`, `app_version` of enrollments).
    public static let version = "0.1.0"

    /// Runs the process: live consoles, libcurl transport, the process's arguments and environment.
    public static func main() async -> Never {
        let variables = ProcessInfo.processInfo.environment
        let transport = CurlTransport(
            configuration: .init(caBundlePath: variables["KANDAS_CA_BUNDLE"], userAgent: "kandas/" + version))
        let environment = CLIEnvironment(
            variables: variables, stdout: .standardOutput(), stderr: .standardError(),
            stdinIsTTY: isatty(STDIN_FILENO) == 1, makeTransport: { transport },
            timeZone: TimeZone.current, readSecret: { PasswordPrompt.read($0) })
        let status = await run(Array(CommandLine.arguments.dropFirst()), environment: environment)
        exit(status)
    }

    /// Runs one command line (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        let (path, rest) = split(arguments)
        guard let type = CommandRegistry.command(path) else {
            return groupOrUnknown(path, rest, arguments, environment)
        }
        let spec = type.spec
        do throws(CLIError) {
            let parsed = try ParsedArguments.parse(rest, for: spec)
            if parsed.flag("help") {
                environment.stdout.write(HelpText.command(spec))
                return 0
            }
            if parsed.flag("version") {
                environment.stdout.line("kandas " + version)
                return 0
            }
            try parsed.checkPositionals(spec)
            let globals = try GlobalOptions(parsed, environment: environment.variables)
            let context = CommandContext(environment: environment, globals: globals)
            let command = try type.init(parsing: parsed, context: context)
            try await command.run(context)
            return 0
        } catch {
            report(error, path: path, environment: environment)
            return error.exitCode
        }
    }

    /// Prints an error: usage errors with the usage line, runtime errors with the hint.
    static func report(_ error: CLIError, path: [String], environment: CLIEnvironment) {
        switch error.kind {
        case .usage:
            environment.stderr.write(HelpText.usageError(error, path: error.commandPath ?? path))
        case .runtime:
            var text = "kandas: error: " + error.message + "\n"
            if let hint = error.hint { text += "hint: " + hint + "\n" }
            environment.stderr.write(text)
        }
    }

    /// `kandas`, `kandas admin`, `kandas admin bogus`, `kandas bogus`: help, or a usage error.
    static func groupOrUnknown(
        _ path: [String], _ rest: [String], _ arguments: [String], _ environment: CLIEnvironment
    ) -> Int32 {
        let wantsHelp = rest.contains("--help") || rest.contains("-h")
        if path.isEmpty, rest.contains("--version") {
            environment.stdout.line("kandas " + version)
            return 0
        }
        if wantsHelp {
            environment.stdout.write(HelpText.group(path))
            return 0
        }
        let word = rest.first { !$0.hasPrefix("-") }
        let message: String
        if let word {
            let group = path.isEmpty ? "" : path.joined(separator: " ") + " "
            message = "unknown command '\(group)\(word)'"
        } else if path.isEmpty {
            message = "no command given"
        } else {
            message = "'kandas \(path.joined(separator: " "))' needs a command"
        }
        environment.stderr.write("kandas: error: " + message + "\n\n" + HelpText.group(path))
        return 64
    }

    /// Splits the line into the command path (leading words naming a command) and everything else.
    ///
    /// Global options may come before the command (`kandas --home /tmp/x status`); their values are
    /// skipped so they are not taken for command words.
    static func split(_ arguments: [String]) -> (path: [String], rest: [String]) {
        var path: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if token.hasPrefix("-") {
                rest.append(token)
                let name = String(token.dropFirst(2))
                if GlobalOptions.specs.contains(where: { $0.name == name && $0.takesValue }), index < arguments.count {
                    rest.append(arguments[index])
                    index += 1
                }
                continue
            }
            if CommandRegistry.command(path) == nil, CommandRegistry.isGroup(path) || path.isEmpty,
                CommandRegistry.command(path + [token]) != nil || CommandRegistry.isGroup(path + [token])
            {
                path.append(token)
                continue
            }
            rest.append(token)
            rest.append(contentsOf: arguments[index...])
            break
        }
        return (path, rest)
    }
}
