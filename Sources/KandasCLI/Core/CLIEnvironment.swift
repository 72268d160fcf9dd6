public import Foundation
public import KandasClient

/// Everything the CLI takes from the outside world, injectable so commands run in tests without a process.
public struct CLIEnvironment: Sendable {
    /// Environment variables (`KANDAS_HOME`, `KANDAS_LANG`, `KANDAS_PASSWORD`, `HOME`...).
    public var variables: [String: String]
    /// Data and results.
    public var stdout: Console
    /// Errors, warnings and progress for humans.
    public var stderr: Console
    /// Whether stdin is a terminal (a password may be prompted for only then).
    public var stdinIsTTY: Bool
    /// The HTTP transport for sync, enrollment and the admin API.
    public var makeTransport: @Sendable () -> any Transport
    /// Seconds on a monotonic clock, for speeds, ETAs and durations.
    public var clock: @Sendable () -> Double
    /// The zone local times (`--at 2026-11-20 15:30`, tables) are read and shown in.
    public var timeZone: TimeZone
    /// Reads a secret from the terminal without echo; `nil` when there is no terminal or input ended.
    public var readSecret: @Sendable (_ prompt: String) -> String?
    /// Makes `Idempotency-Key` values (tests make them predictable).
    public var makeIdempotencyKey: @Sendable () -> String

    /// Creates an environment; the defaults suit tests (captured output, no terminal, no network).
    public init(
        variables: [String: String] = [:], stdout: Console = .capture(), stderr: Console = .capture(),
        stdinIsTTY: Bool = false, makeTransport: @escaping @Sendable () -> any Transport,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        readSecret: @escaping @Sendable (String) -> String? = { _ in nil },
        makeIdempotencyKey: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.variables = variables
        self.stdout = stdout
        self.stderr = stderr
        self.stdinIsTTY = stdinIsTTY
        self.makeTransport = makeTransport
        self.clock = clock
        self.timeZone = timeZone
        self.readSecret = readSecret
        self.makeIdempotencyKey = makeIdempotencyKey
    }
}
