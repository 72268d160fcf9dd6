import KandasClient
import KandasProtocol

/// `kandas amend COMPLETION`: changes the note, time or location of a completion, or adds files.
struct AmendCommand: Command {
    static let spec = CommandSpec(
        ["amend"], summary: "change a completion's note, time or location, or add evidence files",
        arguments: [ArgumentSpec("COMPLETION", "the completion (ID or unique prefix/suffix; see kandas items --json)")],
        options: EvidenceOptions.specs,
        discussion: "Give at least one change. Every version is kept on the server; reviewers see the history.",
        examples: [
            "kandas amend 1a2b3c4d --note 'Corrected: certificate issued'", "kandas amend 1a2b --video visit.mp4",
        ])

    let completion: String
    let evidence: EvidenceOptions

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        completion = try InputParser.idPrefix(arguments.positionals[0], what: "COMPLETION")
        evidence = try EvidenceOptions(arguments, context: context, now: .now())
        guard
            evidence.note != nil || evidence.performedAt != nil || evidence.location != nil
                || !evidence.files.isEmpty
        else {
            throw .usage("amend needs at least one change: --note, --at, --geo, --photo, --video or --doc")
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let event = try await context.withClient { client throws(CLIError) in
            let view = try await LocalLookup.completion(completion, client)
            let draft = AmendDraft(
                completionID: view.id, note: evidence.note, performedAt: evidence.performedAt,
                location: evidence.location, addFiles: evidence.files)
            return try await LocalLookup.call { () async throws(ClientError) in try await client.amend(draft) }
        }
        RecordedOutput.print(event, context: context) {
            "Recorded an amendment of completion \(Format.short(event.completionID ?? event.eventID))"
                + (event.files.isEmpty ? "." : " adding \(event.files.count) file(s).")
        }
    }
}
