import KandasClient
import KandasProtocol

/// `kandas void COMPLETION --reason TEXT`: marks a completion as made by mistake (it stays visible).
struct VoidCommand: Command {
    static let spec = CommandSpec(
        ["void"], summary: "mark a completion as recorded by mistake (kept, shown as voided)",
        arguments: [ArgumentSpec("COMPLETION", "the completion (ID or a unique prefix/suffix)")],
        options: [.value("reason", "TEXT", "why (required, 1-500 characters)")],
        examples: ["kandas void 1a2b3c4d --reason 'Recorded for the wrong member'"])

    let completion: String
    let reason: String

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        completion = try InputParser.idPrefix(arguments.positionals[0], what: "COMPLETION")
        guard let reason = arguments.value("reason")?.trimmingCharacters(in: .whitespacesAndNewlines),
            (1...500).contains(reason.count)
        else { throw .usage("void needs --reason TEXT of 1 to 500 characters") }
        self.reason = reason
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let event = try await context.withClient { client throws(CLIError) in
            let view = try await LocalLookup.completion(completion, client)
            return try await LocalLookup.call { () async throws(ClientError) in
                try await client.void(completionID: view.id, reason: reason)
            }
        }
        RecordedOutput.print(event, context: context) {
            "Recorded the void of completion \(Format.short(event.completionID ?? event.eventID))."
        }
    }
}
