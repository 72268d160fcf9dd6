import Foundation
public import KandasClient
public import KandasProtocol
import Log

/// What a running command may use: the global options, the consoles, and the client or admin API.
public struct CommandContext: Sendable {
    /// The outside world.
    public var environment: CLIEnvironment
    /// `--home`, `--json`, `--lang`, `--quiet`, `--show-iin`.
    public var globals: GlobalOptions

    /// Creates a context.
    public init(environment: CLIEnvironment, globals: GlobalOptions) {
        self.environment = environment
        self.globals = globals
    }

    // MARK: Output

    /// Writes a line of data to stdout.
    public func print(_ line: String) { environment.stdout.line(line) }

    /// Writes a line for humans to stderr unless `--quiet`.
    public func info(_ line: String) {
        if !globals.quiet { environment.stderr.line(line) }
    }

    /// Writes a warning to stderr (also under `--quiet`: a warning is something to act on).
    public func warn(_ line: String) { environment.stderr.line("warning: " + line) }

    /// Prints `value` as stable JSON (sorted keys, pretty-printed) on stdout.
    public func printJSON(_ value: JSONValue) {
        let encoder = JSONCoding.makeEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints a table, or `empty` when it has no rows.
    public func printTable(_ table: Table, empty: String) {
        if table.rows.isEmpty {
            info(empty)
        } else {
            environment.stdout.write(table.render())
        }
    }

    /// How this context formats values.
    public var format: Format { Format(timeZone: environment.timeZone, showIIN: globals.showIIN) }

    // MARK: Client

    /// Opens the client store in the home folder with the live transport.
    ///
    /// - Throws: `CLIError.runtime` when the folder or database cannot be opened.
    public func openClient() async throws(CLIError) -> KandasClient {
        let options = ClientOptions(appVersion: "kandas-cli/" + KandasCLI.version, platform: .cli)
        do {
            return try await KandasClient.open(
                home: globals.home, transport: environment.makeTransport(), options: options, logger: logger())
        } catch {
            throw CLIError(error)
        }
    }

    /// Runs `body` with an open client and closes it afterwards.
    public func withClient<T: Sendable>(
        _ body: (KandasClient) async throws(CLIError) -> T
    ) async throws(CLIError) -> T {
        let client = try await openClient()
        defer { client.close() }
        return try await body(client)
    }

    /// A logger to stderr at `KANDAS_LOG` level (`debug`, `info`...), disabled by default: the CLI
    /// prints its own messages and never logs tokens or personal data.
    func logger() -> Logger {
        guard let name = environment.variables["KANDAS_LOG"], let level = Logger.Level(name: name) else {
            return .disabled
        }
        return Logger(label: "kandas", level: level)
    }
}
