import KandasClient
import KandasProtocol

/// `kandas resolve CONFLICT --keep | --choose EVENT | --void`: records how a conflict is settled.
struct ResolveCommand: Command {
    static let spec = CommandSpec(
        ["resolve"], summary: "resolve a conflict: keep the displayed version, choose an event, or void",
        arguments: [ArgumentSpec("CONFLICT", "the conflict (ID or a unique prefix/suffix, see kandas conflicts)")],
        options: [
            .flag("keep", "keep the version the server displays"),
            .value(
                "choose", "EVENT", "show this event's version (ID or prefix/suffix of one of the conflict's events)"),
            .flag("void", "void the completion"),
            .value("comment", "TEXT", "why (at most 2000 characters)"),
        ],
        discussion: "Give exactly one of --keep, --choose, --void. The first resolve the server receives wins.",
        examples: [
            "kandas resolve 7d6c --keep --comment 'Checked with the family'", "kandas resolve 7d6c --choose 3e4f",
        ])

    let conflict: String
    let resolution: Resolution
    let chosen: String?
    let comment: String?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        conflict = try InputParser.idPrefix(arguments.positionals[0], what: "CONFLICT")
        let choices = [arguments.flag("keep"), arguments.value("choose") != nil, arguments.flag("void")]
        guard choices.filter({ $0 }).count == 1 else {
            throw .usage("give exactly one of --keep, --choose EVENT, --void")
        }
        if arguments.flag("keep") {
            resolution = .keepDisplayed
        } else if arguments.flag("void") {
            resolution = .voidCompletion
        } else {
            resolution = .chooseEvent
        }
        chosen = try arguments.value("choose").map { text throws(CLIError) in
            try InputParser.idPrefix(text, what: "--choose")
        }
        comment = arguments.value("comment")
        if let comment, comment.count > 2000 { throw .usage("--comment is longer than 2000 characters") }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let event = try await context.withClient { client throws(CLIError) in
            let found = try await LocalLookup.conflict(conflict, client)
            let chosenID = try chosen.map { prefix throws(CLIError) in
                try IDResolver.resolve(prefix, among: found.eventIDs.map { ($0, $0) }, what: "event")
            }
            return try await LocalLookup.call { () async throws(ClientError) in
                try await client.resolve(
                    conflictID: found.id, resolution: resolution, chosenEventID: chosenID, comment: comment)
            }
        }
        RecordedOutput.print(event, context: context) {
            "Recorded a resolve (\(resolution.rawValue)) of the conflict on item \(Format.short(event.itemID))."
        }
    }
}
