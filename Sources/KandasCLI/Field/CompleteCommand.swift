import KandasClient
import KandasProtocol

/// `kandas complete ITEM`: records a completion offline with its evidence; `kandas sync` sends it.
struct CompleteCommand: Command {
    static let spec = CommandSpec(
        ["complete"], summary: "record that a plan item was done, with photos, video, documents and location",
        arguments: [ArgumentSpec("ITEM", "the plan item (ID or a unique prefix/suffix, see kandas items)")],
        options: [.value("member", "MEMBER", "the member (ID, prefix or IIN; default: the item's member)")]
            + EvidenceOptions.specs,
        discussion: """
            Works offline: files are copied into the store and hashed now, so the originals may be deleted.
            Evidence the service requires but that is missing is a warning (reviewers see it flagged).
            """,
        examples: [
            "kandas complete 9f8e7d6c --note 'Registered at the CSC' --photo form.jpg --doc receipt.pdf "
                + "--geo 43.2389,76.8897,12",
            "kandas complete 9f8e --at '2026-11-20 15:30' --video visit.mp4",
        ])

    let item: String
    let member: String?
    let evidence: EvidenceOptions

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        item = try InputParser.idPrefix(arguments.positionals[0], what: "ITEM")
        member = try arguments.value("member").map { text throws(CLIError) in
            text.count == 12 && text.allSatisfy(\.isNumber) ? text : try InputParser.idPrefix(text, what: "--member")
        }
        evidence = try EvidenceOptions(arguments, context: context, now: .now())
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let (event, view) = try await context.withClient { client throws(CLIError) in
            let view = try await LocalLookup.item(item, client)
            let memberID = try await member.asyncMap { text throws(CLIError) in
                try await LocalLookup.member(text, client).id
            }
            let draft = CompletionDraft(
                itemID: view.item.id, memberID: memberID, performedAt: evidence.performedAt ?? .now(),
                note: evidence.note, location: evidence.location, files: evidence.files)
            let event = try await LocalLookup.call { () async throws(ClientError) in try await client.complete(draft) }
            return (event, view)
        }
        RecordedOutput.print(event, context: context) {
            let service = view.service.map { "\($0.code). " + $0.name(in: context.globals.language) } ?? ""
            return "Recorded completion \(Format.short(event.completionID ?? event.eventID)) of item "
                + "\(Format.short(view.item.id)) (\(service)) with \(event.files.count) file(s)."
        }
    }
}

extension Optional {
    /// `map` with an async, throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws(CLIError) -> T) async throws(CLIError) -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
