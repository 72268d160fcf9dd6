public import KandasDomain

/// Options every command accepts, wherever they appear on the line.
public struct GlobalOptions: Sendable, Equatable {
    /// The client's store folder: `--home`, else `KANDAS_HOME`, else `~/.kandas`.
    public var home: String
    /// Machine output: stable JSON on stdout instead of tables.
    public var json: Bool
    /// Language of service names: `--lang`, else `KANDAS_LANG`, else English.
    public var language: Language
    /// Only data and errors: no progress, no summaries.
    public var quiet: Bool
    /// Show IINs in full (masked by default).
    public var showIIN: Bool

    /// The global options as `--help` lists them.
    public static let specs: [OptionSpec] = [
        .value("home", "DIR", "store folder (default: $KANDAS_HOME or ~/.kandas)"),
        .flag("json", "print stable JSON instead of tables"),
        .value("lang", "kk|ru|en", "language of service names (default: $KANDAS_LANG or en)"),
        .flag("quiet", "print only data and errors"),
        .flag("show-iin", "show IINs in full instead of masked"),
        .flag("help", "show help for the command"),
        .flag("version", "print the version"),
    ]

    /// Resolves the options from the parsed line and the environment.
    ///
    /// - Throws: `CLIError.usage` for a bad `--lang` or an empty `--home`.
    public init(_ parsed: ParsedArguments, environment: [String: String]) throws(CLIError) {
        if let home = parsed.value("home") {
            guard !home.isEmpty else { throw .usage("--home needs a folder") }
            self.home = Self.expand(home, environment)
        } else if let home = environment["KANDAS_HOME"], !home.isEmpty {
            self.home = Self.expand(home, environment)
        } else {
            self.home = Self.expand("~/.kandas", environment)
        }
        let lang = parsed.value("lang") ?? environment["KANDAS_LANG"].flatMap { $0.isEmpty ? nil : $0 } ?? "en"
        guard let language = Language(rawValue: lang.lowercased()) else {
            let source = parsed.value("lang") != nil ? "--lang" : "KANDAS_LANG"
            throw .usage("\(source) must be kk, ru or en, not '\(lang)'")
        }
        self.language = language
        json = parsed.flag("json")
        quiet = parsed.flag("quiet")
        showIIN = parsed.flag("show-iin")
    }

    /// Expands a leading `~` with `$HOME`.
    static func expand(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? "/root"
        return home + path.dropFirst()
    }
}
