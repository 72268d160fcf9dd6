/// One `--flag` a command accepts, with the text `--help` shows for it.
public struct OptionSpec: Sendable, Equatable {
    /// Whether the option is a switch, takes one value, or may be repeated.
    public enum Kind: Sendable, Equatable {
        /// `--quiet`: present or not.
        case flag
        /// `--note TEXT`: exactly one value, at most once.
        case value(placeholder: String)
        /// `--photo FILE`: one value each time, any number of times.
        case repeatable(placeholder: String)
    }

    /// The name without dashes (`member` for `--member`).
    public var name: String
    /// Switch, single value or repeatable.
    public var kind: Kind
    /// One line for `--help`.
    public var help: String

    /// Creates a switch.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .flag, help: help)
    }

    /// Creates an option taking one value.
    public static func value(_ name: String, _ placeholder: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .value(placeholder: placeholder), help: help)
    }

    /// Creates an option that may be given several times.
    public static func repeatable(_ name: String, _ placeholder: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .repeatable(placeholder: placeholder), help: help)
    }

    /// `--member MEMBER`, `--photo FILE ...` or `--quiet`, as usage lines show it.
    public var synopsis: String {
        switch kind {
        case .flag: "--" + name
        case .value(let placeholder): "--" + name + " " + placeholder
        case .repeatable(let placeholder): "--" + name + " " + placeholder + " ..."
        }
    }

    /// Whether the option consumes a value.
    public var takesValue: Bool { kind != .flag }
}

/// One positional argument of a command.
public struct ArgumentSpec: Sendable, Equatable {
    /// Upper-case name shown in usage (`ITEM`).
    public var name: String
    /// One line for `--help`.
    public var help: String
    /// May be left out.
    public var optional: Bool
    /// Takes every remaining word (only the last argument).
    public var variadic: Bool

    /// Creates an argument.
    public init(_ name: String, _ help: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
    }
}
