/// A command line split into positionals, option values and switches, checked against a `CommandSpec`.
///
/// Parsing only checks the shape (known flags, values present, argument count); what the values mean is
/// checked by each command's initialiser, so every command validates before it runs.
public struct ParsedArguments: Sendable, Equatable {
    /// Positional words in order.
    public var positionals: [String] = []
    /// Values of value and repeatable options, by option name.
    public var values: [String: [String]] = [:]
    /// Switches that were given.
    public var flags: Set<String> = []

    /// The single value of `--name`, if given.
    public func value(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeatable `--name`, in order.
    public func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Whether the switch `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The positional at `index`, if present.
    public func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    /// Parses `tokens` (the words after the command path) for `spec`.
    ///
    /// `--name value` and `--name=value` are both accepted; `--` ends options; `-h` is `--help`.
    /// A value may not itself look like an option (`--note --json`): write `--note=--json` for that.
    /// - Throws: `CLIError.usage` for unknown options, missing values, repeated single options.
    public static func parse(_ tokens: [String], for spec: CommandSpec) throws(CLIError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if optionsEnded || token == "-" || !token.hasPrefix("-") {
                parsed.positionals.append(token)
                continue
            }
            if token == "--" {
                optionsEnded = true
                continue
            }
            if token == "-h" {
                parsed.flags.insert("help")
                continue
            }
            guard token.hasPrefix("--") else {
                throw .usage("unknown option '\(token)'", hint: "options are written --name")
            }
            let body = token.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inline: String? = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            guard let option = spec.allOptions.first(where: { $0.name == name }) else {
                throw .usage("unknown option '--\(name)' for '\(spec.commandLine)'")
            }
            switch option.kind {
            case .flag:
                guard inline == nil else { throw .usage("--\(name) takes no value") }
                parsed.flags.insert(name)
            case .value(let placeholder), .repeatable(let placeholder):
                let value: String
                if let inline {
                    value = inline
                } else if index < tokens.count, !tokens[index].hasPrefix("--") {
                    value = tokens[index]
                    index += 1
                } else {
                    throw .usage("--\(name) needs a value (\(placeholder))")
                }
                if case .value = option.kind, parsed.values[name] != nil {
                    throw .usage("--\(name) may be given only once")
                }
                parsed.values[name, default: []].append(value)
            }
        }
        return parsed
    }

    /// Checks the number of positionals against the spec's arguments.
    ///
    /// - Throws: `CLIError.usage` naming the missing argument or the first unexpected word.
    public func checkPositionals(_ spec: CommandSpec) throws(CLIError) {
        let variadic = spec.arguments.last?.variadic ?? false
        if !variadic, positionals.count > spec.arguments.count {
            throw .usage("unexpected argument '\(positionals[spec.arguments.count])'")
        }
        for (index, argument) in spec.arguments.enumerated() where !argument.optional && index >= positionals.count {
            throw .usage("missing \(argument.name): \(argument.help)")
        }
    }
}
