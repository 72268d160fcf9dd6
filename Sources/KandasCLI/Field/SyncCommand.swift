import KandasClient
import KandasProtocol
import Synchronization

/// `kandas sync`: push the outbox, pull every page, upload files, and say what moved.
struct SyncCommand: Command {
    static let spec = CommandSpec(
        ["sync"], summary: "push recorded work, pull plans and decisions, upload evidence files",
        discussion: """
            On a terminal each upload shows a progress bar with speed and ETA; otherwise (a pipe, a log)
            plain lines. The summary at the end counts events pushed, changes pulled, files uploaded, bytes
            sent, the duration, and what needs attention (quarantined events, open conflicts).
            An interrupted sync loses nothing: run it again and uploads resume where the server stopped.
            """,
        examples: ["kandas sync", "kandas sync --quiet", "kandas sync --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let environment = context.environment
        let showProgress = !context.globals.quiet && !context.globals.json
        let printer = ProgressPrinter(
            renderer: ProgressRenderer(style: environment.stdout.isTTY ? .terminal : .plain),
            console: environment.stdout, clock: environment.clock)
        let lock = try SyncLock(home: context.globals.home)
        defer { withExtendedLifetime(lock) {} }
        let started = environment.clock()
        let outcome = try await context.withClient { client throws(CLIError) in
            try await perform(client, printer: showProgress ? printer : nil)
        }
        printer.finish()
        let (report, conflicts, quarantined) = outcome
        let seconds = environment.clock() - started
        if context.globals.json {
            var value = ViewJSON.report(report, seconds: seconds, openConflicts: conflicts)
            if case .object(var fields) = value {
                fields["quarantined_events"] = .number(Double(quarantined))
                value = .object(fields)
            }
            context.printJSON(value)
            return
        }
        guard !context.globals.quiet else { return }
        context.print(Self.summary(report, seconds: seconds, conflicts: conflicts, quarantined: quarantined))
    }

    /// Syncs, then counts what needs attention.
    func perform(_ client: KandasClient, printer: ProgressPrinter?) async throws(CLIError) -> (SyncReport, Int, Int) {
        var progress: (@Sendable (SyncProgress) -> Void)?
        if let printer { progress = { printer.handle($0) } }
        do throws(ClientError) {
            let report = try await client.sync(progress: progress)
            return (report, try await client.conflicts().count, try await client.status().quarantinedEvents)
        } catch {
            printer?.finish()
            throw CLIError(error)
        }
    }

    /// The one-paragraph summary printed after a sync.
    static func summary(_ report: SyncReport, seconds: Double, conflicts: Int, quarantined: Int) -> String {
        var text =
            "Sync done in \(Format.duration(seconds)): pushed \(report.eventsAccepted) event(s), "
            + "pulled \(report.changesPulled) change(s), uploaded \(report.filesUploaded) file(s) "
            + "(\(Format.bytes(report.uploadBytesSent)) sent)."
        if report.filesHeld > 0 { text += " \(report.filesHeld) file(s) held by the network policy." }
        if report.filesDeferred > 0 { text += " \(report.filesDeferred) file(s) will continue next sync." }
        if report.filesFailed > 0 { text += " \(report.filesFailed) file(s) refused: see kandas files." }
        text += "\nQuarantined events: \(quarantined). Open conflicts: \(conflicts)."
        if quarantined > 0 || conflicts > 0 { text += " See kandas conflicts." }
        return text
    }
}

/// Feeds progress events from the transport's thread to a renderer and the console.
final class ProgressPrinter: Sendable {
    let state: Mutex<ProgressRenderer>
    let console: Console
    let clock: @Sendable () -> Double

    init(renderer: ProgressRenderer, console: Console, clock: @escaping @Sendable () -> Double) {
        state = Mutex(renderer)
        self.console = console
        self.clock = clock
    }

    func handle(_ event: SyncProgress) {
        let now = clock()
        // Rendering and writing under one lock keeps lines whole when events arrive from two threads.
        state.withLock { renderer in
            let text = renderer.render(event, at: now)
            if !text.isEmpty { console.write(text) }
        }
    }

    func finish() {
        state.withLock { renderer in
            let text = renderer.finish()
            if !text.isEmpty { console.write(text) }
        }
    }
}
